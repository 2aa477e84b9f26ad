import { sysfsOrigin } from '../platform/region-source.ts';
import { canonicalBdf } from '../platform/bdf.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import type { PcieType } from '../platform/types.ts';
import { ARM_SW_MSI_WINDOW } from '../platform/defaults.ts';
import { DeviceTable, topologyFromSysfsPath } from './device-merge.ts';
import { parseDmesg } from './dmesg.ts';
import { decodeAmdFeatures, decodeVtd } from './iommu-caps.ts';
import { IOMEM_ZEROED_NOTE, parseIomem } from './iomem.ts';
import { parseLspciVvv } from './lspci-vvv.ts';
import { parseResvLine } from './reserved-regions.ts';
import { makeResult } from './result.ts';
import { groupNumber, isBlank, parseHexU64, splitLines, UnparsedLog } from './text.ts';
import type { HostFacts, ImportResult, IomemEntry, PlacedEvent } from './types.ts';

/**
 * The host bundle printed by public/collect-host.sh: a first line
 * `# iova-explorer host bundle v1`, then sections `=== NAME` holding each file's text as the
 * kernel prints it (so every section is read by the importer of that format), and
 * `=== unreadable NAME: REASON` for what the collector could not read.
 */

export const BUNDLE_MAGIC = '# iova-explorer host bundle v1';

interface Section {
  name: string;
  /** 1-based line number of the first content line. */
  first: number;
  lines: string[];
}

function sections(
  text: string,
  log: UnparsedLog,
): { header: boolean; list: Section[]; unreadable: string[] } {
  const list: Section[] = [];
  const unreadable: string[] = [];
  let cur: Section | undefined;
  let header = false;
  splitLines(text).forEach((line, i) => {
    const n = i + 1;
    if (line.startsWith(BUNDLE_MAGIC)) {
      header = true;
      return;
    }
    const m = /^=== (.*)$/.exec(line);
    if (m) {
      const name = (m[1] as string).trim();
      const u = /^unreadable (.+?): (.*)$/.exec(name);
      if (u) {
        unreadable.push(`${u[1]}: ${u[2]}`);
        cur = undefined;
        return;
      }
      cur = { name, first: n + 1, lines: [] };
      list.push(cur);
      return;
    }
    if (line.startsWith('#') && !cur) return; // comments before the first section
    if (!cur) {
      if (!isBlank(line)) log.add(n, line, 'text before the first "=== SECTION" marker');
      return;
    }
    // The collector escapes a content line that looks like a marker with one more backslash.
    cur.lines.push(/^\\+=== /.test(line) ? line.slice(1) : line);
  });
  return { header, list, unreadable };
}

const BOOL = (v: string) => /^(?:Y|y|1|true)$/.test(v.trim());

/** `resource` lines: `0x%016llx 0x%016llx 0x%016llx` start, end, flags (IORESOURCE_*). */
function parseResource(lines: string[], first: number, log: UnparsedLog) {
  const bars: Array<{
    index: number;
    start: bigint;
    last: bigint;
    prefetchable: boolean;
    is64: boolean;
  }> = [];
  lines.forEach((l, i) => {
    if (isBlank(l)) return;
    const p = l.trim().split(/\s+/);
    const start = parseHexU64(p[0] ?? '');
    const last = parseHexU64(p[1] ?? '');
    const flags = parseHexU64(p[2] ?? '');
    if (p.length !== 3 || start === undefined || last === undefined || flags === undefined) {
      log.add(first + i, l, 'not a "START END FLAGS" resource line');
      return;
    }
    // Lines 0-5 are the BARs (PCI_STD_RESOURCES); IORESOURCE_MEM = 0x200, PREFETCH = 0x2000, MEM_64 = 0x100000.
    if (i > 5 || (flags & 0x200n) === 0n || last === 0n || last < start) return;
    bars.push({
      index: i,
      start,
      last,
      prefetchable: (flags & 0x2000n) !== 0n,
      is64: (flags & 0x100000n) !== 0n,
    });
  });
  return bars;
}

/** A PCIe type from topology when lspci could not tell (no root): bridges by position. */
function guessPcieType(table: DeviceTable, bdf: string): PcieType | undefined {
  const d = table.get(bdf);
  if (!d) return undefined;
  const isBridge = d.class?.startsWith('0x0604');
  const parent = d.parent ? table.get(d.parent) : undefined;
  if (isBridge) {
    if (!parent) return 'root_port';
    if (parent.pcieType === 'root_port' || parent.pcieType === 'downstream') return 'upstream';
    if (parent.pcieType === 'upstream') return 'downstream';
    return undefined;
  }
  if (d.class?.startsWith('0x0600') || d.class?.startsWith('0x0601')) return undefined;
  return parent ? 'endpoint' : 'rc_endpoint';
}

export function importBundle(text: string): ImportResult {
  const log = new UnparsedLog();
  const { header, list, unreadable } = sections(text, log);
  const table = new DeviceTable();
  const notes: string[] = [];
  const host: HostFacts = { unreadable };
  const events: PlacedEvent[] = [];
  const reservedRegions: NonNullable<PlatformInput['reservedRegions']> = [];
  const iommus: NonNullable<PlatformInput['iommus']> = [];
  const unitCaps = new Map<
    string,
    { cap?: bigint; ecap?: bigint; features?: bigint; kind?: 'vtd' | 'amd' | 'smmuv3' }
  >();
  const unitDevices = new Map<string, string[]>();
  const moduleParams: NonNullable<PlatformInput['moduleParams']> = {};
  let groupsSeen = false;
  const groupTypes: Record<number, string> = {};
  let iomem: IomemEntry[] | undefined;
  let hostBridges: NonNullable<PlatformInput['hostBridges']> = [];
  let lspciSeen = false;
  let dmesgIommus: NonNullable<PlatformInput['iommus']> = [];
  const sysfsGroupOf = new Map<string, number>();

  if (!header && list.length === 0) {
    notes.push(`not a host bundle: the first line should be "${BUNDLE_MAGIC}"`);
  }

  for (const sec of list) {
    const body = sec.lines.join('\n');
    const name = sec.name;
    let m: RegExpExecArray | null;
    if (name === 'uname -r' || name === '/proc/sys/kernel/osrelease') {
      host.kernelRelease = sec.lines[0]?.trim();
      continue;
    }
    if (name === 'uname -m' || name === '/proc/sys/kernel/arch') {
      host.machine = sec.lines[0]?.trim();
      continue;
    }
    if (name === '/proc/cmdline') {
      host.cmdline = sec.lines.join(' ').trim();
      continue;
    }
    if (name === 'cpu vendor') {
      const v = /(?:vendor_id|CPU implementer)\s*:\s*(\S+)/.exec(body)?.[1];
      if (v) host.cpuVendor = v;
      continue;
    }
    if (name === 'diagnosis' || name === 'end') continue;
    if (/^\/sys\/class\/iommu\/[^/]+\/(?:intel-iommu|amd-iommu)\/(?:version|address)$/.test(name))
      continue;
    if (name === '/sys/kernel/iommu_groups') {
      groupsSeen = true;
      if (sec.lines.every(isBlank)) host.iommuGroupsEmpty = true;
      continue;
    }
    if ((m = /^\/sys\/kernel\/iommu_groups\/(\d+)\/(reserved_regions|type|devices)$/.exec(name))) {
      groupsSeen = true;
      const g = parseInt(m[1] as string, 10);
      if (m[2] === 'type') groupTypes[g] = sec.lines[0]?.trim() ?? '';
      else if (m[2] === 'reserved_regions') {
        sec.lines.forEach((l, i) => {
          if (isBlank(l)) return;
          const r = parseResvLine(l);
          if (typeof r === 'string') log.add(sec.first + i, l, r);
          else reservedRegions.push({ ...r, group: g, origin: sysfsOrigin(g), source: 'sysfs' });
        });
      } else {
        sec.lines.forEach((l, i) => {
          if (isBlank(l)) return;
          const lm =
            /^([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(?:\s*->\s*(\S+))?\s*$/.exec(
              l.trim(),
            );
          if (!lm) {
            if (!/^\S+(?:\s*->\s*\S+)?$/.test(l.trim()))
              log.add(sec.first + i, l, 'not a "BDF -> PATH" devices link');
            return; // a non-PCI member (platform device): no PCI model for it
          }
          const topo = lm[2] ? topologyFromSysfsPath(lm[2]) : {};
          sysfsGroupOf.set(canonicalBdf(lm[1] as string), g);
          table.merge(lm[1] as string, {
            group: g,
            ...(topo.parent ? { parent: topo.parent } : {}),
            ...(topo.hostBridge ? { hostBridge: topo.hostBridge } : {}),
          });
        });
      }
      continue;
    }
    if (
      (m =
        /^\/sys\/bus\/pci\/devices\/([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])(\/resource)?$/.exec(
          name,
        ))
    ) {
      const bdf = m[1] as string;
      if (m[2]) {
        const bars = parseResource(sec.lines, sec.first, log);
        if (bars.length) table.merge(bdf, { bars });
        continue;
      }
      const kv: Record<string, string> = {};
      sec.lines.forEach((l, i) => {
        if (isBlank(l)) return;
        const e = /^(\w+)=(.*)$/.exec(l);
        if (!e) log.add(sec.first + i, l, 'not a "key=value" line');
        else kv[e[1] as string] = (e[2] as string).trim();
      });
      const topo = kv['path'] ? topologyFromSysfsPath(kv['path']) : {};
      const group = kv['iommu_group'] ? groupNumber(kv['iommu_group']) : undefined;
      table.merge(bdf, {
        ...(kv['class'] ? { class: kv['class'].toLowerCase() } : {}),
        ...(kv['vendor'] ? { vendor: kv['vendor'].toLowerCase() } : {}),
        ...(kv['device'] ? { device: kv['device'].toLowerCase() } : {}),
        ...(kv['driver'] ? { hostDriver: kv['driver'] } : {}),
        ...(group !== undefined ? { group } : {}),
        ...(topo.parent ? { parent: topo.parent } : {}),
        ...(topo.hostBridge ? { hostBridge: topo.hostBridge } : {}),
      });
      continue;
    }
    if (
      (m = /^\/sys\/class\/iommu\/([^/]+)\/(intel-iommu|amd-iommu)\/(cap|ecap|features)$/.exec(
        name,
      ))
    ) {
      const u = unitCaps.get(m[1] as string) ?? {};
      const v = parseHexU64(sec.lines[0] ?? '');
      if (v === undefined) log.add(sec.first, sec.lines[0] ?? '', 'not a hex register value');
      else if (m[3] === 'cap') u.cap = v;
      else if (m[3] === 'ecap') u.ecap = v;
      else u.features = v;
      u.kind = m[2] === 'intel-iommu' ? 'vtd' : 'amd';
      unitCaps.set(m[1] as string, u);
      continue;
    }
    if ((m = /^\/sys\/class\/iommu\/([^/]+)\/devices$/.exec(name))) {
      const unit = m[1] as string;
      if (!unitCaps.has(unit)) unitCaps.set(unit, /smmu/i.test(unit) ? { kind: 'smmuv3' } : {});
      unitDevices.set(
        unit,
        sec.lines
          .map((l) => l.trim())
          .filter((l) => /^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/.test(l)),
      );
      continue;
    }
    if ((m = /^\/sys\/class\/iommu\/([^/]+)$/.exec(name))) {
      if (!unitCaps.has(m[1] as string))
        unitCaps.set(m[1] as string, /smmu/i.test(m[1] as string) ? { kind: 'smmuv3' } : {});
      continue;
    }
    if ((m = /^\/sys\/module\/(vfio_iommu_type1|iommufd)\/parameters\/(\w+)$/.exec(name))) {
      const v = (sec.lines[0] ?? '').trim();
      if (m[1] === 'vfio_iommu_type1' && m[2] === 'allow_unsafe_interrupts')
        moduleParams['vfio_iommu_type1.allow_unsafe_interrupts'] = BOOL(v);
      else if (m[1] === 'vfio_iommu_type1' && m[2] === 'dma_entry_limit' && /^\d+$/.test(v))
        moduleParams['vfio_iommu_type1.dma_entry_limit'] = parseInt(v, 10);
      else if (m[1] === 'iommufd' && m[2] === 'allow_unsafe_interrupts')
        moduleParams['iommufd.allow_unsafe_interrupts'] = BOOL(v);
      continue;
    }
    if (name === '/proc/iomem') {
      const p = parseIomem(body, log, sec.first - 1);
      iomem = p.entries;
      host.iomemZeroed = p.zeroed;
      hostBridges = p.hostBridges;
      if (p.zeroed) notes.push(IOMEM_ZEROED_NOTE);
      continue;
    }
    if (name === 'lspci -vvv' || name === 'lspci -nnvvv' || name === 'lspci -D -nnvvv') {
      lspciSeen = true;
      const p = parseLspciVvv(body, log, sec.first - 1);
      for (const d of p.table.list()) {
        const { bdf, ...rest } = d;
        // lspci is authoritative for what it read (type, ACS, BAR placement); sysfs for the rest.
        table.set(bdf, {
          ...(rest.pcieType ? { pcieType: rest.pcieType } : {}),
          ...(rest.acs !== undefined ? { acs: rest.acs } : {}),
          ...(rest.name ? { name: rest.name } : {}),
        });
        table.merge(bdf, rest);
      }
      continue;
    }
    if (/^dmesg/.test(name)) {
      const d = parseDmesg(body, log, sec.first - 1);
      dmesgIommus = d.iommus;
      events.push(...d.events);
      Object.assign(host, { ...d.host, unreadable: host.unreadable });
      reservedRegions.push(...d.reservedRegions);
      for (const dev of d.table.list()) table.merge(dev.bdf, dev);
      notes.push(...d.notes);
      continue;
    }
    log.add(sec.first - 1, `=== ${name}`, 'unknown bundle section');
  }

  // IOMMU units: sysfs registers first; dmesg fills in what sysfs lacks (ARM units, IR state).
  for (const [id, u] of unitCaps) {
    if (u.kind === 'vtd' && u.cap !== undefined && u.ecap !== undefined) {
      const d = decodeVtd(u.cap, u.ecap);
      iommus.push({
        id,
        kind: 'vtd',
        addressWidth: d.addressWidth,
        pageSizes: d.pageSizes,
        snoopControl: d.snoopControl as boolean,
        interruptRemapping:
          host.interruptRemapping === false ? false : (d.interruptRemapping as boolean),
      });
      notes.push(`${id}: ${d.detail}`);
    } else if (u.kind === 'amd') {
      const d = u.features !== undefined ? decodeAmdFeatures(u.features) : undefined;
      iommus.push({
        id,
        kind: 'amd',
        ...(d ? { addressWidth: d.addressWidth } : {}),
        ...(host.interruptRemapping !== undefined
          ? { interruptRemapping: host.interruptRemapping }
          : {}),
      });
      if (d) notes.push(`${id}: ${d.detail}`);
    } else if (u.kind === 'smmuv3' || /smmu/i.test(id)) {
      const fromDmesg = dmesgIommus.find((x) => x.kind === 'smmuv3');
      iommus.push({
        id,
        kind: 'smmuv3',
        ...(fromDmesg?.addressWidth ? { addressWidth: fromDmesg.addressWidth } : {}),
        ...(host.msiController ? { interruptRemapping: host.msiController === 'its' } : {}),
      });
    }
  }
  if (iommus.length === 0) iommus.push(...dmesgIommus);
  if (iommus.length === 0 && table.list().some((d) => d.group !== undefined)) {
    const arm = /aarch64|arm/.test(host.machine ?? '');
    iommus.push({ id: arm ? 'smmu0' : 'iommu0', kind: arm ? 'smmuv3' : 'vtd' });
    notes.push(
      'no IOMMU unit was readable: assumed one unit of the usual kind for this architecture',
    );
  }
  // Which unit translates which device: /sys/class/iommu/UNIT/devices; else the only unit.
  for (const [unit, devs] of unitDevices)
    for (const b of devs) if (table.has(b)) table.set(b, { iommu: unit });
  const units = iommus.map((u) => u.id);
  if (units.length > 1) {
    for (const d of table.list())
      if (d.iommu === undefined && d.group !== undefined && units.length > 0)
        table.set(d.bdf, { iommu: units[0] as string });
  }
  // PCIe types and ACS that lspci could not give.
  const byDepth = table.list().sort((a, b) => depthOf(table, a.bdf) - depthOf(table, b.bdf));
  for (const d of byDepth) {
    if (d.pcieType === undefined) {
      const t = guessPcieType(table, d.bdf);
      if (t) table.set(d.bdf, { pcieType: t });
    }
    if (d.acs === undefined) table.set(d.bdf, { acs: 'unknown' });
  }
  if (!lspciSeen)
    notes.push(
      'no lspci -vvv section: PCIe types are guessed from the topology and ACS is unknown',
    );

  // SW_MSI on SMMU hosts: sysfs prints it as "msi" (iommu_group_resv_type_string); restore the type.
  const arm = iommus.some((u) => u.kind === 'smmuv3');
  const regions = reservedRegions.map((r) =>
    arm &&
    r.type === 'msi' &&
    r.start === ARM_SW_MSI_WINDOW.start &&
    r.last === ARM_SW_MSI_WINDOW.last
      ? {
          ...r,
          type: 'sw-msi' as const,
          origin: 'SW_MSI window (MSI_IOVA_BASE), printed as msi by sysfs',
          source: 'sysfs-sw-msi' as const,
        }
      : r,
  );

  host.groupTypes = groupTypes;
  const groupCount = new Set(
    table
      .list()
      .map((d) => d.group)
      .filter((g) => g !== undefined),
  ).size;
  if (groupsSeen && groupCount === 0 && Object.keys(groupTypes).length === 0)
    host.iommuGroupsEmpty = true;
  if (!groupsSeen) host.iommuGroupsEmpty = true;

  // A device without an IOMMU group has no IOMMU translating it: leave it out of the model
  // (normalizePlatform would put it behind the only unit) and say so.
  const all = table.list();
  const devices = groupCount > 0 ? all.filter((d) => d.group !== undefined) : all;
  const ungrouped = all.filter((d) => d.group === undefined).map((d) => d.bdf);
  if (groupCount > 0 && ungrouped.length)
    notes.push(`no IOMMU group (not translated, left out): ${ungrouped.join(', ')}`);
  const version = /^(\d+\.\d+)/.exec(host.kernelRelease ?? '')?.[1];
  const platform: PlatformInput = {
    arch: arm || /aarch64/.test(host.machine ?? '') ? 'aarch64' : 'x86_64',
    ...(version ? { kernel: { version } } : {}),
    ...(Object.keys(moduleParams).length ? { moduleParams } : {}),
    iommus,
    ...(hostBridges.length ? { hostBridges } : {}),
    devices,
    reservedRegions: regions,
  };
  notes.unshift(
    `${devices.length} PCI device(s), ${groupCount} IOMMU group(s), ${iommus.length} IOMMU unit(s)${host.kernelRelease ? `, kernel ${host.kernelRelease}` : ''}`,
  );
  for (const u of unreadable) notes.push(`the collector could not read ${u}`);
  return makeResult('bundle', { platform }, log.lines, notes, {
    events,
    host,
    ...(iomem ? { iomem } : {}),
    dropped: log.droppedCount,
  });
}

function depthOf(table: DeviceTable, bdf: string): number {
  let n = 0;
  const seen = new Set<string>();
  for (let p = table.get(bdf)?.parent; p && !seen.has(p); p = table.get(p)?.parent) {
    seen.add(p);
    n++;
  }
  return n;
}
