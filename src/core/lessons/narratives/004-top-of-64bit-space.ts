import type { LessonSpec } from '../types.ts';

/** Seed 004: the 2^64 space is not a (base, size) pair; overflow and the last page. */
export const lesson004: LessonSpec = {
  id: 'top-of-64bit-space',
  seed: {
    file: '004_445483b4d9f0dadf.txt',
    subject: '[Qemu-devel] [PATCH RFC 0/3] vfio: allow to notify unmap for very big region',
    date: '2017-01-19',
    participants: [
      "Peter Xu (Red Hat, QEMU's emulated VT-d; posted the series)",
      'Alex Williamson (VFIO maintainer at Red Hat)',
    ],
  },
  steps: [
    {
      title: 'An off-by-one in the uAPI',
      prose:
        "By the end of this lesson you will know why no pair of a start address and a size can name the whole 64-bit address space a device may use, what the kernel does at the very last page of that space, and how the two Linux interfaces that give devices to programs each ask to \"unmap everything\". First the words. DMA is a device reading or writing memory by itself, without the CPU. An IOMMU sits between devices and memory. It translates each address a device uses into a real memory address, and blocks the addresses nobody allowed. Those device addresses are called IOVAs (I/O virtual addresses). A mapping tells the IOMMU that a range of IOVAs leads to a range of memory; unmapping takes it away again. VFIO is the Linux interface that hands a device to a program such as QEMU, which runs a virtual machine (the guest). Now the story. In January 2017 Peter Xu of Red Hat was making QEMU's emulated VT-d, the virtual Intel IOMMU that QEMU shows a guest, work with devices handed over by VFIO. On 19 January he posted a series that let the emulated IOMMU ask VFIO to unmap a very large range, such as the whole address space. To keep clear of trouble he used start 0 and size 2^63 − 1. Alex Williamson, the VFIO maintainer at Red Hat, explained the trouble. VFIO's map and unmap calls (ioctls, requests a program sends to a kernel device file) take a 64-bit iova, where the range starts, and a 64-bit size. These calls are part of the uAPI, the kernel's interface to programs, which must not change once released. The largest size that fits in 64 bits is 2^64 − 1, one byte short of the whole space. So no (start, size) pair covers all of it. Peter also worried that the kernel code that looks mappings up adds iova and size, and that the sum could overflow: pass 2^64 − 1 and wrap around to a small number. Alex answered that existing mappings were checked when they were made, but that an unmap's own iova + size did not seem to be checked, and that the kernel should perhaps test it. This lesson runs both interfaces on an AMD host whose IOMMU, unlike VT-d, translates the full 64-bit space.",
      quote: {
        text: 'Note when designing an API, use start/end rather than base/size to avoid this.',
        author: 'Alex Williamson',
        date: '2017-01-19',
      },
      view: { start: 0xffffffffffff0000n, last: 0xffffffffffffffffn },
    },
    {
      title: 'The groups',
      prose:
        "The kernel first sorts devices into IOMMU groups. A group is the smallest set of devices the kernel can keep apart from each other, and VFIO hands a program only whole groups. Here each device is alone in its group. The GPU is group 2; it will go into a VFIO container. The NIC (a network card) is group 3; it will go through iommufd, the newer Linux interface for the same job. Groups 0 and 1 are the two PCIe root ports, the points where the devices' links leave the processor.",
      action: 0,
      hint: 'Open the Topology tab: count the devices, and see which ones share a group chip.',
    },
    {
      title: 'Open a container',
      prose:
        "Type1 first, VFIO's original interface. QEMU opens /dev/vfio/vfio and gets a container: VFIO's object that holds groups and the mappings their devices share.",
      action: 1,
    },
    {
      title: "Set the GPU's group",
      prose: "Group 2, the GPU's, joins the container.",
      action: 2,
      hint: 'In the Topology tab, look at the driver the GPU is bound to, and whether any other device shares its group.',
    },
    {
      title: 'Choose type1 v2',
      prose:
        "Type1 v2 is VFIO's IOMMU driver for containers. It gives the group a domain, one set of the page tables the IOMMU looks addresses up in, on the AMD IOMMU ivhd0. A domain's aperture is the range of IOVAs it can translate at all. Here it is the full 64-bit space.",
      action: 3,
    },
    {
      title: 'Ranges up to the very last byte',
      prose:
        "VFIO_IOMMU_GET_INFO lists the valid IOVA ranges: where mappings may go. The last one runs up to 0xffffffffffffffff. The kernel gives each range's inclusive end, its last byte, so this range is easy to state. Its length (2^64 − 0x10000000000) fits in 64 bits, but the length of 0..0xffffffffffffffff, 2^64, would not. The holes are reserved regions: IOVAs no mapping may use. One is the MSI window 0xfee00000..0xfeefffff, where devices write to raise interrupts (MSI, message-signalled interrupts). The other is AMD's HyperTransport window 0xfd00000000..0xffffffffff, just below 1 TiB, which AMD processors keep for their own use.",
      action: 4,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
      hint: 'Start from the aperture of ivhd0 (its width in the Topology tab) and take out the reserved regions drawn on the map.',
    },
    {
      title: 'Map the top page',
      prose:
        'The IOMMU maps memory in pages; the smallest page size here is 4 KiB (0x1000 bytes). A 4 KiB mapping at 0xfffffffffffff000 ends exactly at the last byte of the space. iova + size would wrap around to 0. But the kernel checks iova + size − 1, the last byte, which does not overflow, so the map is accepted.',
      action: 5,
      view: { start: 0xffffffffffffe000n, last: 0xffffffffffffffffn },
      hint: 'Work out the last byte, iova + size − 1, and compare it with the end of the last valid range in the previous step.',
    },
    {
      title: 'One page more overflows',
      prose:
        'Two pages from the same start would end past 2^64 − 1, so the map fails with EOVERFLOW, the error number the kernel returns when a value does not fit. Kernels before the overflow fixes of late 2025 answered EINVAL here, the error number for an invalid request.',
      action: 6,
      view: { start: 0xffffffffffffe000n, last: 0xffffffffffffffffn },
      tryThis: [
        'In the Topology tab, choose kernel 6.17 under Platform: the steps are replayed, and this one answers EINVAL, as kernels before the fix did.',
      ],
      hint: 'Add 0x2000 − 1 to 0xfffffffffffff000 by hand: does the last byte still fit in 64 bits?',
    },
    {
      title: 'Something ordinary to unmap',
      prose:
        'A 1 GiB mapping at 4 GiB (0x100000000), so that the next unmaps have two mappings to work on.',
      action: 7,
      view: { start: 0x100000000n, last: 0x13fffffffn },
      hint: 'Look at 0x100000000..0x13fffffff on the map: does it lie inside a valid range, clear of the reserved regions?',
    },
    {
      title: '"Everything" as a size is refused',
      prose:
        'Unmap from 0 with size 0xffffffffffffffff, the biggest size there is. Type1 wants sizes in whole pages, and this one is not a multiple of 4 KiB, so it answers EINVAL. It could not have meant the whole space anyway: it stops one byte short.',
      action: 8,
      hint: 'Is 0xffffffffffffffff a whole number of 4 KiB pages? Look at its last three hex digits.',
    },
    {
      title: 'An unmap that wraps',
      prose:
        "Peter's worry was the lookup code adding iova and size. Current kernels check that sum first: an unmap whose end would pass 2^64 − 1 fails with EOVERFLOW.",
      action: 9,
      hint: 'This unmap has the same iova and size as the map in "One page more overflows". Compare with the answer there, in the Log.',
    },
    {
      title: 'The largest aligned unmap',
      prose:
        'Size 0xfffffffffffff000 is the largest size made of whole pages. From 0 it covers every byte except the top page. So it removes the 1 GiB mapping but not the mapping of the top page: that page is exactly the part no page-aligned (0, size) request can reach. The reply reports the bytes removed.',
      action: 10,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
      hint: 'Work out the last byte this unmap covers, 0xfffffffffffff000 − 1, and compare it with the two mappings on the map.',
    },
    {
      title: 'The encoding type1 chose: a flag',
      prose:
        "VFIO later added a flag, VFIO_DMA_UNMAP_FLAG_ALL. With iova 0 and size 0 it means 'everything', and it takes the top page too. (In 2017 Alex had suggested keeping a high-water mark per container, the highest IOVA ever mapped, and cutting unmaps off there. Peter settled for the emulated VT-d's own address width, 39 or 48 bits, since real VT-d hardware cannot translate beyond it, and Alex agreed that was fine.)",
      action: 11,
      hint: 'What is still mapped after the previous step? Look at the top of the map.',
    },
    {
      title: 'Now iommufd',
      prose:
        'The same questions through iommufd, the newer interface (/dev/iommu) that replaces the container. First an IOAS (I/O address space): the iommufd object that holds mappings, as a container does…',
      action: 12,
    },
    {
      title: 'Bind the NIC',
      prose: '…then the NIC is bound to iommufd…',
      action: 13,
      hint: 'In the Topology tab, look at the driver the NIC is bound to on the host.',
    },
    {
      title: 'Attach',
      prose:
        '…and attached to the IOAS. iommufd makes a domain for it automatically, on the same 64-bit IOMMU.',
      action: 14,
    },
    {
      title: 'The same ranges, inclusive ends',
      prose:
        'IOMMU_IOAS_IOVA_RANGES reports the same three ranges. iommufd was designed after this thread, and each of its ranges has a start and a last (the inclusive end), which is what Alex recommended.',
      action: 15,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
      hint: 'The NIC sits behind the same IOMMU as the GPU, with the same reserved regions on the map. Compare with the ranges the container reported.',
    },
    {
      title: 'The top page again',
      prose:
        'A mapping of the last page, at a fixed IOVA: with the FIXED_IOVA flag the program picks the IOVA, not the kernel.',
      action: 16,
      view: { start: 0xffffffffffffe000n, last: 0xffffffffffffffffn },
      hint: 'Same range as in "Map the top page": work out its last byte again, and check that the top of the map is empty in this IOAS.',
    },
    {
      title: 'Overflow is EOVERFLOW here too',
      prose:
        'Two pages from 0xfffffffffffff000 overflow: EOVERFLOW (the rule iopt_check_iova in the Log).',
      action: 17,
      hint: 'Same iova and length as the type1 map in "One page more overflows". Compare with the answer there, in the Log.',
    },
    {
      title: 'A length of 2^64 − 1 is refused outright',
      prose:
        'IOMMU_IOAS_MAP refuses any iova or length equal to ULONG_MAX (0xffffffffffffffff, the largest 64-bit number) with EOVERFLOW, before it looks at anything else.',
      action: 18,
      hint: 'Look at the length this map asks for: how does it compare with the largest number 64 bits can hold?',
    },
    {
      title: 'Unmap overflow',
      prose: 'An unmap whose end passes 2^64 − 1: EOVERFLOW.',
      action: 19,
      hint: 'Same range as the map two steps back: work out its last byte.',
    },
    {
      title: 'U64_MAX only means "all" from 0',
      prose:
        'U64_MAX is the same largest 64-bit number, 0xffffffffffffffff. As an unmap length it is special only from IOVA 0. From any other IOVA it is EOVERFLOW, not "to the end".',
      action: 20,
      hint: 'iommufd gives this length a special meaning with one iova only. Compare the iova of this unmap with it.',
    },
    {
      title: 'Zero length',
      prose:
        'An empty unmap, iova 0 and length 0, is EINVAL. (Type1 used exactly this pair, with its ALL flag, to mean "everything".)',
      action: 21,
      hint: 'How many bytes does this unmap cover? iommufd has no flag like the one of "The encoding type1 chose: a flag".',
    },
    {
      title: 'The encoding iommufd chose',
      prose:
        "IOMMU_IOAS_UNMAP with iova 0 and length U64_MAX is the special case that means 'unmap everything'. It removes the top page and reports 0x1000 bytes.",
      action: 22,
      hint: 'What is mapped in the IOAS now? Look at the top of the map.',
    },
    {
      title: '"All" succeeds even when empty',
      prose: 'Repeating it succeeds with length 0: nothing was left.',
      action: 23,
      hint: 'Look at the map: is anything still mapped in the IOAS?',
    },
    {
      title: 'But an ordinary unmap of nothing fails',
      prose:
        'An ordinary unmap of the top page, which is no longer mapped, is ENOENT in iommufd, the error number for "no such entry": there is nothing to remove. Type1 would answer success with size 0.',
      action: 24,
      tryThis: [
        'In the Actions form, choose iommufd.ioas_map with length 0x1000 and leave FIXED_IOVA unticked: the dry run says where the kernel would put it, and the automatic allocator never picks IOVA 0 or the top page.',
      ],
      hint: 'Is anything mapped at 0xfffffffffffff000 now? Then think about whether an ordinary unmap treats "nothing there" the way the "all" request did.',
    },
  ],
};
