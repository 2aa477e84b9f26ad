import type { LessonSpec } from '../types.ts';

/** Incident: guest RAM at 0 on arm64 runs into the SMMU's MSI window at 128 MiB (OpenVMM). */
export const lesson010: LessonSpec = {
  id: 'arm64-msi-doorbell',
  seed: {
    subject: 'openvmm_core: start aarch64 Linux direct boot RAM at 1 GiB',
    date: '2026-05-24',
    participants: [
      'An OpenVMM developer (jstarks), who moved arm64 guest RAM to 1 GiB',
      'OpenVMM developers who later did the same for UEFI guests',
    ],
    reference:
      'microsoft/openvmm#3559, May 2026 ("iommufd reserves the 128 MiB–129 MiB region in IOVA space for the host MSI doorbell … identity-mapped DMA for passthrough devices fails"), #3465 (the carve-out 0x8000000..0x8100000) and #4372, September 2026 (the UEFI follow-up)',
  },
  steps: [
    {
      title: 'A megabyte the host keeps for interrupts',
      prose:
        "By the end of this lesson you will know why an arm64 host keeps one megabyte of every device's IOVA space for itself, and why a VMM should not put guest RAM there. A device raises an MSI by writing to a doorbell address of the interrupt controller (on arm64, a GIC ITS). Behind an SMMU that write is translated like any other DMA, so the SMMU driver maps the doorbell itself, at IOVA 0x8000000 (128 MiB), and keeps 0x8000000..0x80fffff out of what userspace may map. In May 2026 the OpenVMM developers met this window with VFIO device assignment on arm64: their guests had RAM from address 0, mapped 1:1 for DMA.",
      view: { start: 0x0n, last: 0x7fffffffn },
    },
    {
      title: 'Make an IOAS',
      prose:
        "With iommufd the VMM first allocates an IOAS: an IO address space that will hold the guest's RAM at its guest-physical addresses.",
      action: 0,
    },
    {
      title: 'Bind the NVMe controller',
      prose: 'The device, bound to vfio-pci on the host, is bound to iommufd.',
      action: 1,
    },
    {
      title: 'Attach it to the IOAS',
      prose:
        "Attaching the device gives the IOAS a domain on smmu0, and with it the device's reserved regions: the SMMU's software MSI window.",
      action: 2,
    },
    {
      title: 'The usable IOVA ranges',
      prose:
        "IOMMU_IOAS_IOVA_RANGES now lists two ranges: 0x0..0x7ffffff and 0x8100000..0xffffffffffff. The megabyte between them is the doorbell window; the map draws it as a reserved region in the device's lane.",
      action: 3,
      view: { start: 0x0n, last: 0xfffffffn },
    },
    {
      title: 'Guest RAM at 0 is refused',
      prose:
        "The VMM maps the guest's first gigabyte at IOVA 0, its guest-physical address. The range covers the doorbell window, so iommufd refuses it with EINVAL and maps nothing: a device doing DMA to guest address 128 MiB would otherwise reach the interrupt controller instead of RAM.",
      action: 4,
      view: { start: 0x0n, last: 0x3fffffffn },
      tryThis: [
        "Fill the Actions form and map only 0x0..0x7ffffff (length 0x8000000): it fits below the window, but the guest's RAM would then have a one-megabyte hole the guest does not know about.",
      ],
    },
    {
      title: 'RAM from 1 GiB, as QEMU virt does',
      prose:
        'The fix was to start guest RAM above the window, at 1 GiB, as QEMU\'s arm "virt" machine does: the same gigabyte at IOVA 0x40000000 maps. UEFI guests, whose firmware needs memory at 0, came in September 2026: a 32 MiB firmware window at 0, the rest of RAM above 1 GiB, and nothing backed in between.',
      action: 5,
      view: { start: 0x0n, last: 0x7fffffffn },
    },
  ],
};
