/**
 * VFIO container/group state. The VFIO module owns this file; other modules read only the fields
 * documented as shared (`groups[].container`, used for group ownership across VFIO and iommufd).
 */
export interface VfioGroupState {
  /** The container this group is set into (VFIO_GROUP_SET_CONTAINER), if any. */
  readonly container: number | undefined;
}

export interface VfioState {
  readonly groups: ReadonlyMap<number, VfioGroupState>;
  /** Bytes pinned and charged to the process's locked_vm by all containers (shared field). */
  readonly lockedBytes: bigint;
}

export const EMPTY_VFIO_STATE: VfioState = Object.freeze({ groups: new Map(), lockedBytes: 0n });
