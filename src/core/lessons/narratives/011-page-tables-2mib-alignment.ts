import type { LessonSpec } from '../types.ts';

/** Concept: the IOMMU's page tables, and why a 2 MiB-aligned mapping takes one leaf, not 512. */
export const lesson011: LessonSpec = {
  id: 'page-tables-2mib-alignment',
  seed: {
    story: 'change',
    subject: 'iommu: Allow 2MiB page mappings',
    date: '2019-10-17',
    participants: [
      'Sebastien Boeuf (cloud-hypervisor developer), who wrote the change',
      'Samuel Ortiz (cloud-hypervisor developer), who reviewed it',
    ],
    reference:
      'cloud-hypervisor/cloud-hypervisor#360, October 2019 ("In order to speed up boot time, the virtual IOMMU must support 2MiB page size along with 4KiB ones"), and the docs/iommu.md it extended on backing guest RAM with /dev/hugepages',
  },
  steps: [
    {
      title: 'Two ways to map the same 2 MiB',
      prose:
        'By the end of this lesson you will know what an IOMMU page table is, how to read its levels in the inspector, and why 2 MiB of memory costs the IOMMU one entry at one address and 512 entries 4 KiB further on. In October 2019 the cloud-hypervisor developers made their virtual IOMMU offer 2 MiB pages besides 4 KiB ones, "to speed up boot time", and documented backing the guest\'s RAM with huge pages (/dev/hugepages): memory handed out in 2 MiB blocks. Huge pages only pay off in the IOMMU when the addresses line up, and this lesson shows why. The host is an Intel machine with one VT-d IOMMU that translates 48-bit IOVAs (the addresses a device uses) and a network card in an IOMMU group of its own.',
    },
    {
      title: 'Open a container',
      prose:
        "A VMM (the program that runs the virtual machine, QEMU or cloud-hypervisor) opens /dev/vfio/vfio: a VFIO container, which will hold the device's address space.",
      action: 0,
    },
    {
      title: "Set the card's group",
      prose: 'Group 1, the network card alone, joins the container.',
      action: 1,
    },
    {
      title: 'Choose type1 v2',
      prose:
        'VFIO_SET_IOMMU gives the container an IOMMU domain on dmar0: one set of page tables the IOMMU walks for every DMA the card makes. A page table is a tree. The IOVA is cut into pieces; the top piece picks an entry in the root table, which points at a table of the next level, and so on down to a leaf entry that holds the memory address. With 48-bit IOVAs and 4 KiB tables of 512 entries, VT-d needs 4 levels, 9 address bits each, above the 12 bits of the offset in a 4 KiB page.',
      action: 2,
    },
    {
      title: 'Which page sizes the IOMMU can use',
      prose:
        'VFIO_IOMMU_GET_INFO reports iova_pgsizes 0x40201000: the bits 12, 21 and 30 are set, so this IOMMU can map 4 KiB, 2 MiB and 1 GiB pages. A 2 MiB page is a leaf one level up (an entry of level 2 that maps 2 MiB at once instead of pointing at a table of 512 small pages); a 1 GiB page is a leaf at level 3. The catch: a large page can only map an IOVA range that starts on a multiple of its size, and the memory behind it must be aligned the same way.',
      action: 3,
      hint: 'Read iova_pgsizes in the answer as bits: each set bit n is a page size of 2^n bytes.',
    },
    {
      title: 'Map a hugepage at a 2 MiB-aligned IOVA',
      prose:
        'The VMM maps one 2 MiB hugepage at IOVA 0x40000000, a multiple of 2 MiB. When it is done, click the range 0x40000000..0x401fffff in the answer: the Inspector shows the mapping, the pages it is split into and its page-table walk. Level 2 holds it in 1 leaf entry of 2 MiB; levels 4 and 3 each spend one entry pointing the way down; level 1 is not used at all.',
      action: 4,
      view: { start: 0x40000000n, last: 0x406fffffn },
      hint: 'Is 0x40000000 a multiple of 0x200000 (2 MiB)? The page sizes of step 5 say what the IOMMU could use.',
    },
    {
      title: 'The same 2 MiB, 4 KiB off',
      prose:
        "Now the next hugepage, but at IOVA 0x40401000: 4 KiB past a 2 MiB boundary, with its buffer offset the same way. The kernel accepts it, because nothing says a mapping must be aligned beyond 4 KiB. But no 2 MiB page fits inside 0x40401000..0x40600fff: every 2 MiB-aligned block of IOVAs it touches is only partly covered. So the IOMMU driver (in iommu_map, which picks the largest page size the IOVA and the memory address allow) has to use 4 KiB pages. Click the range in the answer: level 1 now holds 512 leaf entries, in two tables, because the range crosses the 2 MiB boundary at 0x40600000. Same memory, 512 times the leaf entries, twice the tables, and 512 entries in the IOTLB (the IOMMU's cache of translations) where one would do.",
      action: 5,
      view: { start: 0x40000000n, last: 0x406fffffn },
      hint: 'Look for a whole 2 MiB-aligned block inside 0x40401000..0x40600fff. Is there one?',
      tryThis: [
        'Compare the two walks in the Inspector: click 0x40000000..0x401fffff in the previous step\'s answer (or on the map), then this one. The "used" column says how many entries each level spends.',
      ],
    },
    {
      title: 'One entry for a whole gigabyte',
      prose:
        'A 1 GiB mapping at 0x80000000, a multiple of 1 GiB, backed by a 1 GiB-aligned buffer: the largest page size fits, so level 3 holds it in a single leaf entry. Guest RAM mapped this way costs the IOMMU almost nothing; the same gigabyte at a misaligned IOVA would take 262144 leaf entries of 4 KiB.',
      action: 6,
      view: { start: 0x40000000n, last: 0xbfffffffn },
      hint: 'Which of the three page sizes divides both 0x80000000 and the size 0x40000000?',
    },
    {
      title: 'Unmap the misaligned buffer',
      prose:
        'Type1 unmaps whole mappings: this one removes the mapping of step 7 and reports its 2 MiB.',
      action: 7,
      hint: 'An unmap must cover whole mappings. Does 0x40401000 with size 0x200000 cover exactly the mapping of step 7?',
    },
    {
      title: 'Map it where it fits a 2 MiB page',
      prose:
        "Mapped again at 0x40400000 (and from a 2 MiB-aligned buffer), the hugepage is one level-2 leaf, like the first one. This is why VMMs place guest RAM at aligned addresses and back it with aligned huge pages, and why iommufd, when it picks an IOVA itself, aligns it like the user's buffer: the kernel can then use the large pages. Click the range in the answer to see the walk.",
      action: 8,
      view: { start: 0x40000000n, last: 0x406fffffn },
      hint: 'Is 0x40400000 a multiple of 2 MiB?',
    },
    {
      title: 'What to remember',
      prose:
        "The IOMMU accepts a mapping at any 4 KiB-aligned IOVA, so a misaligned one costs nothing at map time and is easy to miss. It shows up as memory for page tables, as slower maps and unmaps, and as IOTLB misses under DMA load. The inspector's page-table walk is a quick check: a hugepage-backed mapping whose walk uses level 1 is misaligned somewhere.",
      tryThis: [
        'In the Actions tab, dry-run VFIO_IOMMU_MAP_DMA of 2 MiB at 0x40601000 and at 0x40600000: both would succeed, and only the inspector shows the difference once they are mapped.',
      ],
    },
  ],
};
