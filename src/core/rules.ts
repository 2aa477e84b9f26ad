/**
 * Every kernel rule an outcome can name, with what it checks, in one line each. An outcome's
 * `rule` is typed as one of these names, so a refusal citing an undocumented function does not
 * compile, and test/core/rules.test.ts checks every outcome the suites produce against this list.
 * The names are the kernel functions whose check fires (kernel-semantics.md cites each).
 */
export const RULES = {
  // ---- IOMMU core and drivers (drivers/iommu/iommu.c, intel/, arm-smmu-v3/)
  __iommu_device_set_domain:
    'a group cannot take the blocking domain while a member needs a 1:1 (direct) mapping',
  arm_smmu_enable_nesting: 'SMMUv3 cannot enable nesting on a domain that is already finalised',
  intel_iommu_attach_device:
    'before 6.6, VT-d refuses to attach a device locked to an RMRR (ineligible for domain attach)',
  iommu_attach_group: "the driver's attach_dev refuses a device its domain is incompatible with",
  iommu_device_claim_dma_owner:
    'a group whose members are bound to DMA-API drivers cannot be claimed for user DMA',
  iommu_enable_nesting: 'only the SMMU drivers implement enable_nesting; others answer EINVAL',
  iommu_group_claim_dma_owner:
    'a group with a member bound to a DMA-API driver is not viable for user-space DMA',
  iommu_group_get_by_id: 'the group number must name an IOMMU group of the platform',
  iommu_replace_group_handle:
    "replacing a group's domain fails when the driver refuses the new domain",

  // ---- iommufd (drivers/iommu/iommufd/)
  iommufd_device_bind:
    'binding needs a cache-coherent IOMMU and isolated MSI (or allow_unsafe_interrupts)',
  iommufd_device_change_pt: 'attach or replace needs an existing IOAS or HWPT as the target',
  iommufd_device_do_replace: 'replace needs the device to be attached already',
  iommufd_get_device: 'the id must name a bound device object of this iommufd',
  iommufd_get_fault: 'the fault id must name a fault queue object',
  iommufd_get_group: 'the device must be behind an IOMMU (have an iommu_group)',
  iommufd_fops_ioctl:
    'an iommufd ioctl must be one the kernel knows (ENOTTY) with well-formed arguments (EINVAL)',
  iommufd_get_ioas: 'the id must name an IOAS object of this iommufd',
  iommufd_hw_pagetable_attach: 'every device of an iommu_group must be attached to the same HWPT',
  iommufd_hwpt_alloc: 'HWPT_ALLOC flags, data type and parent must be valid for the request',
  iommufd_hwpt_nested_alloc: 'a nested HWPT needs a NEST_PARENT paging parent and driver data',
  iommufd_hwpt_paging_alloc:
    'a paging HWPT needs a device whose IOMMU supports the requested flags (dirty, PASID, nesting)',
  iommufd_ioas_alloc_ioctl: 'IOMMU_IOAS_ALLOC defines no flags',
  iommufd_ioas_copy: 'IOAS_COPY needs known flags, READABLE or WRITEABLE, and a source area',
  iommufd_ioas_iova_ranges: 'the user array must hold every allowed range, else EMSGSIZE',
  iommufd_ioas_load_iovas: 'allowed ranges must be page aligned, ordered and non-overlapping',
  iommufd_ioas_map: 'IOAS_MAP needs known flags, READABLE or WRITEABLE, and a non-zero length',
  iommufd_ioas_option: 'IOMMU_OPTION must name a known option and op',
  iommufd_ioas_option_huge_pages: 'huge pages can only be turned off while the IOAS has no areas',
  iommufd_ioas_unmap: 'IOAS_UNMAP needs a whole-IOAS unmap or a valid, non-zero range',
  iommufd_object_remove: 'an object can only be destroyed when nothing else holds a reference',
  iommufd_option_rlimit_mode:
    'the accounting mode is 0 (user) or 1 (mm) and changes only while nothing is pinned',
  iommufd_test_add_reserved: 'the selftest reservation must not overflow or overlap an area',
  iopt_alloc_area_pages: "an area's IOVA and length must be multiples of the IOAS's iova_alignment",
  iopt_alloc_iova: 'an automatic IOVA needs a free, allowed, aligned hole of the length',
  iopt_alloc_pages: 'a length must be non-zero and at most SIZE_MAX - PAGE_SIZE',
  iopt_alloc_user_pages: 'the user address range must not overflow',
  iopt_calculate_iova_alignment: "the IOAS's alignment is the largest smallest-page of its domains",
  iopt_check_iova:
    'a fixed IOVA must be aligned, not overflow, and lie outside reserved and inside allowed ranges',
  iopt_check_iova_alignment: 'raising the alignment needs every existing area aligned to it',
  iopt_disable_large_pages: 'large pages can be turned off only when no area relies on them',
  iopt_get_pages: 'a copy source must not overflow and must be covered by contiguous areas',
  iopt_insert_area: 'a new area must not overlap another and must keep the page offset aligned',
  iopt_map_pages: 'pinning the pages of a copy or map must succeed (EFAULT, ENOMEM)',
  iopt_map_user_pages:
    'pinning the user pages of a new mapping must succeed when the IOAS has a domain',
  iopt_reserve_iova: 'a reserved range must not overlap an area or an allowed range',
  iopt_set_allow_iova: 'allowed ranges must not cover an existing reservation',
  iopt_table_add_domain:
    "a domain's smallest page must not exceed PAGE_SIZE and its aperture must cover every area",
  iopt_table_enforce_dev_resv_regions:
    "a device's reserved regions must not overlap areas or allowed ranges of the IOAS",
  iopt_unmap_iova: 'an unmap must match whole areas exactly; a partial area is ENOENT',
  iopt_unmap_iova_range: 'unmap takes whole areas in order and is not atomic on failure',
  pin_user_pages: 'user memory must be mapped, not PFNMAP, and writable when mapped for write',

  // ---- VFIO core (drivers/vfio/vfio_main.c, group.c, container.c, device_cdev.c)
  conv_iommu_prot: 'a mapping needs READ or WRITE permission',
  vfio_device_block_group:
    'a device cannot be opened through its cdev while its group fd is in use',
  vfio_device_fops_cdev_open: 'the device must exist on the platform for its cdev to be opened',
  vfio_device_fops_release: 'only an open device fd can be closed',
  vfio_device_get_from_name: 'the group must contain the named device, bound to a VFIO driver',
  vfio_df_group_open: 'a device fd through the group needs the group set into a container',
  vfio_df_ioctl_bind_iommufd: 'a cdev binds to one iommufd once, and not while its group is used',
  vfio_fops_unl_ioctl:
    'a container ioctl needs well-formed arguments and an open container fd with an IOMMU driver set',
  vfio_group_find_or_alloc:
    'a /dev/vfio/N node exists only for a coherent group with a device bound to VFIO',
  vfio_group_fops_open: 'the group node must exist and not be held through a device cdev',
  vfio_group_ioctl_set_container:
    'a group joins one container, needs to be viable, and the container fd must be valid',
  vfio_group_ioctl_unset_container: 'only a group set into a container can be unset',
  vfio_group_use_container: 'getting a device fd needs the container to have an IOMMU driver',
  vfio_ioctl_set_iommu: 'SET_IOMMU needs a group in the container, no driver yet, and a known type',

  // ---- VFIO type1 (drivers/vfio/vfio_iommu_type1.c)
  vaddr_get_pfns: 'pinned user memory must be mapped, and writable for a WRITE mapping',
  vfio_dma_do_map:
    'MAP_DMA needs aligned, non-wrapping IOVA and vaddr, a free valid range and entries to spare',
  vfio_dma_do_unmap:
    'UNMAP_DMA needs an aligned range that does not split a mapping (v2) and valid flags',
  vfio_iommu_aper_conflict:
    "a new group's aperture must overlap the IOVA list and cover every existing mapping",
  vfio_iommu_iova_dma_valid: 'a mapping must lie inside one node of the valid IOVA list',
  vfio_iommu_replay:
    'a new domain must take every existing mapping: pinnable, and aligned to its smallest page',
  vfio_iommu_resv_conflict: "an existing mapping must not overlap a new group's reserved region",
  vfio_iommu_resv_exclude: 'some valid IOVA must remain after removing the reserved regions',
  vfio_iommu_type1_attach_group:
    'attach needs no invalidated vaddr and isolated MSI (or allow_unsafe_interrupts)',
  vfio_iommu_type1_map_dma: 'MAP_DMA flags must be known and the size non-zero',
  vfio_iommu_type1_open: 'the IOMMU type must be one type1 implements',
  vfio_iommu_type1_unmap_dma: 'UNMAP_DMA flags and their combinations must be valid',
  vfio_lock_acct: 'pinned pages must stay within RLIMIT_MEMLOCK',
} as const;

export type RuleName = keyof typeof RULES;

export function isRuleName(name: string): name is RuleName {
  return Object.prototype.hasOwnProperty.call(RULES, name);
}
