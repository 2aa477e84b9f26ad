import type { LessonSpec } from '../types.ts';

/** Incident: a 39-bit VT-d unit (client and entry-server parts) and IOVAs above 512 GiB. */
export const lesson007: LessonSpec = {
  id: 'iommu-width-39-bit',
  seed: {
    subject: 'unvme fails on Sandy Bridge because the IOMMU only has 39 bits',
    date: '2016-06-15',
    participants: [
      'the reporter, on a Xeon E3-1245 V2',
      "unvme's maintainer at Micron, who moved the driver's IOVAs down",
    ],
    reference:
      'MicronSSD/unvme#4 (2016); cloud-hypervisor/cloud-hypervisor#7030 (2025: a BAR outside a 39-bit vIOMMU, fixed with aw_bits=48); bpg/terraform-provider-proxmox#1353 ("vfio_dma_map(0x5e043daea2f0, 0x380010000000, 0x2000000, 0x771a6ce00000) = -22")',
  },
  steps: [
    {
      title: 'Not every IOMMU reaches 48 bits',
      prose:
        'By the end of this lesson you will know how far an IOMMU can translate, where to read it, and why a map above that fails. Server VT-d units usually have a 48-bit address width, but many client and entry-server parts have 39 bits: IOVAs stop at 0x7fffffffff, 512 GiB. dmesg says it at boot ("DMAR: Host address width 39"). In June 2016 a user of unvme, Micron\'s user-space NVMe driver, reported that it failed on a Xeon E3-1245 V2: the driver put its buffers at IOVA 0x8800000000, which needs 40 bits, and the kernel printed "intel_iommu_map: iommu width (39) is not sufficient for the mapped address (8800001000)". The maintainer moved the IOVAs below 2^36. The same wall came back in 2025 with an emulated IOMMU: Cloud Hypervisor, nested in QEMU, placed a device BAR outside the 39 bits that QEMU\'s vIOMMU offers by default. The lanes shade what lies outside the aperture.',
      view: { start: 0x0n, last: 0xffffffffffn },
    },
    {
      title: 'Open a container',
      prose: 'The drive goes to user space through a type1 container.',
      action: 0,
    },
    {
      title: "Set the drive's group",
      prose: 'The drive is alone in its IOMMU group.',
      action: 1,
    },
    {
      title: 'Choose type1 v2',
      prose:
        "The group's domain is allocated on dmar0, so it has dmar0's width: its aperture is 0x0..0x7fffffffff.",
      action: 2,
    },
    {
      title: 'GET_INFO shows where the IOVAs end',
      prose:
        "The last valid range ends at 0x7fffffffff: the aperture. Reading it is how a VMM or a driver learns the width; the inspector shows the domain's page tables, 3 levels at 39 bits.",
      action: 3,
    },
    {
      title: 'Map the low RAM',
      prose: 'The guest RAM below 4 GiB maps as usual.',
      action: 4,
    },
    {
      title: 'A map at 0x380010000000',
      prose:
        "A VMM maps each guest physical range the device may reach with that address as the IOVA: the RAM, and the BARs of assigned devices so that devices can reach each other. A Proxmox user's guest needed a 32 MiB map at 0x380010000000; on a host IOMMU of this width that is far beyond the aperture, and the map fails with EINVAL, the -22 QEMU printed.",
      action: 5,
      view: { start: 0x0n, last: 0x3fffffffffffn },
    },
    {
      title: "unvme's IOVA",
      prose:
        "unvme's IOVA, 0x8800001000, is refused the same way. Today VFIO checks the aperture itself (vfio_iommu_iova_dma_valid) and answers EINVAL at once; in 2016 the map went on to the VT-d driver, which printed the width message and failed it with EFAULT (since a 2013 fix; before it, such a map could crash the host).",
      action: 6,
      view: { start: 0x0n, last: 0xffffffffffn },
    },
    {
      title: 'Inside the width it works',
      prose:
        "The same 32 MiB mapped just below 512 GiB succeeds. The fixes follow: a driver reads the aperture and allocates its IOVAs inside it, as unvme did; a VMM keeps the guest physical addresses it maps within the IOMMU's width, and an emulated IOMMU is given the width its guest needs (aw_bits=48 for QEMU's).",
      action: 7,
      view: { start: 0x7f00000000n, last: 0x80ffffffffn },
    },
  ],
};
