import type { PlatformInput } from '../platform/normalize.ts';
import { makeResult } from './result.ts';
import { isBlank, parseHexU64, splitLines, UnparsedLog } from './text.ts';
import type { ImportResult, IomemEntry } from './types.ts';

/**
 * `/proc/iomem`: `start-end : name`, hex without 0x, inclusive end, nested by two spaces per level.
 * Top-level `PCI Bus DDDD:BB` entries are host bridge windows. `/proc/iomem` is world readable,
 * but `iomem_is_exclusive`/`r_show` print every address as zero to readers without
 * CAP_SYS_ADMIN: all-zero input is reported as such instead of being imported as a map.
 */

const LINE = /^(\s*)([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.*)$/;

export interface IomemParse {
  entries: IomemEntry[];
  zeroed: boolean;
  hostBridges: NonNullable<PlatformInput['hostBridges']>;
}

export function parseIomem(text: string, log: UnparsedLog, lineOffset = 0): IomemParse {
  const entries: IomemEntry[] = [];
  splitLines(text).forEach((line, i) => {
    const n = i + 1 + lineOffset;
    if (isBlank(line)) return;
    const m = LINE.exec(line);
    if (!m) {
      log.add(n, line, 'not "start-end : name"');
      return;
    }
    const start = parseHexU64(m[2] as string);
    const last = parseHexU64(m[3] as string);
    if (start === undefined || last === undefined) {
      log.add(n, line, 'address does not fit in 64 bits');
      return;
    }
    if (last < start) {
      log.add(n, line, 'end below start (the end is inclusive)');
      return;
    }
    entries.push({
      start,
      last,
      name: (m[4] as string).trim(),
      depth: Math.floor((m[1] as string).length / 2),
    });
  });
  const zeroed = entries.length > 0 && entries.every((e) => e.start === 0n && e.last === 0n);
  const bridges = new Map<string, Array<{ start: bigint; last: bigint; kind: 'mem' | 'mem64' }>>();
  if (!zeroed) {
    for (const e of entries) {
      const m = /^PCI Bus ([0-9a-fA-F]{4}):([0-9a-fA-F]{2})$/.exec(e.name);
      // A zero-size entry (`00000000-00000000`) is a hidden address, not a window.
      if (!m || e.depth !== 0 || (e.start === 0n && e.last === 0n)) continue;
      const id = `pci${(m[1] as string).toLowerCase()}:${(m[2] as string).toLowerCase()}`;
      const list = bridges.get(id) ?? [];
      list.push({ start: e.start, last: e.last, kind: e.last > 0xffffffffn ? 'mem64' : 'mem' });
      bridges.set(id, list);
    }
  }
  return { entries, zeroed, hostBridges: [...bridges].map(([id, windows]) => ({ id, windows })) };
}

export const IOMEM_ZEROED_NOTE =
  '/proc/iomem shows every address as 0: it was read without root (the kernel hides addresses from readers without CAP_SYS_ADMIN); run the collector with sudo to get host bridge windows and BAR placement';

export function importIomem(text: string): ImportResult {
  const log = new UnparsedLog();
  const { entries, zeroed, hostBridges } = parseIomem(text, log);
  const notes: string[] = [];
  if (zeroed) notes.push(IOMEM_ZEROED_NOTE);
  else notes.push(`${entries.length} entries, ${hostBridges.length} host bridge(s) with windows`);
  return makeResult('iomem', zeroed ? {} : { platform: { hostBridges } }, log.lines, notes, {
    iomem: entries,
    host: { iomemZeroed: zeroed },
    dropped: log.droppedCount,
  });
}
