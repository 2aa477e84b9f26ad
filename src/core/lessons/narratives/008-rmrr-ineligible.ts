import type { LessonSpec } from '../types.ts';

/** Incident: a device with a strict RMRR cannot be passed through (HP servers' NICs). */
export const lesson008: LessonSpec = {
  id: 'rmrr-ineligible',
  seed: {
    subject: 'Failed to start VM after set PCI NIC device passthrough, keep looping to restart VM',
    date: '2025-01-09',
    participants: [
      'Harvester testers on an HP server',
      "Harvester's developers, who traced it to the platform's RMRR",
    ],
    reference:
      'harvester/harvester#7340 ("vfio-pci 0000:04:00.1: DMAR: Device is ineligible for IOMMU domain attach due to platform RMRR requirement.  Contact your platform vendor."), pointing at HPE\'s and Red Hat\'s articles on RMRRs',
  },
  steps: [
    {
      title: 'A VM that restarts for ever',
      prose:
        'By the end of this lesson you will know what an RMRR is, why a device that has one cannot be given to a guest, and what the kernel says when you try. In January 2025 Harvester testers passed a NIC port of an HP server to a VM, and the VM kept restarting; the host kernel said "vfio-pci 0000:04:00.1: DMAR: Device is ineligible for IOMMU domain attach due to platform RMRR requirement.  Contact your platform vendor." The firmware of many HP servers reports an RMRR for their NICs: memory it goes on using for DMA on its own (for its management features), so the device must keep a 1:1 mapping of it.',
    },
    {
      title: "Read the port's reserved regions",
      prose:
        'Group 20 holds both ports of the NIC. Its reserved regions list the MSI window and a direct region: the RMRR of port 2, which the map shows in the group lane. A direct region must stay mapped 1:1, whatever IOVAs a guest would want there.',
      action: 0,
      view: { start: 0x0n, last: 0xffffffffn },
    },
    {
      title: 'Open a container',
      prose: 'The VMM opens a type1 container for the NIC.',
      action: 1,
    },
    {
      title: 'The group joins it, on this kernel',
      prose:
        'On Linux 5.14 the group can still be set into the container: nothing checks the RMRR yet.',
      action: 2,
    },
    {
      title: 'VFIO_SET_IOMMU: ineligible',
      prose:
        "Choosing the IOMMU attaches the group to a new domain, and the VT-d driver refuses port 2 with EPERM: a domain the guest controls could not keep the firmware's 1:1 mapping. This is the dmesg line of the report. VT-d has refused such devices since 2014 (Linux 3.17), except USB controllers and graphics, whose RMRRs the kernel treats as relaxable. Since Linux 6.6 the refusal comes one step earlier: setting the group into the container fails with EINVAL.",
      action: 3,
    },
    {
      title: 'A NIC without an RMRR',
      prose: 'A second container for the other NIC, in group 21, which has no RMRR.',
      action: 4,
    },
    {
      title: 'Its group joins',
      prose: 'Group 21 joins container 2.',
      action: 5,
    },
    {
      title: 'And gets its domain',
      prose: 'Without an RMRR, the attach succeeds: the device can be passed through.',
      action: 6,
    },
    {
      title: 'Its DMA is mapped as usual',
      prose:
        "The guest's RAM maps into the domain. What to do with the other NIC: use a device without an RMRR, as here, or ask the firmware not to report one for its slot (HPE documents such a setting). Patches that treat every RMRR as relaxable exist outside the kernel; they trade the firmware's DMA for the guest's.",
      action: 7,
    },
  ],
};
