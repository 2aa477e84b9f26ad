import {
  choiceOrNumber,
  device,
  flags,
  group,
  nameOrNumber,
  objectRef,
  optional,
  u64,
} from './fields.ts';
import { defineOp } from './spec.ts';

/** `struct vfio_iommu_type1_dma_map.flags` (include/uapi/linux/vfio.h). */
export const MAP_FLAGS = { READ: 1n, WRITE: 2n, VADDR: 4n } as const;
/** `struct vfio_iommu_type1_dma_unmap.flags`. */
export const UNMAP_FLAGS = { GET_DIRTY_BITMAP: 1n, ALL: 2n, VADDR: 4n } as const;

/** `VFIO_CHECK_EXTENSION` / `VFIO_SET_IOMMU` argument values (include/uapi/linux/vfio.h). */
export const VFIO_EXTENSIONS: Readonly<Record<string, number>> = {
  VFIO_TYPE1_IOMMU: 1,
  VFIO_SPAPR_TCE_IOMMU: 2,
  VFIO_TYPE1v2_IOMMU: 3,
  VFIO_DMA_CC_IOMMU: 4,
  VFIO_EEH: 5,
  VFIO_TYPE1_NESTING_IOMMU: 6,
  VFIO_SPAPR_TCE_v2_IOMMU: 7,
  VFIO_NOIOMMU_IOMMU: 8,
  VFIO_UNMAP_ALL: 9,
  VFIO_UPDATE_VADDR: 10,
};
const extensionNames = Object.keys(VFIO_EXTENSIONS);

const container = objectRef('container');

/** The VFIO container, group and type1 ops (drivers/vfio/container.c, group.c, vfio_iommu_type1.c). */
export const VFIO_OPS = {
  'vfio.container_create': defineOp({
    call: 'open /dev/vfio/vfio',
    doc: 'Open a new, empty VFIO container.',
    fields: {},
  }),
  'vfio.group_set_container': defineOp({
    call: 'VFIO_GROUP_SET_CONTAINER',
    doc: 'Put a viable IOMMU group into a container.',
    fields: { group: group(), container },
  }),
  'vfio.group_unset_container': defineOp({
    call: 'VFIO_GROUP_UNSET_CONTAINER',
    doc: 'Take a group out of its container (the last one out tears the IOMMU down).',
    fields: { group: group() },
  }),
  'vfio.group_get_status': defineOp({
    call: 'VFIO_GROUP_GET_STATUS',
    doc: 'Read whether a group is viable and whether it is in a container.',
    fields: { group: group() },
  }),
  'vfio.group_get_device_fd': defineOp({
    call: 'VFIO_GROUP_GET_DEVICE_FD',
    doc: "Open a device fd for one of a group's devices once the container has an IOMMU.",
    fields: { group: group(), device: device() },
  }),
  'vfio.device_close': defineOp({
    call: 'close a device fd',
    doc: 'Close a device fd opened through its group.',
    fields: { fd: objectRef('fd', { label: 'device fd' }) },
  }),
  'vfio.set_iommu': defineOp({
    call: 'VFIO_SET_IOMMU',
    doc: "Choose the container's IOMMU driver (type1 or type1v2) once a group is in it.",
    fields: {
      container,
      type: choiceOrNumber(['type1v2', 'type1'], {
        expected: '"type1", "type1v2" or the VFIO_SET_IOMMU number',
        formDefault: 'type1v2',
      }),
    },
  }),
  'vfio.map_dma': defineOp({
    call: 'VFIO_IOMMU_MAP_DMA',
    doc: 'Pin user memory and map it at an IOVA in every domain of the container.',
    fields: {
      container,
      iova: u64({ hint: 'e.g. 0x300000000' }),
      size: u64({ hint: 'e.g. 2M' }),
      /** Host user virtual address; the engine picks a plausible page-aligned one when absent. */
      vaddr: optional(u64({ userVaFor: 'iova' })),
      flags: flags(MAP_FLAGS, { unknownErrno: 'EINVAL', formDefault: ['READ', 'WRITE'] }),
    },
  }),
  'vfio.unmap_dma': defineOp({
    call: 'VFIO_IOMMU_UNMAP_DMA',
    doc: 'Unmap and unpin the mappings inside an IOVA range (or all of them, with ALL).',
    fields: {
      container,
      iova: u64(),
      size: u64(),
      flags: flags(UNMAP_FLAGS, { unknownErrno: 'EINVAL' }),
    },
  }),
  'vfio.get_info': defineOp({
    call: 'VFIO_IOMMU_GET_INFO',
    doc: "Read the container's page sizes and valid IOVA ranges.",
    fields: { container },
  }),
  'vfio.check_extension': defineOp({
    call: 'VFIO_CHECK_EXTENSION',
    doc: 'Ask whether the container (or its driver) supports an extension.',
    fields: {
      container,
      extension: nameOrNumber(extensionNames, {
        expected: `an extension number or one of ${extensionNames.join(', ')}`,
        formDefault: 'VFIO_TYPE1v2_IOMMU',
      }),
    },
  }),
};
