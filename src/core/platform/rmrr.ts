/**
 * `device_rmrr_is_relaxable` (drivers/iommu/intel/iommu.c, used by `intel_iommu_get_resv_regions`):
 * an RMRR whose device is a USB controller (`IS_USB_DEVICE`: class code 0x0c03xx) or a graphics
 * device (`IS_GFX_DEVICE`: base class 0x03, display) is reported as IOMMU_RESV_DIRECT_RELAXABLE;
 * every other RMRR is IOMMU_RESV_DIRECT. `pciClass` is `0xCCSSPP` (or `0xCCSS`, with or without 0x).
 */
export function rmrrIsRelaxable(pciClass: string | undefined): boolean {
  const c = classOf(pciClass);
  return c !== undefined && (c.base === '03' || (c.base === '0c' && c.sub === '03'));
}

/** `IS_ISA_DEVICE`: class code 0x0601xx, an ISA bridge (the PCH's LPC controller). */
export function isIsaBridge(pciClass: string | undefined): boolean {
  const c = classOf(pciClass);
  return c?.base === '06' && c.sub === '01';
}

function classOf(pciClass: string | undefined): { base: string; sub: string } | undefined {
  const digits = /^(?:0x)?([0-9a-f]{4}|[0-9a-f]{6})$/i
    .exec(pciClass?.trim() ?? '')?.[1]
    ?.toLowerCase();
  return digits ? { base: digits.slice(0, 2), sub: digits.slice(2, 4) } : undefined;
}

/** The reserved-region type an RMRR gets for a device of class `pciClass`. */
export function rmrrRegionType(pciClass: string | undefined): 'direct' | 'direct-relaxable' {
  return rmrrIsRelaxable(pciClass) ? 'direct-relaxable' : 'direct';
}
