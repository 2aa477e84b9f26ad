import type { OpTable } from '../op-table.ts';

/** VFIO container, group and type1 ops (drivers/vfio/container.c, group.c, vfio_iommu_type1.c). */
export const vfioOps: Partial<OpTable<'vfio'>> = {};
