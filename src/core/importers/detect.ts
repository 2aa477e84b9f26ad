import { pasteLines } from './paste/index.ts';
import { isStrictTrace } from './qemu-trace-strict.ts';
import { splitPieces } from './paste/split.ts';
import type { InputKind } from './types.ts';

/**
 * The kind of a pasted text: the paste is cleaned and cut into pieces (paste/), and the kind that
 * holds the most pasted lines wins. Undefined when no line is tool output we read.
 */
export function detectKind(text: string): InputKind | undefined {
  if (isStrictTrace(text)) return 'qemu-trace';
  const lines = pasteLines(text);
  const pieces = splitPieces(lines);
  const size = new Map<InputKind, number>();
  for (const p of pieces) size.set(p.kind, (size.get(p.kind) ?? 0) + p.last - p.first + 1);
  let best: InputKind | undefined;
  for (const [k, n] of size) if (best === undefined || n > (size.get(best) ?? 0)) best = k;
  return best;
}
