import { DeviceTable } from './device-merge.ts';
import { makeResult } from './result.ts';
import { isBlank, splitLines, UnparsedLog } from './text.ts';
import type { ImportResult } from './types.ts';

/**
 * `lspci -tv` topology: roots `-[DDDD:BB]-`, children `+-DD.F` / `\-DD.F` / `----DD.F`, a bridge's
 * bus range `-[sec-sub]--` or `-[sec]--`, `|` continuation. A device's bus is the secondary bus of
 * the nearest bridge to its left (by column) that is still open: a token at column c closes every
 * bridge at column >= c. Gives parent links, bridges' secondary buses, and names.
 */

const TOKEN =
  /(\[([0-9a-fA-F]{4}):([0-9a-fA-F]{2})\])|(?<=[-+\\])([0-9a-fA-F]{2})\.([0-7])(?:-\[([0-9a-fA-F]{2})(?:-([0-9a-fA-F]{2}))?\])?/g;

interface Level {
  col: number;
  domain: string;
  bus: string;
  bridge?: string;
}

export function parseLspciTv(text: string, log: UnparsedLog, lineOffset = 0): DeviceTable {
  const table = new DeviceTable();
  let stack: Level[] = [];
  splitLines(text).forEach((line, i) => {
    const n = i + 1 + lineOffset;
    if (isBlank(line)) return;
    if (!/^[\s|+\\-]*[-+\\]/.test(line) && !/^\s*\[/.test(line)) {
      log.add(n, line, 'not an lspci -tv tree line');
      return;
    }
    let found = 0;
    TOKEN.lastIndex = 0;
    let m: RegExpExecArray | null;
    // Names start after two spaces following the last device token; do not scan into them.
    while ((m = TOKEN.exec(line)) !== null) {
      const col = m.index;
      const before = line.slice(0, col);
      if (/\S\s{2,}\S/.test(before.replace(/^[\s|]+/, '').replace(/\|/g, ''))) break; // inside a name
      found++;
      stack = stack.filter((l) => l.col < col);
      if (m[1]) {
        const level: Level = {
          col,
          domain: (m[2] as string).toLowerCase(),
          bus: (m[3] as string).toLowerCase(),
        };
        stack = [level];
        continue;
      }
      const top = stack[stack.length - 1];
      if (!top) {
        log.add(n, line, 'a device before any [DDDD:BB] root');
        break;
      }
      const bdf = `${top.domain}:${top.bus}:${(m[4] as string).toLowerCase()}.${m[5]}`;
      const after = line.slice(col + m[0].length);
      const name = /^\s{1,2}(\S.*)$/.exec(after)?.[1]?.trim();
      table.merge(bdf, {
        ...(top.bridge ? { parent: top.bridge } : {}),
        ...(name ? { name } : {}),
      });
      if (m[6])
        stack.push({ col, domain: top.domain, bus: (m[6] as string).toLowerCase(), bridge: bdf });
      if (name) break;
    }
    if (found === 0 && !/^[\s|]*$/.test(line))
      log.add(n, line, 'no device or root found in this tree line');
  });
  return table;
}

export function importLspciTv(text: string): ImportResult {
  const log = new UnparsedLog();
  const table = parseLspciTv(text, log);
  const devices = table.list();
  return makeResult(
    'lspci-tv',
    { platform: { devices } },
    log.lines,
    [`${devices.length} device(s) in the tree`],
    { dropped: log.droppedCount },
  );
}
