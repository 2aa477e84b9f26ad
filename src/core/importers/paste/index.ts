import { mergeImports } from '../merge.ts';
import type { UnitChoice } from '../infer-units.ts';
import type { ImportResult, InputKind, PastePiece, PlacedEvent, UnparsedLine } from '../types.ts';
import { cleanPaste, type CleanLine } from './clean.ts';
import { rejoinWrapped, splitPieces, type PieceSpan } from './split.ts';

/**
 * Whatever the user pasted, read: the text is cleaned (clean.ts), wrapped lines are rejoined, the
 * paste is cut into pieces by kind (split.ts), each piece goes to the importer of its kind, and
 * the results are merged with every line number pointing back into the paste.
 */

export type Importer = (text: string) => ImportResult;

export interface PasteOptions {
  /** Read the whole paste as this kind (still cleaned). */
  kind?: InputKind;
  /** The IOMMU unit the user picked for grouped devices no input assigns. */
  iommu?: UnitChoice;
}

/** Cleaned and rejoined lines of a paste. */
export function pasteLines(text: string): CleanLine[] {
  return rejoinWrapped(cleanPaste(text));
}

/** The piece's text for its importer: indentation common to all its lines removed (a forum's code block). */
function pieceText(lines: readonly CleanLine[]): string {
  // A loop, not Math.min(...): spreading a trace of a few hundred thousand lines overflows the stack.
  let cut = Infinity;
  for (const l of lines) {
    if (l.text.trim() === '' || l.text.startsWith('$ ')) continue;
    cut = Math.min(cut, /^[ \t]*/.exec(l.text)?.[0].length ?? 0);
  }
  if (cut === Infinity) cut = 0;
  return lines
    .map((l) => (l.markup || l.command !== undefined ? '' : l.text.slice(cut)))
    .join('\n');
}

/** Line n (1-based) of a piece's text → the pasted line it came from. */
function remap(result: ImportResult, lines: readonly CleanLine[]): ImportResult {
  const at = (n: number) => lines[n - 1]?.origin ?? n;
  const events: PlacedEvent[] = result.events.map((e) => ({
    ...e,
    line: at(e.line),
    text: lines[e.line - 1]?.raw.trim() ?? e.text,
  }));
  return {
    ...result,
    unparsed: result.unparsed.map((u) => ({
      ...u,
      line: at(u.line),
      text: lines[u.line - 1]?.raw ?? u.text,
    })),
    events,
    ...(result.stepLines ? { stepLines: result.stepLines.map((n) => (n > 0 ? at(n) : n)) } : {}),
    ...(result.host?.pastedErrors
      ? {
          host: {
            ...result.host,
            pastedErrors: result.host.pastedErrors.map((e) => ({
              ...e,
              line: at(e.line),
              text: lines[e.line - 1]?.raw.trim() ?? e.text,
            })),
          },
        }
      : {}),
  };
}

export function pieceLines(all: readonly CleanLine[], span: PieceSpan): CleanLine[] {
  return all.slice(span.first, span.last + 1);
}

export function readPiece(
  all: readonly CleanLine[],
  span: PieceSpan,
  importer: Importer,
): ImportResult {
  const body = pieceLines(all, span);
  // The typed command goes first: its words can say what the output is for (`cat .../9/reserved_regions`).
  const cmd =
    span.commandLine !== undefined && (span.kind === 'reserved-regions' || span.kind === 'groups')
      ? all[span.commandLine]
      : undefined;
  const lines = cmd
    ? [{ ...cmd, text: `$ ${span.command ?? cmd.command ?? ''}`, command: undefined }, ...body]
    : body;
  return remap(importer(pieceText(lines)), lines);
}

/** The last pasted line a piece took (a loop: a spread of every line overflows the stack on big pastes). */
function lastOrigin(lines: readonly CleanLine[]): number {
  let last = 0;
  for (const l of lines) {
    last = Math.max(last, l.origin);
    for (const j of l.joined ?? []) last = Math.max(last, j);
  }
  return last;
}

function pastedCount(lines: readonly CleanLine[]): number {
  return lines.reduce((n, l) => n + (l.text.trim() === '' ? 0 : 1 + (l.joined?.length ?? 0)), 0);
}

/**
 * Reads a paste of any kind or kinds. `importers` maps a kind to its importer (passed in so this
 * module does not depend on the importer index, which depends on it).
 */
export function importPaste(
  text: string,
  importers: Record<InputKind, Importer>,
  options: PasteOptions = {},
): ImportResult | undefined {
  const lines = pasteLines(text);
  const spans: PieceSpan[] = options.kind
    ? [{ kind: options.kind, first: 0, last: lines.length - 1 }]
    : splitPieces(lines);
  if (spans.length === 0) return undefined;
  const results = spans.map((s) => readPiece(lines, s, importers[s.kind]));
  const inPiece = new Set<number>();
  for (const s of spans) for (let i = s.first; i <= s.last; i++) inPiece.add(i);
  // The text around the output: prose, prompts' commands we could not name, nothing an importer read.
  const around: UnparsedLine[] = [];
  lines.forEach((l, i) => {
    if (inPiece.has(i) || l.markup || l.text.trim() === '') return;
    if (l.command !== undefined) return;
    around.push({
      line: l.origin,
      text: l.raw.length > 300 ? `${l.raw.slice(0, 300)}…` : l.raw,
      reason: 'not the output of a tool this importer reads (text around the paste)',
    });
  });
  const pieces: PastePiece[] = spans.map((s, i) => {
    const pl = pieceLines(lines, s);
    const r = results[i] as ImportResult;
    return {
      kind: s.kind,
      first: (pl[0] as CleanLine).origin,
      last: lastOrigin(pl),
      lines: pastedCount(pl),
      ...(s.command ? { command: s.command } : {}),
      notes: r.notes,
      unparsed: r.unparsed.length,
      result: r,
    };
  });
  const merged = mergeImports(
    results.map((r) => ({
      scenario: r.scenario,
      events: r.events,
      ...(r.host ? { host: r.host } : {}),
    })),
    options.iommu,
  );
  const unparsed = [...results.flatMap((r) => r.unparsed), ...around].sort(
    (a, b) => a.line - b.line,
  );
  const iomem = results.flatMap((r) => r.iomem ?? []);
  const stepLines = results.flatMap((r) =>
    r.scenario.steps?.length ? (r.stepLines ?? r.scenario.steps.map(() => 0)) : [],
  );
  const single = results.length === 1 ? (results[0] as ImportResult) : undefined;
  const notes = single
    ? [...single.notes]
    : pieces.map(
        (p) =>
          `lines ${p.first}–${p.last}: ${p.kind}${p.command ? ` (from "${p.command}")` : ''}: ${p.notes[0] ?? ''}`,
      );
  if (merged.notes.length) notes.push(...merged.notes);
  // A mail thread: pieces at different quoting depths are different messages, maybe other hosts.
  const depthOf = (sp: PieceSpan) =>
    pieceLines(lines, sp).find((l) => l.text.trim() !== '')?.quote ?? 0;
  const depths = new Map<number, PastePiece[]>();
  spans.forEach((sp, i) =>
    depths.set(depthOf(sp), [...(depths.get(depthOf(sp)) ?? []), pieces[i] as PastePiece]),
  );
  if (depths.size > 1) {
    const said = [...depths]
      .sort((a, b) => a[0] - b[0])
      .map(
        ([d, ps]) =>
          `${ps.map((p) => `lines ${p.first}–${p.last}`).join(', ')} ${d === 0 ? 'are not quoted' : `are quoted ${d === 1 ? 'once' : `${d} times`}`}`,
      );
    notes.push(
      `the paste quotes earlier messages: ${said.join('; ')} — they may come from different hosts; if so, import them one at a time`,
    );
  }
  const joinedCount = lines.reduce((n, l) => n + (l.joined?.length ?? 0), 0);
  if (joinedCount) notes.push(`${joinedCount} wrapped line(s) rejoined to the line above`);
  return {
    kind: single ? single.kind : 'mixed',
    pieces,
    ...(single ? {} : { pieceSummaries: pieces.length }),
    scenario: merged.scenario,
    unparsed,
    notes,
    events: merged.events,
    ...(iomem.length ? { iomem } : {}),
    ...(stepLines.length ? { stepLines } : {}),
    host: merged.host,
  };
}
