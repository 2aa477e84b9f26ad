import type { RangeMap } from './ranges/range-map.ts';
import type { Range, U64, UserVa, PgsizeBitmap } from './u64.ts';
import type { ResvType } from './platform/types.ts';
import type { EntityRef } from './entity-ref.ts';

/**
 * What the map, inspector, analysis and CLI read from the engine state: a read-only description
 * of every address space. Built by `describeVfio` (src/core/vfio/view.ts) and `describeIommufd`
 * (src/core/iommufd/view.ts) in O(containers + domains + reserved), never O(mappings): the
 * mapping trees are the engine's own copy-on-write maps, shared, not copied.
 */

/** The value stored for each DMA mapping / IOAS area. Engine modules may store a subtype. */
export interface MappingValue {
  /** Host user virtual address of the first byte. */
  readonly vaddr: UserVa;
  readonly read: boolean;
  readonly write: boolean;
  /** type1 VFIO_DMA_UNMAP_FLAG_VADDR: the host address is invalidated until updated. */
  readonly vaddrInvalid?: boolean;
}

export interface ReservedView extends Range {
  readonly type: ResvType | 'aperture' | 'test';
  /** Who reserved it: "group 3", "device 0000:01:00.0", "hwpt 4 aperture", "selftest". */
  readonly owner: string;
  /** The same owner as data (a group, a device, a HWPT, the selftest), for filters and clicks. */
  readonly ownerRef?: EntityRef;
  readonly origin?: string;
}

export interface VfioDomainView {
  readonly id: number;
  readonly iommu: string;
  readonly groups: readonly number[];
  readonly aperture: Range;
  readonly enforceCacheCoherency: boolean;
  readonly pgsizeBitmap: PgsizeBitmap;
}

export interface VfioContainerView {
  readonly kind: 'vfio-container';
  readonly id: number;
  readonly label: string;
  /** Undefined until VFIO_SET_IOMMU. */
  readonly iommuType: 'type1' | 'type1v2' | undefined;
  readonly groups: readonly number[];
  readonly domains: readonly VfioDomainView[];
  /** The valid IOVA list (aperture minus reserved regions); empty before SET_IOMMU. */
  readonly validIova: readonly Range[];
  /** Each attached group's enforced reserved regions (what carved the holes). */
  readonly reserved: readonly ReservedView[];
  readonly mappings: RangeMap<MappingValue>;
  readonly dmaAvail: number;
  readonly pgsizeBitmap: PgsizeBitmap;
  readonly lockedBytes: U64;
}

export interface HwptView {
  readonly id: number;
  readonly auto: boolean;
  readonly iommu: string;
  readonly devices: readonly string[];
  readonly aperture: Range;
  readonly enforceCacheCoherency: boolean;
  /** The domain's page sizes (`pgsize_bitmap`), which split each area into IOMMU pages. */
  readonly pgsizeBitmap: PgsizeBitmap;
}

export interface IoasView {
  readonly kind: 'iommufd-ioas';
  readonly id: number;
  readonly label: string;
  readonly hwpts: readonly HwptView[];
  /** What IOMMU_IOAS_IOVA_RANGES reports: the holes of the reserved ranges. */
  readonly validIova: readonly Range[];
  readonly allowed: readonly Range[];
  readonly reserved: readonly ReservedView[];
  readonly areas: RangeMap<MappingValue>;
  readonly iovaAlignment: U64;
}

export interface IommufdDeviceView {
  readonly id: number;
  readonly bdf: string;
  /** The HWPT it is attached to, if any. */
  readonly hwpt: number | undefined;
}

export interface AddressSpacesView {
  readonly containers: readonly VfioContainerView[];
  readonly ioas: readonly IoasView[];
  readonly iommufdDevices: readonly IommufdDeviceView[];
}
