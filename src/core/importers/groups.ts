import { canonicalBdf, isPciBdf } from '../platform/bdf.ts';
import { classFromText, DeviceTable, idsFromText, topologyFromSysfsPath } from './device-merge.ts';
import { parseAcsFlags, pcieTypeFromExpress } from './lspci-vvv.ts';
import { makeResult } from './result.ts';
import { groupNumber, isBlank, splitLines, stripLogPrefix, UnparsedLog } from './text.ts';
import type { ImportResult } from './types.ts';

/**
 * IOMMU group membership in the forms people paste:
 * - `ls -l /sys/kernel/iommu_groups/N/devices/` (symlinks whose targets give the PCI path),
 *   `find /sys/kernel/iommu_groups/ -type l` (one path per device);
 * - the Arch-wiki script: `IOMMU Group N:` then `lspci -nns` lines, or the one-line variant
 *   `IOMMU Group N BB:DD.F Class [cccc]: ...`, groups in any order;
 * - dmesg `pci 0000:00:14.0: Adding to iommu group 11` and the older
 *   `iommu: Adding device 0000:7f:12.0 to group 34` (`iommu_group_add_device`);
 * - helper-script layouts: `Group 15:\t[10de:21c4] [R] 09:00.0  VGA compatible controller  Name`
 *   with members on indented lines, ls-iommu's `IOMMU Group   0: 0000:00:02.0 Class [0300] Name`,
 *   members as PCI paths (`0000:00:1c.3/08:00.0/09:01.0`) with the `Express ...` type and the
 *   `ACSCap:`/`ACSCtl:` lines printed under them, `Kernel driver in use:` under a member;
 * - platform (non-PCI) devices of Arm SoCs in `find` output (`.../1/devices/107c580000.hvs`);
 * - `IOMMU Group *`: the script's glob did not expand, /sys/kernel/iommu_groups is empty — the
 *   IOMMU is off.
 */

const BDF = '((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7])';
const LS_LINK = new RegExp(`${BDF}\\s+->\\s+(\\S+)\\s*$`);
/** A device under `devices/`: a PCI address or a platform device name (`107c580000.hvs`, `axi:gpu`). */
const FIND_PATH = /iommu_groups\/(\d+)\/devices\/([^/\s]+)\s*(?:->\s*(\S+))?\s*$/;
const GROUP_HEADER = /^\s*(?:IOMMU\s+)?[Gg]roup:?\s+(\d+|\*)\s*:?\s*(.*)$/;
/**
 * `BDF Class [cccc]: Name` (lspci -nns), also a member given as a PCI path `DDDD:BB:DD.F/BB:DD.F`.
 * The class starts at the first non-blank (or is the one blank before the colon), so the blanks
 * after the address are not split every way between `\s+` and the class.
 */
const LSPCI_NNS = new RegExp(`^\\s*(?:${BDF}/)*${BDF}\\s+(\\S.*?|\\s):\\s+(.*)$`);
/** ls-iommu: `BDF Class [cccc] Name` (no colon). */
const LSPCI_NOCOLON = new RegExp(
  `^\\s*${BDF}\\s+((?:[^:\\[\\s][^:\\[]*|\\s)\\[[0-9a-fA-F]{4}\\])(?:\\s+(.*))?$`,
);
/** Helper scripts: `[vvvv:dddd] [R] BB:DD.F  Class name   Device name` (columns of two or more spaces). */
const HELPER = new RegExp(
  `^\\s*(?:\\[([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\\]\\s+)?(?:\\[(?:R|RESET)\\]\\s+)?${BDF}\\s{2,}(\\S.*?)(?:\\s{2,}(\\S.*))?$`,
);
// Starts at the beginning of a word: from inside one, `[\w-]+` would rescan the rest of it.
const DMESG_ADD_NEW = new RegExp(
  `(?<![\\w-])(?:pci|[\\w-]+)\\s+${BDF}:\\s+Adding to iommu group (\\d+)`,
);
const DMESG_ADD_OLD = new RegExp(`iommu:\\s+Adding device ${BDF} to group (\\d+)`);
const LS_DIR = /iommu_groups\/(\d+)\/devices\/?\s*:?\s*$/;

export interface GroupsParse {
  table: DeviceTable;
  groups: Set<number>;
}

export interface GroupLineContext {
  group?: number;
  /** The member the detail lines below belong to. */
  last?: string;
  /** `IOMMU Group *` was seen: the glob matched nothing. */
  glob?: boolean;
  /** The group came from an `ls` directory header: the lines below are its entries, in columns. */
  lsDir?: boolean;
  /** The listing prints ACS lines under its members: a member without them has no ACS. */
  printsAcs?: boolean;
  express?: Map<string, boolean>;
}

/** Detail lines some scripts print under a member: its PCIe type, ACS, driver. */
function parseMemberDetail(s: string, table: DeviceTable, ctx: GroupLineContext): boolean {
  if (!ctx.last) return false;
  const t = s.trim();
  let m = /^Express (?:\(v\d\) )?(.+?)(?:\s*\(Slot[+-]\))?,?\s*(?:MSI.*)?$/.exec(t);
  if (m) {
    const type = pcieTypeFromExpress(m[1] as string);
    if (type) table.merge(ctx.last, { pcieType: type });
    (ctx.express ??= new Map()).set(ctx.last, true);
    return true;
  }
  m = /^(ACSCap|ACSCtl):\s*(.*)$/.exec(t);
  if (m) {
    const flags = parseAcsFlags(m[2] as string);
    if (!flags) return false;
    ctx.printsAcs = true;
    const cur = table.get(ctx.last)?.acs;
    const pair = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur : { cap: [], ctl: [] };
    table.set(ctx.last, {
      acs: m[1] === 'ACSCap' ? { cap: flags, ctl: pair.ctl } : { cap: pair.cap, ctl: flags },
    });
    return true;
  }
  m = /^Kernel driver in use:\s*(\S+)/.exec(t);
  if (m) {
    table.merge(ctx.last, { hostDriver: m[1] as string });
    return true;
  }
  return /^(?:Kernel modules:|Subsystem:|DeviceName:)/.test(t);
}

/** Parses one membership line into the table; returns false when it is not one. */
export function parseGroupLine(line: string, table: DeviceTable, ctx: GroupLineContext): boolean {
  const s = stripLogPrefix(line);
  let m = DMESG_ADD_NEW.exec(s) ?? DMESG_ADD_OLD.exec(s);
  if (m) {
    const g = groupNumber(m[2] as string);
    if (g === undefined) return false;
    table.merge(m[1] as string, { group: g });
    return true;
  }
  m = FIND_PATH.exec(s);
  if (m && (isPciBdf(m[2] as string) || !/^\.\.?$/.test(m[2] as string))) {
    const g = groupNumber(m[1] as string);
    if (g === undefined) return false;
    const topo = m[3] ? topologyFromSysfsPath(m[3]) : {};
    table.merge(m[2] as string, {
      group: g,
      ...(topo.parent ? { parent: topo.parent } : {}),
      ...(topo.hostBridge ? { hostBridge: topo.hostBridge } : {}),
    });
    ctx.last = canonicalBdf(m[2] as string);
    return true;
  }
  m = LS_DIR.exec(s);
  if (m) {
    ctx.group = groupNumber(m[1] as string);
    if (ctx.group === undefined) return false;
    ctx.lsDir = true;
    return true;
  }
  // `ls DIR/devices` prints the entries in columns; names with spaces are quoted ('Fixed MDIO bus.0').
  if (ctx.lsDir && ctx.group !== undefined && !/^\s*[dl-][rwx-]{9}/.test(s) && !/:\s*$/.test(s)) {
    const names = [...s.matchAll(/'([^']+)'|(\S+)/g)].map((t) => (t[1] ?? t[2]) as string);
    if (names.length && names.every((n) => isPciBdf(n) || /^[\w.:@-]+(?: [\w.:@-]+)*$/.test(n))) {
      for (const n of names) table.merge(n, { group: ctx.group });
      ctx.last = canonicalBdf(names[names.length - 1] as string);
      return true;
    }
  }
  m = GROUP_HEADER.exec(s);
  if (
    m &&
    (m[2] === '' ||
      /^(?:\[|(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])/.test(
        (m[2] as string).trim(),
      ))
  ) {
    if (m[1] === '*') {
      // The glob `/sys/kernel/iommu_groups/*` matched nothing: there are no groups.
      ctx.glob = true;
      ctx.group = undefined;
      return true;
    }
    const g = groupNumber(m[1] as string);
    if (g === undefined) {
      ctx.group = undefined;
      return false;
    }
    ctx.group = g;
    ctx.lsDir = false;
    const rest = (m[2] as string).trim();
    if (rest === '') return true;
    return parseMember(rest, table, ctx);
  }
  m = LS_LINK.exec(s);
  if (m && ctx.group !== undefined) {
    const topo = topologyFromSysfsPath(m[2] as string);
    table.merge(m[1] as string, {
      group: ctx.group,
      ...(topo.parent ? { parent: topo.parent } : {}),
      ...(topo.hostBridge ? { hostBridge: topo.hostBridge } : {}),
    });
    return true;
  }
  if (ctx.group !== undefined && parseMember(s, table, ctx)) return true;
  // A bare BDF line under a group header (`ls /sys/kernel/iommu_groups/N/devices`).
  const bare = s.trim();
  if (ctx.group !== undefined && isPciBdf(bare)) {
    table.merge(bare, { group: ctx.group });
    ctx.last = canonicalBdf(bare);
    return true;
  }
  if (parseMemberDetail(s, table, ctx)) return true;
  // Helper scripts list USB devices under the controller's group: not PCI functions, no group of their own.
  return /^\s*USB:\s/.test(s);
}

/** A member line in any of the layouts above; the group is `ctx.group`. */
function parseMember(text: string, table: DeviceTable, ctx: GroupLineContext): boolean {
  const group = ctx.group as number;
  let m = LSPCI_NNS.exec(text);
  if (m) {
    // A PCI path: the device is the last address, on the domain of the first; its parent the one before.
    const path = /^\s*(\S+)/.exec(text)?.[1]?.split('/') ?? [];
    const domain = /^([0-9a-fA-F]{4}):/.exec(path[0] ?? '')?.[1] ?? '0000';
    const bdf =
      path.length > 1
        ? canonicalBdf(`${domain}:${path[path.length - 1]}`)
        : canonicalBdf(m[2] as string);
    const parent =
      path.length > 1
        ? canonicalBdf(path.length > 2 ? `${domain}:${path[path.length - 2]}` : (path[0] as string))
        : undefined;
    addMember(table, bdf, group, m[3] as string, m[4] as string, parent);
    ctx.last = bdf;
    return true;
  }
  m = LSPCI_NOCOLON.exec(text);
  if (m) {
    addMember(table, m[1] as string, group, m[2] as string, m[3] ?? '');
    ctx.last = canonicalBdf(m[1] as string);
    return true;
  }
  m = HELPER.exec(text);
  if (m) {
    const bdf = canonicalBdf(m[3] as string);
    const cls = classFromText(m[4] as string);
    table.merge(bdf, {
      group,
      ...(m[5] ? { name: (m[5] as string).trim() } : {}),
      ...(cls ? { class: cls } : {}),
      ...(m[1]
        ? {
            vendor: `0x${(m[1] as string).toLowerCase()}`,
            device: `0x${(m[2] as string).toLowerCase()}`,
          }
        : {}),
    });
    ctx.last = bdf;
    return true;
  }
  return false;
}

/** `00:1f.3 Audio device [0403]: Intel Corporation Cannon Lake PCH cAVS [8086:a348] (rev 10)`. */
function addMember(
  table: DeviceTable,
  bdf: string,
  group: number,
  className: string,
  text: string,
  parent?: string,
): void {
  const cls = classFromText(className);
  // Helper scripts append the bound driver: `... (rev a1)   Driver: vfio-pci`. `(?<!\s)` starts a
  // match where a blank run starts: tried from inside the run, a leading `\s*` would rescan it
  // from every position, quadratic in a long line.
  const driver = /(?<!\s)\s+Driver:\s*(\S+)\s*$/.exec(text)?.[1];
  const rest = text.replace(/(?<!\s)\s+Driver:\s*\S*\s*$/, '');
  if (driver) table.merge(bdf, { hostDriver: driver });
  const name = rest
    .replace(/(?<!\s)\s*\(rev [0-9a-fA-F]+\)\s*$/, '')
    .replace(/(?<!\s)\s*\[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\]\s*$/, '');
  table.merge(bdf, {
    group,
    name,
    ...(cls ? { class: cls } : {}),
    ...idsFromText(rest),
    ...(parent && parent !== canonicalBdf(bdf) ? { parent } : {}),
  });
}

export function importGroups(text: string): ImportResult {
  const log = new UnparsedLog();
  const table = new DeviceTable();
  const ctx: GroupLineContext = {};
  splitLines(text).forEach((line, i) => {
    if (isBlank(line)) return;
    if (/^\s*(?:[$#]\s|total \d+)/.test(line)) {
      const m = LS_DIR.exec(line.replace(/^\s*[$#]\s*\S+(?:\s+-\S+)*\s*/, ''));
      if (m) ctx.group = groupNumber(m[1] as string);
      return;
    }
    if (/^\s*[dl-][rwx-]{9}.*\s(?:\.|\.\.)\s*$/.test(line)) return; // "." and ".." entries of ls -la
    if (!parseGroupLine(line, table, ctx))
      log.add(i + 1, line, 'not a group header, a group member or a sysfs devices link');
  });
  // A script that prints ACS lines prints them for every member that has the capability.
  if (ctx.printsAcs)
    for (const [bdf] of ctx.express ?? [])
      if (table.get(bdf)?.acs === undefined) table.set(bdf, { acs: null });
  const devices = table.list().map((d) => ({ ...d, bdf: canonicalBdf(d.bdf) }));
  const groups = new Set(devices.map((d) => d.group).filter((g): g is number => g !== undefined));
  const notes =
    devices.length === 0
      ? ['no group members were found']
      : [`${devices.length} device(s) in ${groups.size} group(s)`];
  const off = ctx.glob && groups.size === 0;
  if (off)
    notes.unshift(
      '"IOMMU Group *": the listing script found no /sys/kernel/iommu_groups/N — there are no IOMMU groups, so the IOMMU is off (enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on)',
    );
  return makeResult('groups', { platform: { devices: off ? [] : devices } }, log.lines, notes, {
    dropped: log.droppedCount,
    ...(off ? { host: { iommuGroupsEmpty: true } } : {}),
  });
}
