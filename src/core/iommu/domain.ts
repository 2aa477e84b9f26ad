import type { IommuKind, IommuUnit } from '../platform/types.ts';
import { formatRange, hex, type Range, type PgsizeBitmap } from '../u64.ts';

/**
 * An IOMMU paging domain as the IOMMU core and its drivers keep it, below both uAPIs: type1's
 * `vfio_domain` and iommufd's paging HWPT each hold one. Its geometry and page sizes come from
 * the unit it was allocated for and never change.
 */
export interface PagingDomain {
  /** The IOMMU unit the domain was allocated for (`iommu_paging_domain_alloc(dev)`). */
  readonly iommu: string;
  /** Which driver's `ops` the domain has: a device of another driver can never join it. */
  readonly driver: IommuKind;
  /** VT-d 6.13+ scalable mode: first-stage page tables. */
  readonly firstStage: boolean;
  readonly aperture: Range;
  readonly pgsizeBitmap: PgsizeBitmap;
  /** Blocks no-snoop DMA (`enforce_cache_coherency`), fixed when the domain is set up. */
  readonly enforceCacheCoherency: boolean;
}

/**
 * Whether a new domain on `unit` can enforce cache coherency: VT-d iff the unit has Snoop Control
 * (`intel_iommu_enforce_cache_coherency`), AMD-Vi always (IOMMU_PTE_FC is set in every PTE,
 * `amd_iommu_enforce_cache_coherency`), SMMUv3 when its masters can write back
 * (`arm_smmu_enforce_cache_coherency`), the mock as its unit says. type1 asks the domain op
 * (`vfio_iommu_type1_attach_group`); iommufd asks it when the device reports
 * IOMMU_CAP_ENFORCE_CACHE_COHERENCY (`iommufd_hwpt_paging_alloc`) — the same answer.
 */
export function canEnforceCacheCoherency(unit: IommuUnit): boolean {
  return unit.kind === 'amd' ? true : unit.snoopControl;
}

/** `iommu_paging_domain_alloc` for a device behind `unit`, with its coherency set up. */
export function allocPagingDomain(unit: IommuUnit): PagingDomain {
  return Object.freeze({
    iommu: unit.id,
    driver: unit.kind,
    firstStage: unit.firstStage,
    aperture: Object.freeze({ start: unit.aperture.start, last: unit.aperture.last }),
    pgsizeBitmap: unit.pgsizeBitmap,
    enforceCacheCoherency: canEnforceCacheCoherency(unit),
  });
}

/**
 * Why attaching a device behind `unit` to an existing `domain` fails (the driver's `attach_dev`
 * answers -EINVAL), or undefined when it succeeds. Both uAPIs take this EINVAL as "try another
 * domain" (type1's domain reuse, iommufd's auto-domain search) or return it (explicit HWPT).
 *
 * - any driver: a domain only takes devices of its own driver (`__iommu_attach_group` compares
 *   the domain's owner ops);
 * - VT-d `paging_domain_compatible`: no-snoop enforcement the unit cannot do, other superpage
 *   sizes, a wider address space than the unit translates, another translation stage;
 * - SMMUv3 `arm_smmu_attach_dev`: a finalised domain belongs to one SMMU instance;
 * - AMD-Vi `amd_iommu_attach_device`: no geometry check (one page-table format and level count for
 *   every unit of the system), so any AMD device joins;
 * - mock `mock_domain_nop_attach`: always joins.
 */
export function attachIncompatibility(
  domain: PagingDomain,
  unit: IommuUnit,
  name: string,
): string | undefined {
  if (domain.driver !== unit.kind)
    return `${unit.id} (${unit.kind}) has another IOMMU driver than ${name} (${domain.driver} on ${domain.iommu})`;
  switch (unit.kind) {
    case 'vtd':
      if (domain.enforceCacheCoherency && !unit.snoopControl)
        return `${name} enforces cache coherency (snoop control) but ${unit.id} has no SC`;
      if (domain.pgsizeBitmap !== unit.pgsizeBitmap)
        return `${name}'s page sizes ${hex(domain.pgsizeBitmap)} differ from ${unit.id}'s ${hex(unit.pgsizeBitmap)}`;
      if (domain.aperture.last > unit.aperture.last)
        return `${name} spans ${formatRange(domain.aperture)}, wider than ${unit.id} can translate (${formatRange(unit.aperture)})`;
      if (domain.firstStage !== unit.firstStage)
        return `${name} uses ${domain.firstStage ? 'first' : 'second'}-stage tables, ${unit.id} does not`;
      return undefined;
    case 'smmuv3':
      if (domain.iommu !== unit.id)
        return `${name} belongs to ${domain.iommu}; an SMMUv3 domain cannot span SMMU instances (${unit.id})`;
      return undefined;
    case 'amd':
    case 'mock':
      return undefined;
  }
}
