import type { LessonSpec } from '../types.ts';

/** Seed 000: type1's valid IOVA list, and the PCI host bridge windows ARM reported in 2017–2019. */
export const lesson000: LessonSpec = {
  id: 'iova-list-host-bridge-windows',
  seed: {
    file: '000_ebd213ba5d897ad5.txt',
    subject: 'Re: [PATCH v4 4/6] vfio/type1: check dma map request is within a valid iova range',
    date: '2018-02-27',
    participants: [
      'Shameer Kolothum (Huawei, author of the patch series)',
      'Eric Auger (Red Hat, Arm virtualization and SMMU)',
      'Alex Williamson (VFIO maintainer, Red Hat)',
    ],
  },
  steps: [
    {
      title: 'The patch under review',
      prose:
        'By the end of this lesson you will know what the list of usable addresses of a VFIO container is, why a guest\'s memory must fit inside it, and how one kernel change could have stopped Arm guests from starting. First the words. A device does DMA (direct memory access) when it reads or writes memory by itself, without the CPU. An IOMMU sits between devices and memory: it translates the addresses a device uses, called IOVAs, into real memory addresses and blocks the ones nobody mapped; on Arm servers it is called the SMMU. VFIO is the Linux interface that hands a device to a program such as QEMU, which gives it to a virtual machine (the guest). A mapping tells the IOMMU that a range of IOVAs leads to some memory. Some IOVAs cannot be mapped at all: they are reserved regions, kept for something else. Now the story. In February 2018 Shameer Kolothum of Huawei posted a series that teaches VFIO to keep, for each container, the list of IOVA ranges that may be mapped: everything the IOMMU can translate, minus every reserved region. Patch 4/6 makes a map request outside that list fail. Eric Auger of Red Hat, who works on Arm virtualization, asked what that would do to QEMU on Arm: the SMMU drivers of the time reported the PCI host bridge windows, the bus addresses where device registers live, as reserved regions (commit 273df9635385). This lesson ticks "Host bridge windows reserved" under Platform in the Topology tab to show the collision he foresaw. It is a "would have": the windows stopped being reserved regions in 2019 (commit cd2c9fcf5c66), before the check was merged, so no released kernel ever did both.',
      view: { start: 0x0n, last: 0x1ffffffffn },
    },
    {
      title: 'The topology',
      prose:
        'The Ethernet card hangs below a root port, the point where a PCIe link leaves the processor. The kernel sorts devices into IOMMU groups: the smallest sets of devices it can keep apart from each other, because DMA between them could never reach the IOMMU. VFIO only hands out whole groups. This root port has ACS (Access Control Services, a PCIe feature that sends traffic up to the IOMMU instead of across to a neighbour), so the card gets a group of its own, group 1.',
      action: 0,
      hint: 'In the Topology tab, look at the root port above the card: does it have ACS?',
    },
    {
      title: 'What the group reports as reserved',
      prose:
        'Each group lists its reserved regions in sysfs, in a file called reserved_regions. This one lists the SMMU\'s software MSI window at 0x8000000, where the SMMU maps the address devices write to when they raise an interrupt (an MSI, message-signalled interrupt); sysfs prints it as "msi". With host bridge windows reserved, as the 2017–2019 kernels did, it also lists both memory windows of the host bridge as "reserved": 0x40000000..0xbfffffff and 0x100000000..0x7fffffffff. The I/O window is not listed, because only memory windows were reserved. A QEMU virt guest puts its RAM at 1 GiB (0x40000000), right inside the first window.',
      action: 1,
      view: { start: 0x0n, last: 0x7fffffffffn },
      hint: 'The map shows the host bridge windows of the Topology tab; which of them would a group report?',
    },
    {
      title: 'Open a container',
      prose:
        "A container is VFIO's object that holds groups and the memory they may reach. QEMU opens /dev/vfio/vfio and gets an empty one, with no IOMMU driver yet.",
      action: 2,
    },
    {
      title: 'Set the group into it',
      prose:
        'VFIO_GROUP_SET_CONTAINER puts group 1 into the container: from now on the container, not a host driver, owns the DMA of every device in the group.',
      action: 3,
    },
    {
      title: 'Choose type1 v2',
      prose:
        "VFIO_SET_IOMMU picks the container's IOMMU driver, type1 v2, and attaches the group to a fresh IOMMU domain: one set of the page tables the IOMMU looks addresses up in. Interrupt remapping is the IOMMU's check that a device only raises the interrupts it owns; this SMMU's MSIs go through a GICv2m frame, which cannot do that check. The attach succeeds only because vfio_iommu_type1.allow_unsafe_interrupts is set on this host, and the engine warns, as the kernel does. (The iommufd lesson looks at that check again.)",
      action: 4,
      hint: 'Look at smmu0 in the Topology tab: can it isolate interrupts? Then look for allow_unsafe_interrupts under Platform.',
    },
    {
      title: 'The valid IOVA list',
      prose:
        "VFIO_IOMMU_GET_INFO reports the container's valid ranges. The IOMMU's aperture, the addresses it can translate, covers 48 bits here; the list is that aperture with holes cut out for the MSI window and both host bridge windows. Everything QEMU maps must fit inside one of these four ranges.",
      action: 5,
      view: { start: 0x0n, last: 0xffffffffffffn },
      hint: 'Take the 48-bit aperture, 0x0..0xffffffffffff, and cut out the reserved regions of step 3. How many pieces are left?',
    },
    {
      title: 'Guest RAM at 1 GiB is refused',
      prose:
        'QEMU maps the first 2 GiB of guest RAM at IOVA 0x40000000, the address the guest sees it at. The range lies inside the host bridge\'s 32-bit window, so vfio_iommu_iova_dma_valid finds no valid range that holds it and the map fails with EINVAL, Linux\'s "invalid argument". This is the regression Eric described: a guest that worked before would no longer start.',
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
      hint: 'Compare 0x40000000..0xbfffffff with the valid ranges of step 7, in the Log.',
    },
    {
      title: 'The part between the windows fits',
      prose:
        'The next gigabyte, 0xc0000000..0xffffffff, falls between the two windows and maps fine. The guest would be half usable, which is worse than not starting at all.',
      action: 7,
      view: { start: 0xc0000000n, last: 0xffffffffn },
      hint: 'Is 0xc0000000..0xffffffff inside one of the valid ranges of step 7?',
    },
    {
      title: 'The last gigabyte hits the 64-bit window',
      prose:
        'Guest RAM above 4 GiB lands in the 64-bit window 0x100000000..0x7fffffffff and is refused too. Eric suggested a warning instead of a refusal. Alex Williamson, the VFIO maintainer, answered that a reserved range that is only advice defeats the point of the list: if the mapping really works, the reported region is wrong; if it does not, telling QEMU that it worked risks losing data, so refusing is right.',
      quote: {
        text: 'How do we distinguish between reserved ranges that are really reserved and those that are only an advisory?',
        author: 'Alex Williamson',
        date: '2018-02-27',
      },
      action: 8,
      view: { start: 0x100000000n, last: 0x13fffffffn },
      hint: 'Where does 0x100000000..0x13fffffff fall: in a valid range, or in a host bridge window?',
    },
    {
      title: 'A window that is still reserved today',
      prose:
        'The software MSI window is a real reserved region on current kernels: the SMMU driver maps the MSI doorbell there itself. Any DMA mapping that reaches into 0x8000000..0x80fffff is refused whatever the host bridge setting says.',
      action: 9,
      view: { start: 0x8000000n, last: 0x80fffffn },
      hint: 'Step 3 listed the MSI window apart from the host bridge windows: which of the two does the Platform checkbox change?',
    },
    {
      title: 'Where the thread went',
      prose:
        "Eric pointed out that the limit does not come from the SMMU: without ACS, a transaction aimed at a host bridge window is routed to the peer device (another device below the same bridge) before it ever reaches the IOMMU. Alex replied that a limit outside the IOMMU does not belong in the IOMMU API, and that peer-to-peer MMIO inside a group is a hard problem that VFIO has mostly side-stepped by aiming for one device per group. The kernel later agreed: since 2019 host bridge windows are reserved only in the kernel's own DMA address allocator, and VFIO no longer sees them.",
      tryThis: [
        'Open the Log tab: each refused map names the reserved region it hit, with its addresses.',
        'Move the guest RAM to 0x8000000000 (above the 64-bit window) and map it: the IOVA list accepts it.',
      ],
    },
  ],
};
