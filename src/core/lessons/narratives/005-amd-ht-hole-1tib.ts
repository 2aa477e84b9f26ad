import type { LessonSpec } from '../types.ts';

/** Incident: large guests on AMD hosts and the HyperTransport window just under 1 TiB. */
export const lesson005: LessonSpec = {
  id: 'amd-ht-hole-1tib',
  seed: {
    subject: 'i386/pc: Fix creation of >= 1Tb guests on AMD systems with IOMMU',
    date: '2021-06-22',
    participants: [
      'Joao Martins (Oracle, who wrote the QEMU fix)',
      'Alex Williamson (VFIO maintainer)',
    ],
    reference:
      'qemu-devel, "[PATCH RFC 0/6] i386/pc: Fix creation of >= 1Tb guests on AMD systems with IOMMU", 2021-06-22; in QEMU 7.1 (2022)',
  },
  steps: [
    {
      title: 'A big guest that would not start',
      prose:
        'By the end of this lesson you will know why a guest with about 1 TiB of RAM failed to start on AMD hosts once a device was passed through, and how QEMU 7.1 fixed it. People running such guests saw QEMU stop with "vfio_dma_map(..., 0x100000000, 0xff30000000, ...) = -22 (Invalid argument)". In June 2021 Joao Martins of Oracle sent QEMU patches for it, and Alex Williamson, the VFIO maintainer, pointed at where the answer is written: the reserved regions the kernel lists for each IOMMU group. The map shows this host: every group reserves a window just under 1 TiB.',
      view: { start: 0xf000000000n, last: 0x10fffffffffn },
    },
    {
      title: 'Read the reserved regions',
      prose:
        "This is what `cat /sys/kernel/iommu_groups/12/reserved_regions` shows for the NIC's group. Besides the MSI window at 0xfee00000, the AMD IOMMU driver reserves 0xfd00000000..0xffffffffff: the HyperTransport window, which older AMD parts decode themselves. DMA to those addresses never reaches memory, so no mapping may use them.",
      action: 0,
      view: { start: 0xf000000000n, last: 0x10fffffffffn },
    },
    {
      title: 'Open a container',
      prose: 'QEMU passes the NIC through with a type1 container, as it did in 2021.',
      action: 1,
    },
    {
      title: "Set the NIC's group",
      prose: 'Group 12 holds the NIC alone (its root port has ACS), so it can join the container.',
      action: 2,
    },
    {
      title: 'Choose type1 v2',
      prose:
        "The group gets an IOMMU domain on the AMD unit. Its reserved regions become holes in the container's valid IOVA ranges.",
      action: 3,
    },
    {
      title: 'The valid ranges have a hole under 1 TiB',
      prose:
        'GET_INFO lists three valid ranges: up to the MSI window, from the MSI window to the HyperTransport window, and from 1 TiB up. A mapping must fit inside one of them.',
      action: 4,
      view: { start: 0x0n, last: 0x1ffffffffffn },
    },
    {
      title: 'Map the RAM below 4 GiB',
      prose:
        "QEMU maps the guest's RAM so that the device can reach it, with each guest physical address as the IOVA. The first 2 GiB of a q35 guest sit below 4 GiB, well clear of the hole.",
      action: 5,
    },
    {
      title: 'The RAM above 4 GiB crosses the hole',
      prose:
        'The rest of the RAM, 0xff30000000 bytes, starts at 4 GiB on a q35 machine, so it ends at 0x1002fffffff, past 1 TiB, and runs through the HyperTransport window. The kernel refuses the whole mapping with EINVAL: this is the -22 QEMU reported. Since Linux 5.4 VFIO checks every mapping against the reserved regions; before, such a map was accepted and DMA to the window silently went astray.',
      action: 6,
      view: { start: 0x0n, last: 0x1ffffffffffn },
    },
    {
      title: 'QEMU 7.1 moves that RAM to 1 TiB',
      prose:
        "QEMU 7.1 (2022), with Joao Martins' patches, starts the RAM above 4 GiB at 1 TiB when it would otherwise cross the window on an AMD host. The same 0xff30000000 bytes mapped from 0x10000000000 fit in the last valid range, and the guest starts.",
      action: 7,
      view: { start: 0x0n, last: 0x1ffffffffffn },
    },
    {
      title: 'What to take away',
      prose:
        "Whenever a map fails with EINVAL and the range looks fine, read the group's reserved regions: the IOVA a guest uses is its physical address, so the guest's memory layout must avoid every reserved range of every group it gets. Newer AMD parts do not need the window, and their kernels stop reserving it; other VMMs (Cloud Hypervisor) carve the range out of guest RAM instead.",
      view: { start: 0xf000000000n, last: 0x10fffffffffn },
    },
  ],
};
