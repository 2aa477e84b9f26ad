import type { LessonSpec } from '../types.ts';

/** Seed 003: ACS, peer-to-peer DMA that bypasses the IOMMU, integrated vs plug-in endpoints. */
export const lesson003: LessonSpec = {
  id: 'acs-peer-to-peer',
  seed: {
    file: '003_9248a2ab6fe3479c.txt',
    subject: 'Re: [Linuxarm] Re: [RFC PATCH 2/3] vfio/hisilicon: register the driver to vfio',
    date: '2021-05-13',
    participants: [
      'liulongfang (HiSilicon, author of the driver)',
      'Jason Gunthorpe (NVIDIA, RDMA maintainer, later the author of iommufd)',
      'Shameer Kolothum (Huawei, proposed the BAR quirk)',
      'Alex Williamson (VFIO maintainer at Red Hat)',
    ],
  },
  steps: [
    {
      title: 'Hiding half a BAR',
      prose:
        "By the end of this lesson you will know why hiding part of a device from a virtual machine's processor does not hide it from the device itself, how the wiring between a device and the part that checks its memory accesses decides whether they are checked at all, and why a device built into the chip is safer than the same device on a plug-in card. First the words. DMA is a device reading or writing memory by itself, without the CPU. An IOMMU sits between devices and memory. It translates the addresses a device uses, called IOVAs, and blocks the ones nobody allowed; on Arm servers it is called the SMMU. A BAR (base address register) is a window of a device's own registers or memory, placed at some bus addresses where the CPU and other devices can reach it. VFIO is the Linux interface that hands a device to a program such as QEMU, which gives it to a virtual machine (the guest). Now the story. In May 2021 liulongfang of HiSilicon posted a driver that adds live migration, moving a running guest to another host, to VFIO for HiSilicon's accelerators. Part of the accelerator's BAR holds registers for the host's migration driver, which the guest must not touch. On 12 May Jason Gunthorpe of NVIDIA, a maintainer of the kernel's RDMA (fast networking) code, pointed out that the danger is the DMA the guest controls, not the guest's CPU. liulongfang answered that the guest never sees that part of the BAR, so the SMMU would block any DMA to it. Jason replied that there are cases where this is not true. Shameer Kolothum of Huawei then proposed a quirk: report a shorter BAR to the guest, so that it cannot map the rest. On 13 May Alex Williamson, the VFIO maintainer at Red Hat, explained why that is not enough. The guest programs the device's DMA, and that DMA is aimed at bus addresses, not at what the guest's CPU can map.",
      quote: {
        text: 'As Jason says, this only restricts CPU access to the BAR, the issue is DMA access.',
        author: 'Alex Williamson',
        date: '2021-05-13',
      },
      view: { start: 0x80000000n, last: 0x8010ffffn },
    },
    {
      title: 'Topology decides the groups',
      prose:
        "This host is an Arm server with one SMMU, smmu0. Every PCIe device hangs below a root port, the point where a PCIe link leaves the processor. Here the root port leads to a PCIe switch: a chip that fans one link out to several. Its upstream port faces the root port, and each of its downstream ports leads to one slot. The accelerator's plug-in card sits below downstream port 0000:02:00.0. A NIC (a network card) that the host still uses sits below 0000:02:01.0. A switch sends each request on by its address. ACS (Access Control Services) is a PCIe feature of ports: with it on, a port sends requests up towards the IOMMU instead of across to a neighbour. These downstream ports have no ACS. The kernel sorts devices into IOMMU groups, the smallest sets of devices it can keep apart from each other, and VFIO hands out only whole groups. Because the card's downstream port has no ACS, the kernel puts the port and the card in one group, group 3. The NIC and its port get group 4 in the same way. The integrated accelerator at 0000:75:00.0 is built into the chip (a root-complex integrated endpoint). No switch stands between it and the SMMU, and it is group 1 on its own.",
      action: 0,
      hint: 'In the Topology tab, follow the tree from the root port down to each device, and read which ports have ACS.',
    },
    {
      title: "The card's group is viable",
      prose:
        "A group is viable, usable by VFIO, when no device in it is driven by a kernel driver that does DMA. The card is bound to vfio-pci, VFIO's driver for PCI devices. Its downstream port is bound to pcieport, the kernel's driver for PCIe ports, which does no DMA of its own. If any member were bound to an ordinary kernel driver, the group would not be viable, and VFIO would refuse it.",
      action: 1,
      hint: 'In the Topology tab, read the driver of each device in group 3 (the number in the coloured chip).',
    },
    {
      title: 'Give the card to a guest',
      prose:
        "QEMU opens /dev/vfio/vfio and gets a container: VFIO's object that holds groups and the memory they may reach. This one is for the plug-in card…",
      action: 2,
    },
    {
      title: 'Set its group',
      prose: '…with group 3 in it…',
      action: 3,
      hint: 'The previous step asked whether group 3 can be used; its answer is in the Log.',
    },
    {
      title: 'Choose type1 v2',
      prose:
        "…and type1 v2, VFIO's IOMMU driver for containers. It gives the group a domain on the SMMU: one set of the page tables the IOMMU looks addresses up in.",
      action: 4,
    },
    {
      title: "Map guest RAM over the BARs' addresses",
      prose:
        "A mapping tells the IOMMU that a range of IOVAs leads to a range of memory. QEMU maps 256 MiB of the guest's RAM at IOVA 0x80000000. The IOMMU refuses only reserved regions, IOVAs no mapping may use. Here that is the SMMU's MSI window at 0x8000000, where devices write to raise interrupts (MSI, message-signalled interrupts). The range of bus addresses where this host puts PCI BARs, the host bridge window 0x80000000..0xbfffffff, is not reserved: Arm kernels stopped reserving it in 2019. So the SMMU accepts a translation there. But the card's own BAR (0x80000000..0x8000ffff) and the NIC's BAR (0x80100000..0x8010ffff) sit at those same bus addresses. A DMA request from the card to 0x80000000 reaches the switch first. Without ACS Request Redirect on the downstream port, the switch may send it by address straight to a BAR below the switch, the card's own BAR included, before it ever reaches the SMMU. This is peer-to-peer DMA: one device reaching another device's BAR. The IOMMU mapping is never used. The guest can reach the half of the BAR that was hidden from its CPU, and even the NIC's BAR, which belongs to the host and is in another group.",
      action: 5,
      view: { start: 0x80000000n, last: 0x8010ffffn },
      tryThis: [
        "Open the Findings tab: it reports the route from 0000:03:00.0 to its own BAR and to the NIC's BAR that never reaches the SMMU.",
        'In the Topology tab, tick "ACS on 0000:02:00.0" and "ACS on 0000:02:01.0" under Platform and look at the groups again: every endpoint is alone, and the Findings no longer list the route, because the ports now send the requests up to the SMMU.',
      ],
      hint: 'The IOMMU checks only its own list of addresses: look on the map for a reserved region inside 0x80000000..0x8fffffff.',
    },
    {
      title: 'The integrated endpoint',
      prose:
        'Shameer replied that these accelerators are never plug-in cards: they are integrated endpoints, built into the chip. With no switch in the path, every DMA goes up to the SMMU and is translated. Alex agreed with what Jason had suggested: a driver that depends on this can refuse to load when the topology is not the expected one, and then the hardware and the topology guarantee the isolation. Shameer also said that the migration steps must read registers of the physical device the accelerator belongs to; Alex took that as one more reason to do migration in a kernel driver. QEMU opens a second container, for the integrated accelerator.',
      action: 6,
    },
    {
      title: 'Its own container',
      prose: 'Group 1 goes into the second container…',
      action: 7,
      hint: 'In the Topology tab, look at group 1: how many devices does it hold, and which driver is each one bound to?',
    },
    {
      title: 'Choose type1 v2',
      prose: '…with a domain of its own on the same SMMU.',
      action: 8,
    },
    {
      title: 'The same mapping, now safe',
      prose:
        'The same IOVA range, 0x80000000..0x8fffffff, is mapped for the integrated accelerator. The IOMMU gives the same answer as for the card, because it cannot see the topology. The difference is in the path: no switch stands between this device and the SMMU, so every request it makes is translated.',
      action: 9,
      view: { start: 0x80000000n, last: 0x8fffffffn },
      tryThis: [
        'Open the Findings tab: the integrated accelerator 0000:75:00.0 is in no bypass route, because no switch stands between it and the SMMU; the card 0000:03:00.0 is.',
      ],
      hint: 'Compare this map with the one made for the card: same range, same reserved regions on the map. Is there anything else the IOMMU could look at?',
    },
  ],
};
