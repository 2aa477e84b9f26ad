import { canonicalBdf, isPciBdf } from '../platform/bdf.ts';
import { classFromText, DeviceTable, idsFromText, topologyFromSysfsPath } from './device-merge.ts';
import { makeResult } from './result.ts';
import { isBlank, splitLines, stripLogPrefix, UnparsedLog } from './text.ts';
import type { ImportResult } from './types.ts';

/**
 * IOMMU group membership in the forms people paste:
 * - `ls -l /sys/kernel/iommu_groups/N/devices/` (symlinks whose targets give the PCI path),
 *   `find /sys/kernel/iommu_groups/ -type l` (one path per device);
 * - the Arch-wiki script: `IOMMU Group N:` then `lspci -nns` lines, or the one-line variant
 *   `IOMMU Group N BB:DD.F Class [cccc]: ...`, groups in any order;
 * - dmesg `pci 0000:00:14.0: Adding to iommu group 11` and the older
 *   `iommu: Adding device 0000:7f:12.0 to group 34` (`iommu_group_add_device`).
 */

const BDF = '((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])';
const LS_LINK = new RegExp(`${BDF}\\s+->\\s+(\\S+)\\s*$`);
const FIND_PATH = new RegExp(`iommu_groups/(\\d+)/devices/${BDF}\\s*(?:->\\s*(\\S+))?\\s*$`);
const GROUP_HEADER = /^\s*IOMMU [Gg]roup\s+(\d+)\s*:?\s*(.*)$/;
const LSPCI_NNS = new RegExp(`^\\s*${BDF}\\s+(.+?):\\s+(.*)$`);
const DMESG_ADD_NEW = new RegExp(`(?:pci|[\\w-]+)\\s+${BDF}:\\s+Adding to iommu group (\\d+)`);
const DMESG_ADD_OLD = new RegExp(`iommu:\\s+Adding device ${BDF} to group (\\d+)`);
const LS_DIR = /iommu_groups\/(\d+)\/devices\/?\s*:?\s*$/;

export interface GroupsParse {
  table: DeviceTable;
  groups: Set<number>;
}

/** Parses one membership line into the table; returns false when it is not one. */
export function parseGroupLine(line: string, table: DeviceTable, ctx: { group?: number }): boolean {
  const s = stripLogPrefix(line);
  let m = DMESG_ADD_NEW.exec(s) ?? DMESG_ADD_OLD.exec(s);
  if (m) {
    table.merge(m[1] as string, { group: parseInt(m[2] as string, 10) });
    return true;
  }
  m = FIND_PATH.exec(s);
  if (m) {
    const g = parseInt(m[1] as string, 10);
    const topo = m[3] ? topologyFromSysfsPath(m[3]) : {};
    table.merge(m[2] as string, { group: g, ...(topo.parent ? { parent: topo.parent } : {}), ...(topo.hostBridge ? { hostBridge: topo.hostBridge } : {}) });
    return true;
  }
  m = LS_DIR.exec(s);
  if (m) {
    ctx.group = parseInt(m[1] as string, 10);
    return true;
  }
  m = GROUP_HEADER.exec(s);
  if (m) {
    const g = parseInt(m[1] as string, 10);
    ctx.group = g;
    const rest = (m[2] as string).trim();
    if (rest === '') return true;
    return parseLspciNns(rest, table, g);
  }
  m = LS_LINK.exec(s);
  if (m && ctx.group !== undefined) {
    const topo = topologyFromSysfsPath(m[2] as string);
    table.merge(m[1] as string, { group: ctx.group, ...(topo.parent ? { parent: topo.parent } : {}), ...(topo.hostBridge ? { hostBridge: topo.hostBridge } : {}) });
    return true;
  }
  if (ctx.group !== undefined && parseLspciNns(s, table, ctx.group)) return true;
  // A bare BDF line under a group header (`ls /sys/kernel/iommu_groups/N/devices`).
  const bare = s.trim();
  if (ctx.group !== undefined && isPciBdf(bare)) {
    table.merge(bare, { group: ctx.group });
    return true;
  }
  return false;
}

/** `00:1f.3 Audio device [0403]: Intel Corporation Cannon Lake PCH cAVS [8086:a348] (rev 10)`. */
function parseLspciNns(text: string, table: DeviceTable, group: number): boolean {
  const m = LSPCI_NNS.exec(text);
  if (!m) return false;
  const cls = classFromText(m[2] as string);
  const name = (m[3] as string).replace(/\s*\(rev [0-9a-fA-F]+\)\s*$/, '').replace(/\s*\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\]\s*$/, '');
  table.merge(m[1] as string, { group, name, ...(cls ? { class: cls } : {}), ...idsFromText(m[3] as string) });
  return true;
}

export function importGroups(text: string): ImportResult {
  const log = new UnparsedLog();
  const table = new DeviceTable();
  const ctx: { group?: number } = {};
  splitLines(text).forEach((line, i) => {
    if (isBlank(line)) return;
    if (/^\s*(?:[$#]\s|total \d+)/.test(line)) {
      const m = LS_DIR.exec(line.replace(/^\s*[$#]\s*\S+(?:\s+-\S+)*\s*/, ''));
      if (m) ctx.group = parseInt(m[1] as string, 10);
      return;
    }
    if (/^\s*[dl-][rwx-]{9}.*\s(?:\.|\.\.)\s*$/.test(line)) return; // "." and ".." entries of ls -la
    if (!parseGroupLine(line, table, ctx)) log.add(i + 1, line, 'not a group header, a group member or a sysfs devices link');
  });
  const devices = table.list().map((d) => ({ ...d, bdf: canonicalBdf(d.bdf) }));
  const groups = new Set(devices.map((d) => d.group).filter((g): g is number => g !== undefined));
  const notes = devices.length === 0 ? ['no group members were found'] : [`${devices.length} device(s) in ${groups.size} group(s)`];
  return makeResult('groups', { platform: { devices } }, log.lines, notes, { dropped: log.droppedCount });
}
