import type { LessonSpec } from '../types.ts';

/** Incident: the VT-d ISA bridge region of 5.3 broke passthrough of devices grouped with it. */
export const lesson009: LessonSpec = {
  id: 'isa-bridge-direct-region',
  seed: {
    subject: 'Re: [vfio-users] VFIO_MAP_DMA error EINVAL',
    date: '2019-12-11',
    participants: [
      'A user passing an Intel audio controller to a VM',
      'Alex Williamson (VFIO maintainer), who wrote the fix',
      'Eric Auger and Jerry Snitselaar, who reviewed it',
    ],
    reference:
      'vfio-users and iommu lists, December 2019 ("vfio_dma_map(0x7f86fdc7c480, 0xc0000, 0x7ff40000, 0x7f83f20c0000) = -22 (Invalid argument)"); fixed by "iommu/vt-d: Set ISA bridge reserved region as relaxable" (d8018a0e9195, Linux 5.5-rc2, stable 5.4.7)',
  },
  steps: [
    {
      title: 'A guest that stopped starting after a kernel update',
      prose:
        'By the end of this lesson you will know what a reserved region of type direct is, why one device in an IOMMU group can stop another from being passed through, and how a one-word kernel fix ended it. In December 2019 a user who passed the audio controller of an Intel desktop to a VM found that QEMU no longer started after updating the host to Linux 5.4: "vfio_dma_map(0x7f86fdc7c480, 0xc0000, 0x7ff40000, 0x7f83f20c0000) = -22 (Invalid argument)". Alex Williamson, the VFIO maintainer, asked for the group\'s reserved_regions and found the cause in a line nobody expected.',
      view: { start: 0x0n, last: 0xffffffffn },
    },
    {
      title: 'What the group reports',
      prose:
        'The audio controller (00:1f.3) is a function of the chipset, like the ISA bridge (00:1f.0) and the SMBus controller (00:1f.4); with no ACS between them they form one IOMMU group, group 9, and VFIO can only take the group whole. Since Linux 5.3 the VT-d driver reports the first 16 MiB of an ISA bridge as a direct region: memory that must stay mapped 1:1, here for the floppy controller and other legacy ISA DMA (CONFIG_INTEL_IOMMU_FLOPPY_WA). The line "0x0000000000000000 0x0000000000ffffff direct" is that region; the map draws it at the bottom of the group\'s lane.',
      action: 0,
      view: { start: 0x0n, last: 0xfffffffn },
    },
    {
      title: 'Open a container',
      prose: 'QEMU opens /dev/vfio/vfio: an empty container.',
      action: 1,
    },
    {
      title: 'Set group 9 into it',
      prose:
        'The group is viable: the ISA bridge has no driver, the other two are bound to vfio-pci. On this kernel setting the group does not look at its reserved regions yet (that check came in 6.6).',
      action: 2,
    },
    {
      title: 'Choose type1 v2',
      prose:
        "The group is attached to a new IOMMU domain on dmar0. From now on the container's valid IOVA list is the aperture minus every region of the group that is not direct-relaxable.",
      action: 3,
    },
    {
      title: 'The valid IOVA list starts at 16 MiB',
      prose:
        'VFIO_IOMMU_GET_INFO lists the usable ranges: 0x1000000..0xfedfffff and 0xfef00000..0x7fffffffff. The first 16 MiB are gone, and with them the place where every PC guest has its low RAM.',
      action: 4,
      view: { start: 0x0n, last: 0xffffffffn },
    },
    {
      title: "QEMU's low RAM is refused",
      prose:
        "QEMU maps the guest's RAM from 0xc0000 (above the legacy VGA hole) up to 2 GiB, at the same addresses the guest sees. The range starts inside the ISA bridge's direct region, so VFIO refuses it with EINVAL, exactly the line of the report. The audio device never used that region; its group brought it along.",
      action: 5,
      view: { start: 0x0n, last: 0x7fffffffn },
      tryThis: [
        'In the Topology tab, choose kernel 5.4.7 under Platform (the stable update with the fix): every step is replayed, the region is reported as direct-relaxable, and this map succeeds when you run it again.',
        'Choose kernel 5.2: the region does not exist at all, as before 5.3.',
      ],
    },
    {
      title: 'RAM above 4 GiB is fine',
      prose:
        "The guest's RAM above 4 GiB maps without trouble: only the first 16 MiB are out. But a PC guest cannot do without RAM at 0, so the VM still does not start.",
      action: 6,
      view: { start: 0x100000000n, last: 0x17fffffffn },
    },
    {
      title: 'The fix: one word',
      prose:
        "Alex Williamson traced the region to the 5.3 change that replaced the old static 1:1 map of ISA memory with a reserved region. That region exists for legacy ISA drivers on the host, and a device given to a guest does not need it. Since 2019 the kernel has a type for exactly that case, direct-relaxable: mapped 1:1 for the host's own DMA, but left out of VFIO's checks. His patch changed the ISA bridge region from IOMMU_RESV_DIRECT to IOMMU_RESV_DIRECT_RELAXABLE; it went into 5.5-rc2 and the 5.4.7 stable update, and the reporter confirmed the guest started again.",
      tryThis: [
        "Choose kernel 5.4.7 under Platform in the Topology tab and look at group 9's lane: the region is still drawn, now as direct-relaxable, and the first valid IOVA range of step 6 (in the Log) starts at 0 again.",
      ],
    },
  ],
};
