import { compareBdf } from './bdf.ts';
import { deriveGroups } from './groups.ts';
import { deviceResvRegions, mergeGroupResvRegions, type ResvRegion } from './resv-regions.ts';
import type { IommuUnit, PciDevice, Platform } from './types.ts';

/** One IOMMU group as the kernel would form it on this platform. */
export interface IommuGroup {
  readonly id: number;
  /** Member devices, in bus order. */
  readonly devices: readonly string[];
  /** The unit translating the group (the first member's). */
  readonly iommu: string;
  /** `iommu_get_group_resv_regions`: the merged list sysfs prints. */
  readonly resvRegions: readonly ResvRegion[];
}

/**
 * Everything derived from a platform once, when a state is created: groups, each device's own
 * reserved regions, and lookups. Frozen; shared by every later state.
 */
export interface PlatformIndex {
  readonly platform: Platform;
  readonly groups: ReadonlyMap<number, IommuGroup>;
  readonly groupOf: ReadonlyMap<string, number>;
  readonly groupReasons: ReadonlyMap<string, string>;
  readonly devices: ReadonlyMap<string, PciDevice>;
  readonly units: ReadonlyMap<string, IommuUnit>;
  /** Each device's own regions (`iommu_get_resv_regions(dev)`), used per device by iommufd. */
  readonly deviceResv: ReadonlyMap<string, readonly ResvRegion[]>;
}

export function indexPlatform(platform: Platform): PlatformIndex {
  const { groupOf, reasons } = deriveGroups(platform);
  const devices = new Map(platform.devices.map((d) => [d.bdf, d] as const));
  const units = new Map(platform.iommus.map((u) => [u.id, u] as const));

  const members = new Map<number, string[]>();
  for (const [bdf, g] of groupOf) {
    const list = members.get(g) ?? [];
    list.push(bdf);
    members.set(g, list);
  }

  const deviceResv = new Map<string, readonly ResvRegion[]>();
  for (const d of platform.devices) {
    deviceResv.set(d.bdf, Object.freeze(deviceResvRegions(platform, d.bdf, groupOf.get(d.bdf))));
  }

  const groups = new Map<number, IommuGroup>();
  for (const id of [...members.keys()].sort((a, b) => a - b)) {
    const list = (members.get(id) as string[]).sort(compareBdf);
    const first = devices.get(list[0] as string) as PciDevice;
    groups.set(
      id,
      Object.freeze({
        id,
        devices: Object.freeze(list),
        iommu: first.iommu as string,
        resvRegions: Object.freeze(mergeGroupResvRegions(list.map((b) => deviceResv.get(b) ?? []))),
      }),
    );
  }

  return Object.freeze({
    platform,
    groups,
    groupOf,
    groupReasons: reasons,
    devices,
    units,
    deviceResv,
  });
}

/**
 * Whether a device's MSIs are isolated (`msi_device_has_isolated_msi`). On x86 interrupt
 * remapping is all or nothing: `intel_prepare_irq_remapping` (and AMD's) turns it off everywhere
 * when one unit lacks it. On ARM it is per device, by its MSI controller (ITS or GICv2m).
 */
export function deviceHasIsolatedMsi(index: PlatformIndex, bdf: string): boolean {
  const dev = index.devices.get(bdf);
  const unit = dev?.iommu !== undefined ? index.units.get(dev.iommu) : undefined;
  if (!unit) return false;
  if (unit.kind === 'vtd' || unit.kind === 'amd') {
    return index.platform.iommus
      .filter((u) => u.kind === 'vtd' || u.kind === 'amd')
      .every((u) => u.interruptRemapping);
  }
  return unit.interruptRemapping;
}

/** `iommu_group_has_isolated_msi`: every member device must have isolated MSIs. */
export function groupHasIsolatedMsi(index: PlatformIndex, group: number): boolean {
  const g = index.groups.get(group);
  return !!g && g.devices.every((b) => deviceHasIsolatedMsi(index, b));
}
