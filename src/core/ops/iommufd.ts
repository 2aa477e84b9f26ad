import { choice, device, flags, int, objectRef, optional, ranges, u64 } from './fields.ts';
import { defineOp } from './spec.ts';

/** `enum iommufd_ioas_map_flags` (include/uapi/linux/iommufd.h), also IOMMU_IOAS_COPY's flags. */
export const IOAS_MAP_FLAGS = { FIXED_IOVA: 1n, WRITEABLE: 2n, READABLE: 4n } as const;
/** `enum iommufd_hwpt_alloc_flags`. */
export const HWPT_ALLOC_FLAGS = {
  NEST_PARENT: 1n,
  DIRTY_TRACKING: 2n,
  FAULT_ID_VALID: 4n,
  PASID: 8n,
} as const;

const ioas = objectRef('ioas', { label: 'IOAS' });
const dev = objectRef('device', { label: 'device object' });
/** iommufd rejects flag bits it does not define with EOPNOTSUPP (`iommufd_ioas_map` and friends). */
const ioasMapFlags = flags(IOAS_MAP_FLAGS, {
  unknownErrno: 'EOPNOTSUPP',
  // FIXED_IOVA is not a default: it follows the address field (see `placement`).
  formDefault: ['READABLE', 'WRITEABLE'],
});
const kernelPicks = 'empty: the kernel picks one';

/** iommufd ops (drivers/iommu/iommufd/, drivers/vfio/device_cdev.c for the VFIO cdev side). */
export const IOMMUFD_OPS = {
  'iommufd.ioas_alloc': defineOp({
    call: 'IOMMU_IOAS_ALLOC',
    doc: 'Allocate an empty IO address space.',
    fields: { flags: optional(flags({}, { unknownErrno: 'EOPNOTSUPP' })) },
  }),
  'iommufd.ioas_map': defineOp({
    call: 'IOMMU_IOAS_MAP',
    doc: 'Pin user memory and map it into an IOAS, at a fixed IOVA or one the kernel picks.',
    fields: {
      ioas,
      /** Present when the caller asks for a fixed IOVA (with the FIXED_IOVA flag). */
      iova: optional(u64({ hint: kernelPicks, placement: { flag: 'FIXED_IOVA', result: 'iova' } })),
      length: u64(),
      user_va: optional(u64({ userVaFor: 'iova' })),
      flags: ioasMapFlags,
    },
  }),
  'iommufd.ioas_unmap': defineOp({
    call: 'IOMMU_IOAS_UNMAP',
    doc: 'Unmap whole mappings inside an IOVA range of an IOAS.',
    fields: { ioas, iova: u64(), length: u64() },
  }),
  'iommufd.ioas_iova_ranges': defineOp({
    call: 'IOMMU_IOAS_IOVA_RANGES',
    doc: 'Read the IOVA ranges an IOAS can map, given its attached devices and reservations.',
    fields: { ioas, num_iovas: optional(int()) },
  }),
  'iommufd.ioas_allow_iovas': defineOp({
    call: 'IOMMU_IOAS_ALLOW_IOVAS',
    doc: 'Restrict automatic IOVA placement to the given ranges (an empty list lifts it).',
    fields: { ioas, ranges: ranges({ label: 'ranges (START-LAST per line)' }) },
  }),
  'iommufd.ioas_copy': defineOp({
    call: 'IOMMU_IOAS_COPY',
    doc: "Map the pages already pinned by one IOAS's mappings into another IOAS.",
    fields: {
      src_ioas: objectRef('ioas', { label: 'source IOAS' }),
      dst_ioas: objectRef('ioas', { label: 'destination IOAS' }),
      src_iova: u64(),
      length: u64(),
      dst_iova: optional(
        u64({ hint: kernelPicks, placement: { flag: 'FIXED_IOVA', result: 'dst_iova' } }),
      ),
      flags: ioasMapFlags,
    },
  }),
  'iommufd.test_add_reserved': defineOp({
    call: 'IOMMU_TEST_OP_ADD_RESERVED (selftest)',
    doc: 'Reserve an IOVA range of an IOAS, as the iommufd selftest does.',
    fields: { ioas, start: u64(), length: u64() },
  }),
  'iommufd.device_bind': defineOp({
    call: 'VFIO_DEVICE_BIND_IOMMUFD',
    doc: "Bind a device's VFIO cdev to the iommufd, making a device object.",
    fields: { device: device() },
  }),
  'iommufd.device_attach': defineOp({
    call: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT',
    doc: 'Attach a bound device to an IOAS (through an automatic HWPT) or to a HWPT.',
    fields: { dev, pt: objectRef('pt', { label: 'IOAS or HWPT' }) },
  }),
  'iommufd.hwpt_alloc': defineOp({
    call: 'IOMMU_HWPT_ALLOC',
    doc: "Allocate a hardware page table for a device's IOMMU over an IOAS.",
    fields: {
      dev,
      pt: objectRef('ioas', { label: 'IOAS' }),
      flags: optional(flags(HWPT_ALLOC_FLAGS, { unknownErrno: 'EOPNOTSUPP' })),
    },
  }),
  'iommufd.device_detach': defineOp({
    call: 'VFIO_DEVICE_DETACH_IOMMUFD_PT',
    doc: 'Detach a device from its IOAS or HWPT.',
    fields: { dev },
  }),
  'iommufd.device_unbind': defineOp({
    call: 'close the device cdev',
    doc: "Close a device's cdev, unbinding it from the iommufd.",
    fields: { dev },
  }),
  'iommufd.destroy': defineOp({
    call: 'IOMMU_DESTROY',
    doc: 'Destroy an iommufd object (IOAS, HWPT) that nothing else holds.',
    fields: { id: objectRef('object', { label: 'object id' }) },
  }),
  /** `huge_pages` on an IOAS (val 0 disables huge pages, raising alignment to PAGE_SIZE). */
  'iommufd.option': defineOp({
    call: 'IOMMU_OPTION',
    doc: 'Set or get an iommufd option: huge_pages on an IOAS, or the rlimit mode.',
    fields: {
      option: choice(['huge_pages', 'rlimit_mode'], { formDefault: 'huge_pages' }),
      mode: choice(['set', 'get'], { formDefault: 'get' }),
      object_id: optional(objectRef('ioas', { label: 'object id' })),
      val: optional(int({ label: 'value' })),
    },
  }),
};
