import { classFromText, DeviceTable } from './device-merge.ts';
import { makeResult } from './result.ts';
import { groupNumber, isBlank, splitLines, UnparsedLog } from './text.ts';
import type { ImportResult } from './types.ts';

/**
 * `lspci -vmm` / `-nnvmm` records: `Tag:\tvalue` lines, blank-line separated (`Slot`, `Class`,
 * `Vendor`, `Device`, `SVendor`, `SDevice`, `Rev`, `ProgIf`, `Driver`, `Module`, `IOMMUGroup`,
 * `NUMANode`, `PhySlot`). With `-nn` the ids are the last `[hhhh]` of a value.
 */

const KNOWN = new Set([
  'Slot',
  'Class',
  'Vendor',
  'Device',
  'SVendor',
  'SDevice',
  'Rev',
  'ProgIf',
  'Driver',
  'Module',
  'IOMMUGroup',
  'NUMANode',
  'PhySlot',
]);

export function importLspciVmm(text: string): ImportResult {
  const log = new UnparsedLog();
  const table = new DeviceTable();
  let rec: Record<string, string> = {};
  let recLine = 0;
  const flush = () => {
    const slot = rec['Slot'];
    if (slot) {
      const bdf = slot.length === 7 ? `0000:${slot}` : slot;
      const lastId = (v: string | undefined) =>
        v ? /\[([0-9a-fA-F]{4})\]\s*$/.exec(v)?.[1] : undefined;
      const strip = (v: string | undefined) => v?.replace(/(?<!\s)\s*\[[0-9a-fA-F]{4}\]\s*$/, '');
      const cls = rec['Class'] ? classFromText(rec['Class']) : undefined;
      const progIf = rec['ProgIf'];
      const vendor = lastId(rec['Vendor']);
      const device = lastId(rec['Device']);
      table.merge(bdf, {
        name: [strip(rec['Vendor']), strip(rec['Device'])].filter(Boolean).join(' ') || undefined,
        ...(cls
          ? {
              class:
                progIf && /^[0-9a-fA-F]{2}$/.test(progIf)
                  ? cls.slice(0, 6) + progIf.toLowerCase()
                  : cls,
            }
          : {}),
        ...(vendor ? { vendor: `0x${vendor.toLowerCase()}` } : {}),
        ...(device ? { device: `0x${device.toLowerCase()}` } : {}),
        ...(rec['Driver'] ? { hostDriver: rec['Driver'] } : {}),
        ...(rec['IOMMUGroup'] && groupNumber(rec['IOMMUGroup']) !== undefined
          ? { group: groupNumber(rec['IOMMUGroup']) as number }
          : {}),
      });
    } else if (Object.keys(rec).length > 0) {
      log.add(
        recLine,
        `record without Slot: ${Object.keys(rec).join(', ')}`,
        'a -vmm record needs a Slot: line',
      );
    }
    rec = {};
  };
  splitLines(text).forEach((line, i) => {
    if (isBlank(line)) {
      flush();
      return;
    }
    const m = /^([A-Za-z]+):\s*(.*)$/.exec(line);
    if (!m || !KNOWN.has(m[1] as string)) {
      log.add(i + 1, line, 'not a "Tag:<TAB>value" line of lspci -vmm');
      return;
    }
    if (Object.keys(rec).length === 0) recLine = i + 1;
    if (m[1] === 'Slot' && rec['Slot']) flush();
    rec[m[1] as string] = (m[2] as string).trim();
  });
  flush();
  const devices = table.list();
  return makeResult(
    'lspci-vmm',
    { platform: { devices } },
    log.lines,
    [`${devices.length} device record(s)`],
    { dropped: log.droppedCount },
  );
}
