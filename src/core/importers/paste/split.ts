import { BUNDLE_MAGIC } from '../bundle.ts';
import type { InputKind } from '../types.ts';
import type { CleanLine } from './clean.ts';
import { commandKind, lineKinds } from './line-kind.ts';

/**
 * One paste, several kinds: a terminal session mixes `lspci`, `find /sys/kernel/iommu_groups`,
 * `cat reserved_regions` and the QEMU error. The paste is cut into pieces, each a run of lines of
 * one kind: a typed command starts a piece of the kind it announces; otherwise a line whose kinds
 * do not include the current piece's kind starts a new one. Lines between the first and the last
 * line of a piece that no kind claims (an lspci detail we do not name, a blank) stay in it; lines
 * outside every piece are the text around the output ("here is my dmesg:").
 */

export interface PieceSpan {
  kind: InputKind;
  /** Index of the piece's first and last line in the cleaned lines (inclusive). */
  first: number;
  last: number;
  /** The command that announced it, when one did, and its line (its words name the group). */
  command?: string;
  commandLine?: number;
}

/** A line a mailer wrapped: the previous line was cut near the wrap column and this one is not a line of its own. */
function isContinuation(prev: CleanLine, cur: CleanLine, prevKinds: readonly InputKind[]): boolean {
  if (prevKinds.length === 0 || cur.command || cur.markup || cur.text.trim() === '') return false;
  // A call cut inside its argument list (`vfio_dma_map(0x55.., 0x40000000,`) goes on below,
  // whatever the next line looks like.
  const open = (prev.text.match(/\(/g)?.length ?? 0) - (prev.text.match(/\)/g)?.length ?? 0);
  if (
    open > 0 &&
    /\b\w+\([^()]*$/.test(prev.text) &&
    /^\s*[\w\s,]*[\w)]/.test(cur.text) &&
    !/^\s*\[\s*\d+\.\d+\]/.test(cur.raw)
  )
    return true;
  if (/^\s/.test(cur.text) || lineKinds(cur).length > 0) return false;
  const width = prev.raw.replace(/\r$/, '').length;
  const firstWord = /^\S+/.exec(cur.text.trim())?.[0].length ?? 0;
  // Mailers wrap at 72–80 columns: the line was short of that only by less than the next word.
  return width >= 56 && width <= 80 && width + 1 + firstWord > 70;
}

/** Folds wrapped continuation lines into the line they belong to. */
export function rejoinWrapped(lines: readonly CleanLine[]): CleanLine[] {
  const out: CleanLine[] = [];
  let prevKinds: InputKind[] = [];
  let last: CleanLine | undefined;
  for (const l of lines) {
    if (last && isContinuation(last, l, prevKinds)) {
      const prev = out[out.length - 1] as CleanLine;
      // A break inside a hex number or after `(`/`,`/`=` loses no space; elsewhere the mailer ate one.
      const glue =
        /[(=,:[]$/.test(prev.text) || /^[)\],]/.test(l.text.trim())
          ? /,$/.test(prev.text)
            ? ' '
            : ''
          : ' ';
      out[out.length - 1] = {
        ...prev,
        text: prev.text + glue + l.text.trim(),
        joined: [...(prev.joined ?? []), l.origin],
      };
      last = l;
      prevKinds = lineKinds(out[out.length - 1] as CleanLine);
      continue;
    }
    out.push(l);
    last = l;
    prevKinds = lineKinds(l);
  }
  return out;
}

export function splitPieces(lines: readonly CleanLine[]): PieceSpan[] {
  if (
    lines.some((l) => l.text.startsWith(BUNDLE_MAGIC)) ||
    lines.filter((l) => /^=== \//.test(l.text)).length >= 2
  ) {
    const first = lines.findIndex((l) => l.text.startsWith(BUNDLE_MAGIC) || /^=== \//.test(l.text));
    return [{ kind: 'bundle', first: Math.max(0, first), last: lines.length - 1 }];
  }
  const pieces: PieceSpan[] = [];
  let cur: PieceSpan | undefined;
  let hint: { kind: InputKind | undefined; command: string; line: number } | undefined;
  let prevText = '';
  // The directory the session is in, when it is a group's (`cd /sys/kernel/iommu_groups/19`, or
  // `pwd` printing it): `cat reserved_regions` there reads that group's file.
  let groupDir: string | undefined;
  lines.forEach((l, i) => {
    const dir = /(\/sys\/kernel\/iommu_groups\/\d+)\/?\s*$/.exec(l.command ?? l.text);
    if (dir) groupDir = dir[1];
    if (l.command !== undefined) {
      // A typed command ends the output before it.
      cur = undefined;
      let command = l.command;
      if (
        groupDir &&
        /(?:^|\s)(?:\.\/)?(?:reserved_regions|devices)\b/.test(command) &&
        !/iommu_groups\/\d+/.test(command)
      ) {
        command = command.replace(
          /(^|\s)(?:\.\/)?(reserved_regions|devices)\b/,
          `$1${groupDir}/$2`,
        );
      }
      hint = { kind: commandKind(command), command, line: i };
      return;
    }
    const kinds = lineKinds(l);
    if (kinds.length === 0) return;
    const prev = prevText;
    prevText = l.text;
    const indented = /^\s/.test(l.text);
    if (cur && kinds.includes(cur.kind)) {
      // A group listing of one line per device ends where plain lspci output starts at column 0
      // (`lspci -k` pasted under it); members under an `IOMMU Group N:` header stay.
      const header = /^\s*(?:IOMMU\s+)?[Gg]roup:?\s+\d+\s*:?\s*$/.test(prev);
      const plainLspci =
        cur.kind === 'groups' &&
        !indented &&
        kinds[0] === 'lspci-vvv' &&
        !header &&
        !/^(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]\s/.test(prev);
      if (!plainLspci) {
        cur.last = i;
        return;
      }
    }
    // A line of another kind in an indented record body stays with the record (lspci details,
    // the ACS and Express lines some group scripts print under each member).
    if (
      (cur?.kind === 'lspci-vvv' || (cur?.kind === 'groups' && kinds.includes('lspci-vvv'))) &&
      indented &&
      !kinds.includes('dmesg')
    ) {
      cur.last = i;
      return;
    }
    const kind = hint?.kind && kinds.includes(hint.kind) ? hint.kind : (kinds[0] as InputKind);
    cur = {
      kind,
      first: i,
      last: i,
      ...(hint ? { command: hint.command, commandLine: hint.line } : {}),
    };
    hint = undefined;
    pieces.push(cur);
  });
  return pieces;
}
