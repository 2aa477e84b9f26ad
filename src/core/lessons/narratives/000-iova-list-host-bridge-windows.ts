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
      'Eric Auger (Red Hat, Arm virtualization and SMMU; raised the problem)',
      'Alex Williamson (Red Hat, VFIO maintainer)',
    ],
  },
  steps: [
    {
      title: 'The patch under review',
      prose:
        "By the end of this lesson you will know which addresses a device given to a virtual machine is allowed to use, why the virtual machine's memory has to fit inside them, and how one new kernel check could have stopped Arm virtual machines from starting. First, a few words. A device does DMA when it reads or writes memory by itself, without the CPU copying the data. An IOMMU sits between the devices and memory. It translates each address a device uses into a real memory address, and it blocks addresses nobody set up. On Arm servers the IOMMU is called the SMMU. The addresses a device uses are called IOVAs (I/O virtual addresses). VFIO is the Linux interface that hands a device to a program, here QEMU, which runs a virtual machine: the guest. For each piece of guest memory, QEMU tells the IOMMU \"these IOVAs lead to this memory\". That is a mapping. Some IOVAs can never hold a mapping, because something else already uses them. They are called reserved regions. Now the story. On 21 February 2018 Shameer Kolothum of Huawei, the author of the patch series, posted its fourth version. It makes VFIO keep a list of the IOVA ranges a program may map: all the addresses the IOMMU can translate, minus every reserved region. Patch 4 of 6 rejects any mapping outside that list. On 26 February Eric Auger of Red Hat, who works on virtualization on Arm and on the SMMU, replied with a worry. The Arm SMMU drivers of the time reported the PCI host bridge windows as reserved regions (commit 273df9635385). The host bridge connects the PCIe devices, the cards in the machine's expansion slots, to the rest of the machine. Its windows are the address ranges where those devices' registers and on-board memory appear. On some servers, such as AMD's Seattle, the windows sit exactly where QEMU's Arm guest keeps its memory. So the new check would reject the guest's memory. Eric noted that the windows had already been debated after the Linux Plumbers Conference of 2016. Alex Williamson of Red Hat, the VFIO maintainer, answered within hours, and the two argued it out on 27 February. This lesson replays the collision Eric foresaw. In the Topology tab, under Platform, the \"Host bridge windows reserved\" checkbox is ticked, as on Arm kernels of 2017–2019. It shows what would have happened, not what did: in 2019 the windows stopped being reserved regions for VFIO (commit cd2c9fcf5c66), before the check was merged. No released kernel did both.",
      view: { start: 0x0n, last: 0x1ffffffffn },
    },
    {
      title: 'The topology',
      prose:
        'Open the Topology tab. This server has one SMMU, smmu0, and one host bridge, pcie0. Below the host bridge is a root port: the point where a PCIe link leaves the processor. Every PCIe device hangs below one. Below the root port is the Ethernet card that QEMU will give to the guest. The kernel sorts devices into IOMMU groups. A group is the smallest set of devices the kernel can keep apart from each other. If two devices could send DMA to each other without the IOMMU seeing it, they share a group. VFIO only hands out whole groups. This root port has ACS (Access Control Services). ACS is a PCIe feature that sends the traffic of the devices below a port up to the IOMMU, instead of straight across to a neighbour. So the card gets a group of its own, group 1. The root port is in group 0.',
      action: 0,
      hint: 'In the Topology tab, read the root port\'s line: does it list ACS flags, or say "no ACS"? Then count the devices below it.',
    },
    {
      title: 'What the group reports as reserved',
      prose:
        'The kernel shows each group\'s reserved regions in a small file, /sys/kernel/iommu_groups/1/reserved_regions. This step reads it. The first line is the SMMU\'s software MSI window at 0x8000000. An MSI (message-signalled interrupt) is how a PCIe device raises an interrupt: it writes to a special address, the doorbell of the interrupt controller. Behind an SMMU that write is translated like any other DMA. So the SMMU driver keeps this 1 MiB of IOVAs for itself, to map the doorbell there. The file labels it "msi". The "Host bridge windows reserved" checkbox is ticked, so the file also lists both memory windows of pcie0, labelled "reserved": 0x40000000..0xbfffffff (below 4 GiB) and 0x100000000..0x7fffffffff (above 4 GiB). The small I/O window of pcie0 is not listed, because only memory windows were reserved. Keep one more fact in mind: QEMU\'s Arm guest (the "virt" machine) puts its RAM at 1 GiB, which is 0x40000000. That is the very start of the first window.',
      action: 1,
      view: { start: 0x0n, last: 0x7fffffffffn },
      hint: "Under Host bridges in the Topology tab, pcie0 has three windows: one io and two mem. Which kind does the ticked checkbox count as reserved? Then add the SMMU's own window for interrupts.",
    },
    {
      title: 'Open a container',
      prose:
        "Now QEMU starts. A container is VFIO's object that holds groups and their mappings: one IOVA space, shared by every group put into it. QEMU opens /dev/vfio/vfio and gets a new, empty container. It has no groups yet, and no IOMMU driver, the code that will program the IOMMU.",
      action: 2,
      hint: 'A brand-new container holds nothing yet. Is there anything that could stand in the way?',
    },
    {
      title: 'Set the group into it',
      prose:
        "QEMU puts group 1 into the container (VFIO_GROUP_SET_CONTAINER). VFIO allows this only when no driver on the host still uses a device of the group for DMA. The Ethernet card is bound to vfio-pci, VFIO's own driver, so nothing on the host competes for it. From now on the container, not a host driver, decides where the card's DMA may go.",
      action: 3,
      hint: 'In the Topology tab, read the driver named on each device of group 1. Is any of them a host driver that still does DMA?',
    },
    {
      title: 'Choose type1 v2',
      prose:
        "QEMU picks the container's IOMMU driver: type1 v2, VFIO's classic one (VFIO_SET_IOMMU). The group is attached to a new IOMMU domain. A domain is one set of page tables, the tables the IOMMU looks each address up in. There is one more check here. Interrupt remapping is an IOMMU feature that checks each MSI, so that a device can only raise its own interrupts. In the Topology tab smmu0 says \"no IR\": on this server nothing checks who sent an interrupt message. Type1 refuses such a group unless the host's owner accepts the risk with a module parameter, a setting given to the kernel when it loads VFIO: vfio_iommu_type1.allow_unsafe_interrupts. That box is ticked under Platform, so the attach goes through, and the Log below the map shows a warning, as the kernel prints one. (The iommufd lesson comes back to this check.)",
      action: 4,
      tryThis: [
        'Untick "vfio_iommu_type1.allow_unsafe_interrupts" under Platform in the Topology tab: every step is replayed, this one is now refused with EPERM, and the container is left without an IOMMU driver, so the later steps go wrong too. Undo ticks the box again.',
      ],
      hint: 'In the Topology tab, read the end of smmu0\'s line (IR or no IR). Then look at the "vfio_iommu_type1.allow_unsafe_interrupts" checkbox under Platform.',
    },
    {
      title: 'The valid IOVA list',
      prose:
        "QEMU asks the container for its list of valid IOVA ranges (VFIO_IOMMU_GET_INFO). This is the list Shameer's series adds. It starts from the aperture: the range of IOVAs the IOMMU can translate at all. smmu0 handles 48-bit addresses, so the aperture is 0x0..0xffffffffffff. Then every reserved region of step 3 is cut out of it: the MSI window and both host bridge windows. Four ranges are left. Every mapping QEMU makes must fit inside one of them.",
      action: 5,
      view: { start: 0x0n, last: 0xffffffffffffn },
      hint: 'Take the 48-bit aperture, 0x0..0xffffffffffff, and cut out the reserved regions of step 3. How many pieces are left, and where?',
    },
    {
      title: 'Guest RAM at 1 GiB is refused',
      prose:
        "QEMU now maps the guest's first 2 GiB of RAM at IOVA 0x40000000. That is the address the guest itself sees the RAM at, so the card's DMA lands where the guest expects it. But the range is exactly the host bridge's first window. The check of patch 4, vfio_iommu_iova_dma_valid, finds no valid range that holds it, and the map fails with EINVAL (\"invalid argument\"). This is what Eric feared: a guest that started fine before would no longer start. Why were the windows reserved at all? Not because of the SMMU, Eric said. Without ACS, a DMA write aimed at a window address can be sent straight to the device that owns that address, before it ever reaches the IOMMU to be translated.",
      quote: {
        text: 'If ACS is not enforced by the PCIe subsystem, the transaction will never reach the IOMMU.',
        author: 'Eric Auger',
        date: '2018-02-27',
      },
      action: 6,
      view: { start: 0x40000000n, last: 0xbfffffffn },
      tryThis: [
        'In the Topology tab, untick "Host bridge windows reserved" under Platform, as every kernel since 2019 behaves: every step is replayed, and this map now goes through. Reset to this step, or Undo, ticks the box again.',
      ],
      hint: 'Compare 0x40000000..0xbfffffff with the four valid ranges of step 7 (in the Log below the map).',
    },
    {
      title: 'The part between the windows fits',
      prose:
        'The next gigabyte of guest RAM, 0xc0000000..0xffffffff, lies between the two windows. It is inside a valid range, so it maps. Still, the first 2 GiB stay rejected, and that alone is enough to stop QEMU from working, as Eric wrote.',
      action: 7,
      view: { start: 0xc0000000n, last: 0xffffffffn },
      hint: 'Is 0xc0000000..0xffffffff inside one of the valid ranges of step 7?',
    },
    {
      title: 'The last gigabyte hits the 64-bit window',
      prose:
        'Guest RAM above 4 GiB, 0x100000000..0x13fffffff, lands in the second window (0x100000000..0x7fffffffff) and is refused too. Eric suggested a warning instead of a refusal, since the setup had worked "in most cases" until then. Alex answered that a reserved region that is only advice defeats the whole point of the list. Either the mapping really works through the IOMMU, and then the reserved region is wrong. Or it does not work, and then telling QEMU that it worked risks losing data, so refusing is right.',
      quote: {
        text: 'How do we distinguish between reserved ranges that are really reserved and those that are only an advisory?',
        author: 'Alex Williamson',
        date: '2018-02-27',
      },
      action: 8,
      view: { start: 0x100000000n, last: 0x13fffffffn },
      hint: 'Where does 0x100000000..0x13fffffff fall: in a valid range of step 7, or in a host bridge window?',
    },
    {
      title: 'A window that is still reserved today',
      prose:
        'Now a small map, 128 KiB at 0x8000000: inside the SMMU\'s MSI window. This one is a real reserved region on every kernel, then and now, because the SMMU driver maps the interrupt doorbell there itself. So any mapping that reaches into 0x8000000..0x80fffff is refused, whatever the "Host bridge windows reserved" checkbox says.',
      action: 9,
      view: { start: 0x8000000n, last: 0x80fffffn },
      hint: 'Step 3 listed the MSI window apart from the two host bridge windows. Which of them does the checkbox under Platform control?',
    },
    {
      title: 'Where the thread went',
      prose:
        "Alex did not accept that the limit belongs to the IOMMU. If the problem comes from the way PCIe routes traffic, not from the SMMU, why report it through the IOMMU's interface? He added that peer-to-peer traffic inside a group, one device sending DMA to another device's registers, is a hard problem. VFIO has mostly side-stepped it by aiming at one device per group, the normal case on \"enterprise\" x86 servers. The kernel later went his way. Since 2019 the host bridge windows are kept out only of the addresses the kernel picks for its own DMA, and VFIO no longer sees them as reserved regions. So the check could be merged without breaking QEMU's Arm guests.",
      tryThis: [
        'Read the Log below the map: each refused map names the reserved region it ran into, with its addresses.',
        'In the Actions form, choose vfio.map_dma and map 1 GiB (size 0x40000000) at iova 0x8000000000, just above the 64-bit window: it lies in the last valid range, so the map goes through.',
      ],
    },
  ],
};
