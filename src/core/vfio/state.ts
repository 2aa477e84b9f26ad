import { withEntry, type Changes } from '../frozen-map.ts';
import type { RangeMap } from '../ranges/range-map.ts';
import type { PagingDomain } from '../iommu/domain.ts';
import type { Range, U64, PgsizeBitmap } from '../u64.ts';
import type { MappingValue } from '../view-types.ts';

/**
 * VFIO container/group state. The VFIO module owns this file; other modules read only the fields
 * documented as shared (`groups[].container`, used for group ownership across VFIO and iommufd,
 * and `lockedBytes`).
 *
 * Everything is immutable: an op builds new objects for what it changes and shares the rest.
 */

export interface VfioGroupState {
  /** The container this group is set into (VFIO_GROUP_SET_CONTAINER), if any. (shared field) */
  readonly container: number | undefined;
  /** Device fds opened through VFIO_GROUP_GET_DEVICE_FD and not closed yet (container_users - 1). */
  readonly openDeviceFds: number;
}

/** One `vfio_dma`: a user MAP_DMA, never coalesced (kernel-semantics §4.1). */
export interface VfioMapping extends MappingValue {
  /** Bytes charged to RLIMIT_MEMLOCK for this mapping (0 for PFNMAP'd memory). */
  readonly locked: U64;
  /** Backed (at least partly) by a PFNMAP'd range such as a device BAR: not pinned, not charged. */
  readonly pfnmap: boolean;
}

/**
 * One `vfio_domain`: an IOMMU paging domain (allocated on the unit of the group that created it)
 * shared by the groups that could attach to it.
 */
export interface VfioDomain extends PagingDomain {
  readonly id: number;
  readonly groups: readonly number[];
}

/** `struct vfio_iommu`: what VFIO_SET_IOMMU creates and the last group's departure destroys. */
export interface Type1State {
  readonly v2: boolean;
  /** Opened as VFIO_TYPE1_NESTING_IOMMU on a kernel that still implemented it (before 6.13). */
  readonly nesting: boolean;
  readonly domains: readonly VfioDomain[];
  readonly nextDomainId: number;
  /** The valid IOVA list: sorted, disjoint inclusive ranges. */
  readonly iovaList: readonly Range[];
  readonly dma: RangeMap<VfioMapping>;
  readonly dmaAvail: number;
  readonly vaddrInvalidCount: number;
  readonly pgsizeBitmap: PgsizeBitmap;
  /** Bytes this container charged to the process's locked_vm. */
  readonly lockedBytes: U64;
}

export interface VfioContainer {
  readonly id: number;
  /**
   * Groups in the container, oldest first. The kernel keeps them with `list_add` (newest at the
   * head), so SET_IOMMU attaches them newest first.
   */
  readonly groups: readonly number[];
  /** Undefined until VFIO_SET_IOMMU (and again after the last group leaves). */
  readonly driver: Type1State | undefined;
}

export interface VfioDeviceFd {
  readonly id: number;
  readonly group: number;
  readonly device: string;
}

export interface VfioState {
  readonly containers: ReadonlyMap<number, VfioContainer>;
  readonly groups: ReadonlyMap<number, VfioGroupState>;
  readonly deviceFds: ReadonlyMap<number, VfioDeviceFd>;
  /** Bytes pinned and charged to the process's locked_vm by all containers (shared field). */
  readonly lockedBytes: bigint;
}

export const EMPTY_VFIO_STATE: VfioState = Object.freeze({
  containers: new Map(),
  groups: new Map(),
  deviceFds: new Map(),
  lockedBytes: 0n,
});

export function sumLocked(containers: ReadonlyMap<number, VfioContainer>): bigint {
  let total = 0n;
  for (const c of containers.values()) total += c.driver?.lockedBytes ?? 0n;
  return total;
}

/** A new VfioState with one container replaced; `lockedBytes` recomputed over the containers. */
export function withContainer(
  vfio: VfioState,
  container: VfioContainer,
  groups?: ReadonlyMap<number, VfioGroupState>,
): VfioState {
  const containers = withEntry(vfio.containers, container.id, Object.freeze(container));
  return Object.freeze({
    containers,
    groups: groups ?? vfio.groups,
    deviceFds: vfio.deviceFds,
    lockedBytes: sumLocked(containers),
  });
}

/** `driver` with `change` applied, field by field (see `Changes`). */
export function type1With(driver: Type1State, change: Changes<Type1State>): Type1State {
  const next: Type1State = {
    v2: change.v2 ?? driver.v2,
    nesting: change.nesting ?? driver.nesting,
    domains: change.domains ?? driver.domains,
    nextDomainId: change.nextDomainId ?? driver.nextDomainId,
    iovaList: change.iovaList ?? driver.iovaList,
    dma: change.dma ?? driver.dma,
    dmaAvail: change.dmaAvail ?? driver.dmaAvail,
    vaddrInvalidCount: change.vaddrInvalidCount ?? driver.vaddrInvalidCount,
    pgsizeBitmap: change.pgsizeBitmap ?? driver.pgsizeBitmap,
    lockedBytes: change.lockedBytes ?? driver.lockedBytes,
  };
  return Object.freeze(next);
}

/** `c` with another driver state (a map or unmap changed it); frozen by `withContainer`. */
export function containerWithDriver(c: VfioContainer, driver: Type1State): VfioContainer {
  return { id: c.id, groups: c.groups, driver };
}
