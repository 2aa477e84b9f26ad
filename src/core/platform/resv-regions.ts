import { hex16, type Range } from '../u64.ts';
import { kernelOlderThan } from './defaults.ts';
import { isIsaBridge } from './rmrr.ts';
import {
  RESV_TYPE_ORDER,
  type PciDevice,
  type Platform,
  type RegionSource,
  type ReservedRegionSpec,
  type ResvType,
} from './types.ts';

/** A reserved region as one device reports it (`struct iommu_resv_region`), with its origin. */
export interface ResvRegion extends Range {
  readonly type: ResvType;
  /** Why the region exists, for messages: "msi window", "RMRR", "host bridge window 0000:00". */
  readonly origin: string | undefined;
  /** Where the model got it, for the analysis (absent: the scenario states it). */
  readonly source?: RegionSource;
}

/**
 * The regions a device's IOMMU driver reports for it (`iommu_get_resv_regions(dev)`): those the
 * scenario lists for the device, for its group, or platform-wide; and, with the 2017–2019 ARM
 * switch on, the PCI host bridge windows as `reserved` (commit 273df9635385, reverted by
 * cd2c9fcf5c66 — kernel-semantics §6.2); and with CONFIG_INTEL_IOMMU_FLOPPY_WA, a VT-d ISA bridge's
 * 0–16 MiB (`isaBridgeRegion`).
 */
export function deviceResvRegions(
  platform: Platform,
  bdf: string,
  group: number | undefined,
): ResvRegion[] {
  const dev = platform.devices.find((d) => d.bdf === bdf);
  const out: ResvRegion[] = [];
  for (const r of platform.reservedRegions) {
    if (appliesTo(r, bdf, group))
      out.push(
        Object.freeze({
          start: r.start,
          last: r.last,
          type: r.type,
          origin: r.origin,
          ...(r.source ? { source: r.source } : {}),
        }),
      );
  }
  if (platform.hostBridgeWindowsReserved && dev?.iommu !== undefined) {
    for (const hb of platform.hostBridges) {
      if (dev.hostBridge !== undefined && dev.hostBridge !== hb.id) continue;
      for (const w of hb.windows) {
        if (w.kind === 'io' || w.kind === 'bus') continue;
        out.push(
          Object.freeze({
            start: w.start,
            last: w.last,
            type: 'reserved',
            origin: `host bridge ${hb.id} window`,
            source: 'host-bridge-window',
          }),
        );
      }
    }
  }
  const isa = dev && isaBridgeRegion(platform, dev);
  if (isa) out.push(isa);
  return out;
}

/** The ISA bridge's legacy DMA range, [0, 16 MiB). */
export const ISA_DMA_RANGE: Range = Object.freeze({ start: 0n, last: 0xffffffn });

/**
 * `intel_iommu_get_resv_regions` under CONFIG_INTEL_IOMMU_FLOPPY_WA: an ISA bridge behind VT-d
 * reports [0, 16 MiB) 1:1 for legacy ISA drivers, since 5.3 (d850c2ee5fe2, which replaced the
 * static identity map). It was IOMMU_RESV_DIRECT, so VFIO cut it out of every group holding the
 * bridge and a guest's low RAM failed to map, until d8018a0e9195 (5.5-rc2, stable 5.4.7) made it
 * DIRECT_RELAXABLE, which VFIO and iommufd ignore.
 */
function isaBridgeRegion(platform: Platform, dev: PciDevice): ResvRegion | undefined {
  const { version, CONFIG_INTEL_IOMMU_FLOPPY_WA } = platform.kernel;
  if (!CONFIG_INTEL_IOMMU_FLOPPY_WA || !isIsaBridge(dev.class) || kernelOlderThan(version, '5.3'))
    return undefined;
  const unit = platform.iommus.find((u) => u.id === dev.iommu);
  if (unit?.kind !== 'vtd') return undefined;
  return Object.freeze({
    ...ISA_DMA_RANGE,
    type: kernelOlderThan(version, '5.4.7') ? 'direct' : 'direct-relaxable',
    origin: 'ISA bridge legacy DMA (CONFIG_INTEL_IOMMU_FLOPPY_WA)',
    source: 'isa-floppy-wa',
  });
}

function appliesTo(r: ReservedRegionSpec, bdf: string, group: number | undefined): boolean {
  if (r.device !== undefined) return r.device === bdf;
  if (r.group !== undefined) return r.group === group;
  return true;
}

/**
 * Adds one region to a group's sorted list the way `iommu_insert_resv_region` does: sorted by
 * start, a lower type first on equal starts; then regions of the inserted region's type that
 * overlap or touch are merged. Regions of different types are never merged.
 */
export function insertResvRegion(list: readonly ResvRegion[], region: ResvRegion): ResvRegion[] {
  const out = [...list];
  let at = out.findIndex(
    (it) =>
      region.start < it.start ||
      (region.start === it.start && RESV_TYPE_ORDER[region.type] <= RESV_TYPE_ORDER[it.type]),
  );
  if (at < 0) at = out.length;
  out.splice(at, 0, region);

  const merged: ResvRegion[] = [];
  let top: number | undefined;
  for (const it of out) {
    if (it.type !== region.type) {
      merged.push(it);
      continue;
    }
    const kept = top === undefined ? undefined : merged[top];
    if (kept && it.start <= kept.last + 1n) {
      if (it.last > kept.last) merged[top as number] = Object.freeze({ ...kept, last: it.last });
    } else {
      merged.push(it);
      top = merged.length - 1;
    }
  }
  return merged;
}

/** `iommu_get_group_resv_regions`: every member device's regions, inserted one by one. */
export function mergeGroupResvRegions(perDevice: readonly (readonly ResvRegion[])[]): ResvRegion[] {
  let list: ResvRegion[] = [];
  for (const regions of perDevice) for (const r of regions) list = insertResvRegion(list, r);
  return list;
}

/** sysfs has no "sw-msi" string: both MSI kinds print as "msi" (`iommu_group_resv_type_string`). */
export function sysfsTypeName(type: ResvType): string {
  return type === 'sw-msi' ? 'msi' : type;
}

/** One line of `/sys/kernel/iommu_groups/N/reserved_regions` (`iommu_group_show_resv_regions`). */
export function sysfsLine(r: ResvRegion): string {
  return `${hex16(r.start)} ${hex16(r.last)} ${sysfsTypeName(r.type)}`;
}

/** Types that VFIO type1 and iommufd leave out of the IOVA space: all but direct-relaxable. */
export function isEnforcedResv(type: ResvType): boolean {
  return type !== 'direct-relaxable';
}

export function describeResvType(type: ResvType): string {
  switch (type) {
    case 'direct':
      return 'direct (1:1 firmware) region';
    case 'direct-relaxable':
      return 'direct-relaxable region';
    case 'reserved':
      return 'reserved region';
    case 'msi':
      return 'msi region';
    case 'sw-msi':
      return 'sw-msi region';
  }
}
