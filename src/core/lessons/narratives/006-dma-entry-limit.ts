import type { LessonSpec } from '../types.ts';

/** Incident: running out of type1 DMA mappings (vfio_iommu_type1.dma_entry_limit). */
export const lesson006: LessonSpec = {
  id: 'dma-entry-limit',
  seed: {
    subject: 'SPDK fails to register >128GB of memory on Linux 5.1+',
    date: '2019-07',
    participants: [
      'SPDK users registering hugepage memory (spdk/spdk#915)',
      'Kata Containers users with virtio-mem guests (kata-containers#11721)',
    ],
    reference:
      'spdk/spdk#915; kata-containers/kata-containers#11721 ("VFIO_MAP_DMA failed: No space left on device", "Maximum possible DMA mappings: 65535")',
  },
  steps: [
    {
      title: 'Plenty of RAM, no mappings left',
      prose:
        'By the end of this lesson you will know why a VFIO_IOMMU_MAP_DMA can fail with ENOSPC ("No space left on device") while the host has memory to spare, and what to change. Linux 5.1 (2019) made every type1 container count its mappings, up to the module parameter vfio_iommu_type1.dma_entry_limit, 65535 by default, so that one process cannot make the kernel allocate without bound. SPDK, which registered each 2 MiB hugepage as its own mapping, stopped at 65535 × 2 MiB, about 128 GiB; Kata Containers users saw QEMU warn "possibly running out of DMA mappings" and fail. This host sets the limit to 4, so that the lesson fits in a few steps: the rule is the same at 65535.',
    },
    {
      title: 'Open a container',
      prose: 'A user-space NVMe driver opens a type1 container for its drive.',
      action: 0,
    },
    {
      title: "Set the drive's group",
      prose: 'The drive is alone in IOMMU group 1.',
      action: 1,
    },
    {
      title: 'Choose type1 v2',
      prose: "The group's domain is set up; the count of mappings starts now.",
      action: 2,
    },
    {
      title: 'GET_INFO says how many are left',
      prose:
        'The DMA_AVAIL capability of VFIO_IOMMU_GET_INFO reports the mappings still allowed: 4 here. A VMM can read it before it runs out; QEMU prints it in its warning.',
      action: 3,
    },
    {
      title: 'One hugepage, one mapping',
      prose:
        'The driver registers its first 2 MiB hugepage as a mapping of its own, at IOVA 0x200000000.',
      action: 4,
      view: { start: 0x200000000n, last: 0x2009fffffn },
    },
    {
      title: 'A second',
      prose:
        'The next hugepage, right after it: a second mapping, though the memory is contiguous.',
      action: 5,
    },
    {
      title: 'A third',
      prose: 'Each map is counted, however small.',
      action: 6,
    },
    {
      title: 'The last one allowed',
      prose: 'The fourth mapping takes the last entry: GET_INFO would now say 0.',
      action: 7,
    },
    {
      title: 'ENOSPC',
      prose:
        "The fifth hugepage is refused with ENOSPC. The memory is there and nothing overlaps: the container simply has no entries left. This is what SPDK and Kata hit at 65535. The count depends on how the program maps, not on how much RAM it maps: a vIOMMU guest maps page by page, and a virtio-mem guest's RAM is mapped block by block, so both can run out long before the RAM does.",
      action: 8,
    },
    {
      title: 'Unmap, and map as one range',
      prose:
        'One unmap that covers the four mappings removes them all and gives their entries back.',
      action: 9,
    },
    {
      title: 'The same memory, one entry',
      prose:
        'Mapped as one 10 MiB range, the same five hugepages take a single entry. SPDK went this way (it merges contiguous memory into fewer mappings); raising vfio_iommu_type1.dma_entry_limit is the other way out, for an administrator who trusts the process.',
      action: 10,
    },
    {
      title: 'Entries left',
      prose:
        'GET_INFO now reports 3 entries left, with 10 MiB mapped: the limit counts mappings, and iommufd, which has no such count, is the interface newer VMMs move to.',
      action: 11,
    },
  ],
};
