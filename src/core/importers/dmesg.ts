import type { PlatformInput } from '../platform/normalize.ts';
import { rmrrRegionType } from '../platform/rmrr.ts';
import { canonicalBdf } from '../platform/bdf.ts';
import { DeviceTable } from './device-merge.ts';
import { isCompanionErrorLine, parseEventLine, type EventParseContext } from './error-lines.ts';
import { parseGroupLine } from './groups.ts';
import { decodeAmdFeatures, decodeVtd } from './iommu-caps.ts';
import { makeResult } from './result.ts';
import { isBlank, parseHexU64, splitLines, stripLogPrefix, UnparsedLog } from './text.ts';
import type { HostFacts, ImportResult, PlacedEvent } from './types.ts';

/**
 * IOMMU lines of `dmesg` (with or without `[ t.tttttt]` / journal prefixes):
 * DMAR (`dmar_parse_one_drhd`, `dmar_parse_one_rmrr`, `intel_iommu_init`): host address width,
 * DRHD units with their cap/ecap, RMRRs, DMAR-IR interrupt remapping; AMD-Vi (`amd_iommu_init`,
 * `iommu_init_pci`): found IOMMU, extended features, interrupt remapping; ARM
 * (`arm_smmu_device_hw_probe`: `ias 48-bit, oas 48-bit`; GICv3 ITS / GICv2m frames);
 * group creation (`iommu_group_add_device`); faults; the RMRR "ineligible" refusal; PCI ACS
 * quirk lines. Lines that are not about the IOMMU are reported as unparsed only when they look
 * like IOMMU lines we could not read; the rest of a full dmesg is skipped silently.
 */

const IOMMU_WORDS = /DMAR|AMD-Vi|iommu|IOMMU|smmu|SMMU|ITS|GICv2m|ACS|vfio/;

export interface DmesgParse {
  iommus: NonNullable<PlatformInput['iommus']>;
  table: DeviceTable;
  events: PlacedEvent[];
  host: HostFacts;
  notes: string[];
  reservedRegions: NonNullable<PlatformInput['reservedRegions']>;
}

export function parseDmesg(text: string, log: UnparsedLog, lineOffset = 0): DmesgParse {
  const iommus: NonNullable<PlatformInput['iommus']> = [];
  const table = new DeviceTable();
  const events: PlacedEvent[] = [];
  const host: HostFacts = {};
  const notes: string[] = [];
  const reservedRegions: NonNullable<PlatformInput['reservedRegions']> = [];
  const evCtx: EventParseContext = {};
  const groupCtx: { group?: number } = {};
  let armIas: number | undefined;
  let amdUnits = 0;
  const amdUnitKeys = new Set<string>();
  let amdPerfUnits = 0;
  const armUnitNames = new Set<string>();
  let amdFeatures: bigint | undefined;
  // PCI enumeration lines (`pci_setup_device`: "pci BDF: [vvvv:dddd] type 00 class 0xCCSSPP"), for RMRR classification.
  const classes = new Map<string, string>();

  splitLines(text).forEach((raw, i) => {
    const n = i + 1 + lineOffset;
    if (isBlank(raw)) return;
    const s = stripLogPrefix(raw);
    let m: RegExpExecArray | null;
    if (
      (m =
        /\bpci ([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]): \[[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\] type [0-9a-fA-F]{2} class (0x[0-9a-fA-F]{6})/.exec(
          s,
        ))
    ) {
      classes.set((m[1] as string).toLowerCase(), (m[2] as string).toLowerCase());
    }
    if ((m = /DMAR: Host address width (\d+)/.exec(s))) {
      host.hostAddressWidth = parseInt(m[1] as string, 10);
      return;
    }
    if (
      (m =
        /DMAR: (dmar\d+): reg_base_addr ([0-9a-fA-F]+) ver \S+ cap ([0-9a-fA-F]+) ecap ([0-9a-fA-F]+)/.exec(
          s,
        ))
    ) {
      const d = decodeVtd(BigInt('0x' + m[3]), BigInt('0x' + m[4]));
      iommus.push({
        id: m[1] as string,
        kind: 'vtd',
        addressWidth: d.addressWidth,
        pageSizes: d.pageSizes,
        snoopControl: d.snoopControl as boolean,
        interruptRemapping: d.interruptRemapping as boolean,
      });
      return;
    }
    if ((m = /DMAR: RMRR base: (0x[0-9a-fA-F]+) end: (0x[0-9a-fA-F]+)/.exec(s))) {
      const start = parseHexU64(m[1] as string);
      const last = parseHexU64(m[2] as string);
      if (start !== undefined && last !== undefined && last >= start)
        (host.rmrrs ??= []).push({ start, last });
      return;
    }
    if (
      (m =
        /Setting identity map for device ([0-9a-fA-F:.]+) \[(0x[0-9a-fA-F]+) - (0x[0-9a-fA-F]+)\]/.exec(
          s,
        ))
    ) {
      const start = parseHexU64(m[2] as string);
      const last = parseHexU64(m[3] as string);
      if (start !== undefined && last !== undefined && last >= start) {
        (host.rmrrs ??= []).push({ start, last, device: m[1] as string });
        reservedRegions.push({
          start,
          last,
          type: 'direct',
          device: m[1] as string,
          origin: 'RMRR (dmesg identity map)',
          source: 'rmrr',
        });
      }
      return;
    }
    if (
      /DMAR-IR: Enabled IRQ remapping|DMAR-IR: IRQ remapping was enabled|AMD-Vi: Interrupt remapping enabled|Enabled IRQ remapping in/.test(
        s,
      )
    ) {
      host.interruptRemapping = true;
      const mode = /in (x2apic|xapic) mode/.exec(s)?.[1];
      if (mode) host.irqRemapMode = mode as 'x2apic' | 'xapic';
      return;
    }
    // `x2apic is disabled` / `IRQ remapping doesn't support X2APIC mode, disable x2apic`: the
    // kernel falls back to xAPIC and keeps remapping interrupts (intel_setup_irq_remapping,
    // x2apic_setup): remapping is on, in xAPIC mode — not off.
    if (
      /IRQ remapping doesn't support X2APIC mode|x2apic is disabled|x2apic: IRQ remapping doesn't support|DMAR-IR: x2apic is disabled/.test(
        s,
      )
    ) {
      host.irqRemapMode = 'xapic';
      return;
    }
    if (
      /DMAR-IR: .*(?:disabled|Not enabling interrupt remapping)|AMD-Vi: .*[Ii]nterrupt remapping (?:disabled|not)/.test(
        s,
      )
    ) {
      host.interruptRemapping = false;
      return;
    }
    if ((m = /AMD-Vi: Extended features \((0x[0-9a-fA-F]+)(?:,\s*0x[0-9a-fA-F]+)?\)/.exec(s))) {
      amdFeatures = parseHexU64(m[1] as string);
      return;
    }
    // AMD-Vi units, from every line that names one: `AMD-Vi: Found IOMMU at 0000:00:00.2 cap 0x40`,
    // `pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40`, `perf/amd_iommu: Detected AMD IOMMU #3`.
    if (
      (m =
        /(?:([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]): AMD-Vi: Found IOMMU|AMD-Vi: Found IOMMU at ([0-9a-fA-F:.]+))/.exec(
          s,
        ))
    ) {
      amdUnitKeys.add(canonicalBdf((m[1] ?? m[2]) as string));
      amdUnits++;
      return;
    }
    if ((m = /perf\/amd_iommu: Detected AMD IOMMU #(\d+)/.exec(s))) {
      amdPerfUnits = Math.max(amdPerfUnits, parseInt(m[1] as string, 10) + 1);
      return;
    }
    if (/AMD-Vi: Found IOMMU/.test(s)) {
      amdUnits++;
      return;
    }
    if (
      (m = /arm-smmu(?:-v3)?[ .](?:\S*\s+)?(\S+): ias (\d+)-bit, oas (\d+)-bit/.exec(s)) ||
      (m = /arm-smmu(?:-v3)? (\S+):\s+Stage-2: (\d+)-bit IPA/.exec(s))
    ) {
      armIas = parseInt(m[2] as string, 10);
      armUnitNames.add(m[1] as string);
      return;
    }
    if ((m = /^(?:\S+\s)?arm-smmu(?:-v3)? ([\w.:-]+):/.exec(s))) {
      // SMMUv2 units print `probing hardware configuration...`, `stage 1 translation`, page sizes.
      armUnitNames.add(m[1] as string);
    }
    if (/\bITS\b.*(?:@|\[mem)|ITS: using|GICv3: .*ITS/.test(s)) {
      host.msiController = 'its';
      return;
    }
    if (/GICv2m: range\[|GICv2m:/.test(s)) {
      if (host.msiController !== 'its') host.msiController = 'gicv2m';
      return;
    }
    if (
      (m =
        /(?:vfio-pci )?([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]): DMAR: Device is ineligible for IOMMU domain attach due to platform RMRR/.exec(
          s,
        ))
    ) {
      (host.rmrrIneligible ??= []).push(m[1] as string);
      return;
    }
    if (/ACS (?:workaround|quirk)|ACS override|pcie_acs_override/.test(s)) {
      (host.acsQuirks ??= []).push(s.trim());
      return;
    }
    const ev = parseEventLine(raw, n, evCtx);
    if (ev === 'consumed') return;
    if (ev) {
      events.push(ev);
      return;
    }
    if (parseGroupLine(raw, table, groupCtx)) return;
    if (isCompanionErrorLine(raw)) return;
    if (
      /DMAR: (?:DRHD base|ATSR|SATC|IOMMU enabled|Intel\(R\) Virtualization|dmar\d+: Using Queued|No RMRR|No ATSR|No SATC|Setting RMRR|RHSA|Dmar\s)|DMAR-IR: (?:IOAPIC|HPET|Queued|Enabled)|AMD-Vi: (?:IOMMU performance|Lazy IO|Using|Virtual APIC|IVRS|X2APIC|Found IOMMU)|AMD-Vi: IOMMU performance|iommu: Default domain type|iommu: DMA domain TLB|PCI-DMA: |Adding to iommu group|arm-smmu/.test(
        s,
      )
    ) {
      return; // known IOMMU lines carrying nothing the model needs
    }
    if (
      IOMMU_WORDS.test(s) &&
      /(?:DMAR|AMD-Vi|SMMU|smmu)[:\s-]/.test(s) &&
      !/^ACPI: (?:DMAR|IVRS|IORT) /.test(s)
    ) {
      log.add(n, raw, 'an IOMMU line this importer does not read');
    }
  });

  amdUnits = Math.max(amdUnits, amdUnitKeys.size, amdPerfUnits);
  const armUnits = armUnitNames.size;
  // AMD-Vi lines without a unit line (`IOMMU performance counters supported`): one unit at least.
  if (amdUnits === 0 && amdFeatures === undefined && /AMD-Vi:/.test(text)) amdUnits = 1;
  if (amdUnits > 0 || amdFeatures !== undefined) {
    const d = amdFeatures !== undefined ? decodeAmdFeatures(amdFeatures) : undefined;
    for (let u = 0; u < Math.max(1, amdUnits); u++) {
      iommus.push({
        id: `ivhd${u}`,
        kind: 'amd',
        ...(d ? { addressWidth: d.addressWidth } : {}),
        ...(host.interruptRemapping !== undefined
          ? { interruptRemapping: host.interruptRemapping }
          : {}),
      });
    }
  }
  if (armUnits > 0) {
    for (let u = 0; u < armUnits; u++) {
      iommus.push({
        id: `smmu${u}`,
        kind: 'smmuv3',
        ...(armIas ? { addressWidth: armIas } : {}),
        ...(host.msiController ? { interruptRemapping: host.msiController === 'its' } : {}),
      });
    }
  }
  if (host.interruptRemapping !== undefined) {
    for (const u of iommus)
      if (u.kind === 'vtd' && host.interruptRemapping === false) u.interruptRemapping = false;
  }
  // `device_rmrr_is_relaxable`: a graphics or USB device's RMRR is direct-relaxable, when dmesg gives its class.
  for (const r of reservedRegions) {
    const cls = r.device !== undefined ? classes.get(r.device.toLowerCase()) : undefined;
    if (r.type === 'direct' && cls !== undefined) r.type = rmrrRegionType(cls);
  }
  if (host.rmrrs?.length)
    notes.push(
      `${host.rmrrs.length} RMRR(s): dmesg does not say which devices they cover unless it prints the identity maps`,
    );
  return { iommus, table, events, host, notes, reservedRegions };
}

export function importDmesg(text: string): ImportResult {
  const log = new UnparsedLog();
  const d = parseDmesg(text, log);
  const devices = d.table.list();
  const platform: PlatformInput = {
    ...(d.iommus.length ? { iommus: d.iommus } : {}),
    ...(devices.length ? { devices } : {}),
    ...(d.reservedRegions.length ? { reservedRegions: d.reservedRegions } : {}),
  };
  const notes = [
    `${d.iommus.length} IOMMU unit(s), ${devices.length} device(s) with groups, ${d.events.length} fault/error line(s)`,
    ...d.notes,
  ];
  return makeResult('dmesg', { platform }, log.lines, notes, {
    events: d.events,
    host: d.host,
    dropped: log.droppedCount,
  });
}
