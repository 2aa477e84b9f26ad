import type { LessonSpec } from '../types.ts';

/** Seed 000: type1's valid IOVA list, and the PCI host bridge windows ARM reported in 2017–2019. */
export const lesson000: LessonSpec = {
  id: 'iova-list-host-bridge-windows',
  seed: {
    file: '000_ebd213ba5d897ad5.txt',
    subject: 'Re: [PATCH v4 4/6] vfio/type1: check dma map request is within a valid iova range',
    date: '2018-02-27',
    participants: ['Alex Williamson', 'Eric Auger', 'Shameer Kolothum'],
  },
  steps: [
    {
      title: 'The patch under review',
      prose:
        'In February 2018 Shameer Kolothum\'s series taught VFIO type1 to keep a list of valid IOVA ranges per container: the IOMMU aperture minus every reserved region of every attached group. Patch 4/6 makes VFIO_IOMMU_MAP_DMA refuse any request that does not fit inside one of those ranges. Eric Auger asked what that would do to QEMU on ARM, where the SMMU drivers at the time reported the PCI host bridge windows as reserved regions (commit 273df9635385). This lesson turns on the platform switch hostBridgeWindowsReserved to show the collision he foresaw. It is a "would have": the windows were taken out of the reserved regions again in 2019 (commit cd2c9fcf5c66) before the check was merged, so no released kernel ever did both.',
      view: { start: 0x0n, last: 0x1ffffffffn },
    },
    {
      title: 'The topology',
      prose:
        'The root port has ACS, so the Ethernet controller below it gets an IOMMU group of its own (group 1). That group is what VFIO hands to userspace.',
      action: 0,
    },
    {
      title: 'What the group reports as reserved',
      prose:
        'The group\'s reserved_regions file lists the SMMU\'s software MSI window at 0x8000000 (sysfs prints it as "msi") and, with the 2017–2019 behaviour switched on, both memory windows of the host bridge as "reserved": 0x40000000..0xbfffffff and 0x100000000..0x7fffffffff. The I/O window is not listed because only memory windows were reserved. A QEMU virt guest puts its RAM at 1 GiB, right inside the first window.',
      action: 1,
      view: { start: 0x0n, last: 0x7fffffffffn },
    },
    {
      title: 'Open a container',
      prose: 'QEMU opens /dev/vfio/vfio: an empty container with no IOMMU driver yet.',
      action: 2,
    },
    {
      title: 'Set the group into it',
      prose: 'VFIO_GROUP_SET_CONTAINER claims DMA ownership of group 1 for the container.',
      action: 3,
    },
    {
      title: 'Choose type1 v2',
      prose:
        "VFIO_SET_IOMMU attaches the group to a fresh IOMMU domain. This SMMU's MSIs go through a GICv2m frame, which cannot isolate them, so the attach succeeds only because vfio_iommu_type1.allow_unsafe_interrupts is set, and the engine warns, as the kernel does. (Seed 001 looks at that check in iommufd.)",
      action: 4,
    },
    {
      title: 'The valid IOVA list',
      prose:
        "VFIO_IOMMU_GET_INFO reports the container's valid ranges: the 48-bit aperture with holes cut out for the MSI window and both host bridge windows. Everything QEMU maps must fit inside one of these four ranges.",
      action: 5,
      view: { start: 0x0n, last: 0xffffffffffffn },
    },
    {
      title: 'Guest RAM at 1 GiB is refused',
      prose:
        "QEMU maps the first 2 GiB of guest RAM at IOVA 0x40000000, its guest-physical address. The range lies inside the host bridge's 32-bit window, so vfio_iommu_iova_dma_valid finds no valid range holding it and the map fails with EINVAL. This is the regression Eric described: a guest that worked before would stop starting.",
      quote: {
        text: 'If ACS is not enforced by the PCIe subsystem, the transaction will never reach the IOMMU.',
        author: 'Eric Auger',
        date: '2018-02-27',
      },
      action: 6,
      view: { start: 0x40000000n, last: 0xbfffffffn },
      tryThis: [
        'In the Topology tab, untick "Host bridge windows reserved" under Platform (what every kernel since 2019 does): every step is replayed, and this map now succeeds. Reset to this step (or Undo) puts the switch back.',
      ],
    },
    {
      title: 'The part between the windows fits',
      prose:
        'The next gigabyte, 0xc0000000..0xffffffff, falls between the two windows and maps fine. The guest would be half usable, which is worse than not starting at all.',
      action: 7,
      view: { start: 0xc0000000n, last: 0xffffffffn },
    },
    {
      title: 'The last gigabyte hits the 64-bit window',
      prose:
        'Guest RAM above 4 GiB lands in the 64-bit window 0x100000000..0x7fffffffff and is refused too. Eric suggested a warning instead of a refusal; Alex answered that a reserved range which is only advisory defeats the point of the list. If the mapping really works, the reported region is wrong; if it does not, telling QEMU it worked risks data loss, so refusing is justified.',
      quote: {
        text: 'How do we distinguish between reserved ranges that are really reserved and those that are only an advisory?',
        author: 'Alex Williamson',
        date: '2018-02-27',
      },
      action: 8,
      view: { start: 0x100000000n, last: 0x13fffffffn },
    },
    {
      title: 'A window that is still reserved today',
      prose:
        'The software MSI window is a real reserved region on current kernels: the SMMU driver maps the MSI doorbell there itself. Any DMA mapping that reaches into 0x8000000..0x80fffff fails with EINVAL whatever the switch says.',
      action: 9,
      view: { start: 0x8000000n, last: 0x80fffffn },
    },
    {
      title: 'Where the thread went',
      prose:
        "Eric pointed out that the limit does not come from the SMMU: without ACS, a transaction aimed at a host bridge window is routed to the peer device before it ever reaches the IOMMU. Alex replied that a limit outside the IOMMU does not belong in the IOMMU API, and that peer-to-peer MMIO inside a group is a hard problem that VFIO has mostly side-stepped by aiming for one device per group. The kernel later agreed: since 2019 host bridge windows are reserved only in the DMA API's own IOVA allocator, and VFIO no longer sees them.",
      tryThis: [
        'Open the Log tab: each refused map names the reserved region it hit, with its addresses.',
        'Move the guest RAM to 0x8000000000 (above the 64-bit window) and map it: the IOVA list accepts it.',
      ],
    },
  ],
};
