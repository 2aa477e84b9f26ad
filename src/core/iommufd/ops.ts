import type { OpTable } from '../op-table.ts';

/** iommufd ops (drivers/iommu/iommufd/). */
export const iommufdOps: Partial<OpTable<'iommufd'>> = {};
