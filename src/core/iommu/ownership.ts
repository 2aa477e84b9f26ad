import type { PlatformIndex } from '../platform/platform-index.ts';
import type { ResvRegion } from '../platform/resv-regions.ts';
import type { PciDevice } from '../platform/types.ts';

/**
 * Who owns a device's DMA, the IOMMU core's view below both uAPIs. A device's host driver means
 * one of three things, each asked through its own function here:
 *
 * - `isVfioDriver`: bound to a VFIO driver (vfio-pci and friends): the device is assigned to user
 *   space, VFIO registers it (a `/dev/vfio/N` node, a device fd, a cdev);
 * - `isDmaApiDriver`: bound to a kernel driver that uses the DMA API, which keeps the group from
 *   being claimed for user-space DMA (`iommu_group_claim_dma_owner` → EPERM, "not viable");
 * - neither: no driver, or a driver that manages no DMA (`driver_managed_dma`: pci-stub,
 *   pcieport), which does not stand in the way.
 */

/** Drivers that never do DMA through the kernel's DMA API (`driver_managed_dma`). */
export const DMA_SAFE_DRIVERS: ReadonlySet<string> = new Set([
  'vfio-pci',
  'pci-stub',
  'pcieport',
  'vfio-platform',
]);

export function isVfioDriver(driver: string | undefined | null): boolean {
  return !!driver && driver.startsWith('vfio');
}

export function isDmaApiDriver(driver: string | undefined | null): boolean {
  return !!driver && !DMA_SAFE_DRIVERS.has(driver) && !isVfioDriver(driver);
}

/**
 * A device VFIO has registered: bound to a VFIO driver, or with no driver stated (a scenario that
 * does not say is taken to have bound it), as `vfio_group_find_or_alloc` and
 * `vfio_device_get_from_name` see it.
 */
export function isVfioRegistered(index: PlatformIndex, bdf: string): boolean {
  const driver = index.devices.get(bdf)?.hostDriver;
  return driver === undefined || isVfioDriver(driver);
}

/** The members that keep a group from being viable (`iommu_group_claim_dma_owner`), with their drivers. */
export function nonViableMembers(index: PlatformIndex, group: number): PciDevice[] {
  const g = index.groups.get(group);
  if (!g) return [];
  return g.devices
    .map((b) => index.devices.get(b) as PciDevice)
    .filter((d) => isDmaApiDriver(d.hostDriver));
}

/**
 * Members with a non-relaxable 1:1 region (`require_direct`): they refuse the blocking domain that
 * claiming DMA ownership installs (`__iommu_device_set_domain` → EINVAL).
 */
export function requireDirectMembers(
  index: PlatformIndex,
  bdfs: readonly string[],
): Array<{ bdf: string; region: ResvRegion }> {
  const out: Array<{ bdf: string; region: ResvRegion }> = [];
  for (const b of bdfs) {
    const region = (index.deviceResv.get(b) ?? []).find((r) => r.type === 'direct');
    if (region) out.push({ bdf: b, region });
  }
  return out;
}
