import type { LessonSpec } from '../types.ts';

/** Seed 002: several IOMMU domains in one type1 container. */
export const lesson002: LessonSpec = {
  id: 'type1-multi-domain',
  seed: {
    file: '002_7bc90686c7907540.txt',
    subject: 'Re: [RFC PATCH] vfio/iommu_type1: Multi-IOMMU domain support',
    date: '2014-01-20',
    participants: ['Alex Williamson', 'Varun Sethi'],
  },
  steps: [
    {
      title: 'Why one domain is not enough',
      prose:
        'In January 2014 Alex Williamson proposed letting one VFIO container hold several IOMMU domains. The reason was IOMMU_CACHE: VT-d does not require every remapping unit (DRHD) to support Snoop Control, and a domain built with the snoop bit in its page tables cannot take a device behind a unit without it; that unit would fault on a bit it treats as reserved. Sending such devices to a second container would bill the user twice for the same pinned pages. So type1 creates a domain per incompatible group, replays the mappings into each new domain, and sends every map and unmap to all of them. This host has dmar0 (48-bit, Snoop Control) and dmar1 (39-bit, no Snoop Control).',
    },
    {
      title: 'The groups',
      prose:
        'Each device has a group of its own: the NIC is group 3 and the NVMe drive group 4, both behind dmar0. The integrated capture engine is group 1, behind dmar1.',
      action: 0,
    },
    {
      title: 'Open a container',
      prose: 'One container for all three groups.',
      action: 1,
    },
    {
      title: "Set the NIC's group",
      prose: 'Group 3 joins the container.',
      action: 2,
    },
    {
      title: 'Choose type1 v2: the first domain',
      prose:
        "Domains are created when a group is attached, so the kernel can look at the group's devices; before this RFC the domain came first. The NIC gets domain 1 on dmar0.",
      action: 3,
    },
    {
      title: 'The container enforces coherency',
      prose:
        'VFIO_CHECK_EXTENSION(VFIO_DMA_CC_IOMMU) answers 1: every domain of the container enforces cache coherency (on VT-d, the snoop bit in every mapping).',
      action: 4,
    },
    {
      title: 'Map 1 GiB',
      prose:
        "Guest RAM, first gigabyte. Its pages are pinned and billed to the process's locked memory.",
      action: 5,
      view: { start: 0x0n, last: 0xffffffffn },
    },
    {
      title: 'Map the next 1 GiB',
      prose:
        'A second, adjacent mapping. Type1 keeps it as a separate entry. The RFC removed the code that merged neighbouring mappings, because every domain must be able to honour the size of each original map.',
      action: 6,
      view: { start: 0x0n, last: 0xffffffffn },
    },
    {
      title: 'Map above 39 bits',
      prose:
        'A 2 MiB mapping at 0x8000000000 (512 GiB). It is valid now, because the only domain covers 48 bits. The process is now at its RLIMIT_MEMLOCK of 2 GiB + 2 MiB.',
      action: 7,
      view: { start: 0x0n, last: 0xffffffffffffn },
    },
    {
      title: 'The capture engine cannot join yet',
      prose:
        'Attaching group 1 means a domain on dmar1, whose aperture ends at 2^39 − 1. Type1 never drops mappings to make room: an existing mapping outside the new aperture makes the attach fail with EINVAL (vfio_iommu_aper_conflict).',
      action: 8,
      view: { start: 0x7000000000n, last: 0x80001fffffn },
    },
    {
      title: 'Unmap the high mapping',
      prose: 'The unmap covers the whole mapping and reports the bytes removed.',
      action: 9,
    },
    {
      title: 'Now it joins, in a second domain',
      prose:
        'dmar1 lacks Snoop Control, so the new domain cannot enforce coherency. Type1 reuses an existing domain only when its ops and its coherency setting match, so group 1 keeps a domain of its own. The two existing mappings are replayed into it. Their pages are already pinned, so nothing is billed again.',
      action: 10,
    },
    {
      title: 'Coherency is no longer guaranteed',
      prose:
        'VFIO_DMA_CC_IOMMU drops to 0 while a domain without enforced coherency is in the container.',
      action: 11,
      tryThis: [
        'In the Topology tab, compare the two VT-d units: dmar1 says "no snoop control". That one difference is why its group needed a domain of its own and why the container can no longer promise coherent DMA.',
      ],
    },
    {
      title: 'The NVMe drive reuses domain 1',
      prose:
        'Group 4 is behind dmar0, and its new domain would match domain 1 (same driver, coherency enforced), so the group joins domain 1 and no third domain is made.',
      action: 12,
    },
    {
      title: 'The valid IOVA list is the intersection',
      prose:
        "GET_INFO: the valid ranges end at 0x7fffffffff now, because the list is the intersection of every group's aperture, minus the MSI window. The page sizes are what all domains support, and two of the 65535 DMA entries are in use.",
      action: 13,
      view: { start: 0x0n, last: 0x7fffffffffn },
    },
    {
      title: 'Pinning is billed once per container',
      prose:
        'Two domains hold the 2 GiB of mappings, but the process has been billed 2 GiB, not 4. There is still room for one 2 MiB mapping under the limit, and it is mapped into both domains.',
      action: 14,
      view: { start: 0x80000000n, last: 0x801fffffn },
    },
    {
      title: '…and the limit is reached',
      prose:
        'One more page would go past RLIMIT_MEMLOCK, and the map fails with ENOMEM (vfio_lock_acct). Had each domain been billed separately, the previous map would already have failed.',
      action: 15,
    },
    {
      title: 'Unmaps cover whole mappings',
      prose:
        'An unmap that starts in the middle of the first mapping would split it; type1 v2 refuses with EINVAL and removes nothing.',
      quote: {
        text: "We've never guaranteed that a user is able to unmap at a finer granularity than the original mapping, but we must honor the granularity of the original mapping.",
        author: 'Alex Williamson',
        date: '2014-01-17',
      },
      action: 16,
      view: { start: 0x0n, last: 0x801fffffn },
    },
    {
      title: 'A range covering whole mappings',
      prose:
        'An unmap whose range covers whole mappings removes all three, from every domain, and reports their total size.',
      action: 17,
      tryThis: ['Unmap 0x0..0x3fffffff alone: exactly the first mapping goes.'],
    },
  ],
};
