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
}

export const EMPTY_VFIO_STATE: VfioState = Object.freeze({ groups: new Map() });
