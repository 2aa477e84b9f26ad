export { describeKnown, type FlagParse, parseFlags } from '../flag-bits.ts';

/** `struct vfio_iommu_type1_dma_map.flags` (include/uapi/linux/vfio.h). */
export const MAP_FLAGS = { READ: 1n, WRITE: 2n, VADDR: 4n } as const;
/** `struct vfio_iommu_type1_dma_unmap.flags`. */
export const UNMAP_FLAGS = { GET_DIRTY_BITMAP: 1n, ALL: 2n, VADDR: 4n } as const;
