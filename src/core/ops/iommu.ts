import { group } from './fields.ts';
import { defineOp } from './spec.ts';

/** Read-only views of the IOMMU core (drivers/iommu/iommu.c). */
export const IOMMU_OPS = {
  'iommu.group_resv_regions': defineOp({
    call: 'read /sys/kernel/iommu_groups/N/reserved_regions',
    doc: "List a group's reserved regions as sysfs prints them.",
    fields: { group: group() },
  }),
  'iommu.groups': defineOp({
    call: 'list the IOMMU groups',
    doc: 'List the IOMMU groups this topology forms and their devices.',
    fields: {},
  }),
};
