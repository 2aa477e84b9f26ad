import { accept, refuse } from '../op-result.ts';
import type { OpTable } from '../op-table.ts';
import { sysfsLine } from '../platform/resv-regions.ts';

/** Read-only views of the IOMMU core: what sysfs shows and how the topology groups devices. */
export const iommuOps: OpTable<'iommu'> = {
  /** `/sys/kernel/iommu_groups/N/reserved_regions` (`iommu_group_show_resv_regions`). */
  'iommu.group_resv_regions': (state, action) => {
    const group = state.index.groups.get(action.group);
    if (!group) {
      return refuse(
        state,
        'ENOENT',
        'iommu_group_get_by_id',
        `there is no IOMMU group ${action.group} on this platform (groups: ${[...state.index.groups.keys()].join(', ') || 'none'})`,
      );
    }
    const sysfs = group.resvRegions.map(sysfsLine);
    return accept(state, `group ${group.id} reports ${sysfs.length} reserved region(s)`, { sysfs });
  },

  /** The groups `pci_device_group` forms for this topology, in group-number order. */
  'iommu.groups': (state) => {
    const groups = [...state.index.groups.values()];
    return accept(state, `${groups.length} IOMMU group(s)`, {
      groups: groups.map((g) => [...g.devices]),
      ids: groups.map((g) => g.id),
    });
  },
};
