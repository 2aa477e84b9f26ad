import type { LessonSpec } from '../types.ts';

/** Seed 003: ACS, peer-to-peer DMA that bypasses the IOMMU, integrated vs plug-in endpoints. */
export const lesson003: LessonSpec = {
  id: 'acs-peer-to-peer',
  seed: {
    file: '003_9248a2ab6fe3479c.txt',
    subject: 'Re: [Linuxarm] Re: [RFC PATCH 2/3] vfio/hisilicon: register the driver to vfio',
    date: '2021-05-13',
    participants: ['Alex Williamson', 'Shameer Kolothum', 'Jason Gunthorpe', 'liulongfang'],
  },
  steps: [
    {
      title: 'Hiding half a BAR',
      prose:
        "In May 2021 HiSilicon proposed VFIO migration support for its accelerator. Part of the device's BAR belongs to the host driver that runs migration, so the proposal was to report a shorter BAR to the guest: the guest could not map the rest, and so could not touch it. Jason Gunthorpe and Alex Williamson objected that this limits only the CPU. The danger is the device's own DMA, which the guest programs and which is aimed at bus addresses, not at what the guest can map.",
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
        'Here the accelerator sits on a plug-in card below a PCIe switch whose downstream ports have no ACS. Because its downstream port has no ACS, the kernel puts the port and the card in one group (group 3); the NIC below the other port gets group 4 in the same way. The integrated accelerator at 0000:75:00.0 is a root-complex integrated endpoint with no switch between it and the SMMU, and it gets group 1 on its own.',
      action: 0,
    },
    {
      title: "The card's group is viable",
      prose:
        'Group 3 can be used by VFIO: the card is bound to vfio-pci and its downstream port to pcieport, which does not use the DMA API. If any member were bound to an ordinary kernel driver, the group would not be viable and VFIO would refuse it.',
      action: 1,
    },
    {
      title: 'Give the card to a guest',
      prose: 'A container for the plug-in card…',
      action: 2,
    },
    {
      title: 'Set its group',
      prose: '…with group 3 in it…',
      action: 3,
    },
    {
      title: 'Choose type1 v2',
      prose: '…and an IOMMU domain on the SMMU.',
      action: 4,
    },
    {
      title: "Map guest RAM over the BARs' addresses",
      prose:
        "The guest's RAM at IOVA 0x80000000 maps fine: since 2019, PCI windows are not reserved regions, so the SMMU accepts a translation there. But the card's own BAR (0x80000000..0x8000ffff) and the NIC's BAR (0x80100000..0x8010ffff) sit at those same bus addresses. A DMA request from the card to 0x80000000 reaches the switch first. Without ACS Request Redirect on the downstream port, the switch may route it by address straight to a BAR under the switch, including the card's own BAR, before it reaches the SMMU. The IOMMU mapping is never used, and the guest can reach the half of the BAR that was hidden from its CPU.",
      action: 5,
      view: { start: 0x80000000n, last: 0x8010ffffn },
      tryThis: [
        "Open the Findings tab: it reports the route from 0000:03:00.0 to its own BAR and to the NIC's BAR that never reaches the SMMU.",
        'In the Topology tab, tick "ACS on 0000:02:00.0" and "ACS on 0000:02:01.0" under Platform and look at the groups again: every endpoint is alone, and the Findings no longer list the route, because the redirect sends the requests up to the SMMU.',
      ],
    },
    {
      title: 'The integrated endpoint',
      prose:
        'HiSilicon replied that these accelerators are integrated endpoints, never plug-in cards. With no switch in the path, every DMA goes up to the SMMU and is translated. Alex agreed that a driver which depends on this can simply refuse to bind when the topology is not the expected one.',
      action: 6,
    },
    {
      title: 'Its own container',
      prose: 'Group 1 goes into a second container…',
      action: 7,
    },
    {
      title: 'Choose type1 v2',
      prose: '…with its own domain.',
      action: 8,
    },
    {
      title: 'The same mapping, now safe',
      prose:
        'The same IOVA range is mapped for the integrated accelerator. The IOMMU gives the same answer as before; the difference is in the topology, which the IOMMU cannot see: this time every request from the device is translated by the SMMU.',
      action: 9,
      view: { start: 0x80000000n, last: 0x8fffffffn },
      tryThis: [
        'Open the Findings tab: the integrated accelerator 0000:75:00.0 is in no bypass route, because no switch stands between it and the SMMU; the card 0000:03:00.0 is.',
      ],
    },
  ],
};
