import type { Range, U64 } from './u64.ts';

/**
 * The op vocabulary (DESIGN.md §4, kernel-semantics.md §1): one action per uAPI call, with the
 * uAPI's own field names. Addresses and sizes are bigint; object references are the ids the
 * engine returned (a scenario's `"$name"` is resolved to its id before the engine sees it; an
 * unresolved name arrives as a string and is treated as an id that does not exist).
 *
 * Flags are names (`READ`, `FIXED_IOVA`) or raw bits written as hex strings (`"0x8"`); each op
 * turns them into the uAPI bit values and rejects unknown bits with the kernel's errno.
 */

export type ObjectRef = number | string;
export type FlagList = readonly string[];

export interface VfioContainerCreate {
  readonly op: 'vfio.container_create';
}
export interface VfioGroupSetContainer {
  readonly op: 'vfio.group_set_container';
  readonly group: number;
  readonly container: ObjectRef;
}
export interface VfioGroupUnsetContainer {
  readonly op: 'vfio.group_unset_container';
  readonly group: number;
}
export interface VfioGroupGetStatus {
  readonly op: 'vfio.group_get_status';
  readonly group: number;
}
export interface VfioGroupGetDeviceFd {
  readonly op: 'vfio.group_get_device_fd';
  readonly group: number;
  readonly device: string;
}
export interface VfioDeviceClose {
  readonly op: 'vfio.device_close';
  readonly fd: ObjectRef;
}
export interface VfioSetIommu {
  readonly op: 'vfio.set_iommu';
  readonly container: ObjectRef;
  readonly type: 'type1' | 'type1v2' | number;
}
export interface VfioMapDma {
  readonly op: 'vfio.map_dma';
  readonly container: ObjectRef;
  readonly iova: U64;
  readonly size: U64;
  readonly flags: FlagList;
  /** Host user virtual address; defaults to a plausible page-aligned address when absent. */
  readonly vaddr?: U64;
}
export interface VfioUnmapDma {
  readonly op: 'vfio.unmap_dma';
  readonly container: ObjectRef;
  readonly iova: U64;
  readonly size: U64;
  readonly flags: FlagList;
}
export interface VfioGetInfo {
  readonly op: 'vfio.get_info';
  readonly container: ObjectRef;
}
export interface VfioCheckExtension {
  readonly op: 'vfio.check_extension';
  readonly container: ObjectRef;
  readonly extension: string | number;
}

export type VfioAction =
  | VfioContainerCreate
  | VfioGroupSetContainer
  | VfioGroupUnsetContainer
  | VfioGroupGetStatus
  | VfioGroupGetDeviceFd
  | VfioDeviceClose
  | VfioSetIommu
  | VfioMapDma
  | VfioUnmapDma
  | VfioGetInfo
  | VfioCheckExtension;

export interface IommufdIoasAlloc {
  readonly op: 'iommufd.ioas_alloc';
  readonly flags?: FlagList;
}
export interface IommufdIoasMap {
  readonly op: 'iommufd.ioas_map';
  readonly ioas: ObjectRef;
  /** Present when the caller asks for a fixed IOVA (with the FIXED_IOVA flag). */
  readonly iova?: U64;
  readonly length: U64;
  readonly flags: FlagList;
  readonly user_va?: U64;
}
export interface IommufdIoasUnmap {
  readonly op: 'iommufd.ioas_unmap';
  readonly ioas: ObjectRef;
  readonly iova: U64;
  readonly length: U64;
}
export interface IommufdIoasIovaRanges {
  readonly op: 'iommufd.ioas_iova_ranges';
  readonly ioas: ObjectRef;
  readonly num_iovas?: number;
}
export interface IommufdIoasAllowIovas {
  readonly op: 'iommufd.ioas_allow_iovas';
  readonly ioas: ObjectRef;
  readonly ranges: readonly Range[];
}
export interface IommufdIoasCopy {
  readonly op: 'iommufd.ioas_copy';
  readonly src_ioas: ObjectRef;
  readonly dst_ioas: ObjectRef;
  readonly src_iova: U64;
  readonly length: U64;
  readonly dst_iova?: U64;
  readonly flags: FlagList;
}
export interface IommufdTestAddReserved {
  readonly op: 'iommufd.test_add_reserved';
  readonly ioas: ObjectRef;
  readonly start: U64;
  readonly length: U64;
}
export interface IommufdDeviceBind {
  readonly op: 'iommufd.device_bind';
  readonly device: string;
}
export interface IommufdDeviceAttach {
  readonly op: 'iommufd.device_attach';
  readonly dev: ObjectRef;
  readonly pt: ObjectRef;
}
export interface IommufdHwptAlloc {
  readonly op: 'iommufd.hwpt_alloc';
  readonly dev: ObjectRef;
  readonly pt: ObjectRef;
  readonly flags?: FlagList;
}
export interface IommufdDeviceDetach {
  readonly op: 'iommufd.device_detach';
  readonly dev: ObjectRef;
}
export interface IommufdDeviceUnbind {
  readonly op: 'iommufd.device_unbind';
  readonly dev: ObjectRef;
}
export interface IommufdDestroy {
  readonly op: 'iommufd.destroy';
  readonly id: ObjectRef;
}
/** IOMMU_OPTION: `huge_pages` on an IOAS (val 0 disables huge pages, raising alignment to PAGE_SIZE). */
export interface IommufdOption {
  readonly op: 'iommufd.option';
  readonly option: 'huge_pages' | 'rlimit_mode';
  readonly mode: 'set' | 'get';
  readonly object_id?: ObjectRef;
  readonly val?: number;
}

export type IommufdAction =
  | IommufdIoasAlloc
  | IommufdIoasMap
  | IommufdIoasUnmap
  | IommufdIoasIovaRanges
  | IommufdIoasAllowIovas
  | IommufdIoasCopy
  | IommufdTestAddReserved
  | IommufdDeviceBind
  | IommufdDeviceAttach
  | IommufdHwptAlloc
  | IommufdDeviceDetach
  | IommufdDeviceUnbind
  | IommufdDestroy
  | IommufdOption;

export interface IommuGroupResvRegions {
  readonly op: 'iommu.group_resv_regions';
  readonly group: number;
}
export interface IommuGroups {
  readonly op: 'iommu.groups';
}

export type IommuAction = IommuGroupResvRegions | IommuGroups;

export type Action = VfioAction | IommufdAction | IommuAction;
export type OpName = Action['op'];

export type ActionOf<N extends OpName> = Extract<Action, { op: N }>;
