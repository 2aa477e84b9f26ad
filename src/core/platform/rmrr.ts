/**
 * `device_rmrr_is_relaxable` (drivers/iommu/intel/iommu.c, used by `intel_iommu_get_resv_regions`):
 * an RMRR whose device is a USB controller (`IS_USB_DEVICE`: class code 0x0c03xx) or a graphics
 * device (`IS_GFX_DEVICE`: base class 0x03, display) is reported as IOMMU_RESV_DIRECT_RELAXABLE;
 * every other RMRR is IOMMU_RESV_DIRECT. `pciClass` is `0xCCSSPP` (or `0xCCSS`, with or without 0x).
 */
export function rmrrIsRelaxable(pciClass: string | undefined): boolean {
  const digits = /^(?:0x)?([0-9a-f]{4}|[0-9a-f]{6})$/i
    .exec(pciClass?.trim() ?? '')?.[1]
    ?.toLowerCase();
  if (!digits) return false;
  const base = digits.slice(0, 2);
  const sub = digits.slice(2, 4);
  return base === '03' || (base === '0c' && sub === '03');
}

/** The reserved-region type an RMRR gets for a device of class `pciClass`. */
export function rmrrRegionType(pciClass: string | undefined): 'direct' | 'direct-relaxable' {
  return rmrrIsRelaxable(pciClass) ? 'direct-relaxable' : 'direct';
}
