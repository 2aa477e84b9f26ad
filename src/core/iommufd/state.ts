/**
 * iommufd state: objects by id in one iommufd context. The iommufd module owns this file; other
 * modules read only `boundDevices` (bdf of every bound device), used for group ownership.
 */
export interface IommufdState {
  /** bdf -> device object id, for every device bound with VFIO_DEVICE_BIND_IOMMUFD. */
  readonly boundDevices: ReadonlyMap<string, number>;
  /** Bytes pinned and charged to the process's locked_vm by iommufd (shared field). */
  readonly lockedBytes: bigint;
}

export const EMPTY_IOMMUFD_STATE: IommufdState = Object.freeze({ boundDevices: new Map(), lockedBytes: 0n });
