import type { LessonSpec } from '../types.ts';

/** Seed 004: the 2^64 space is not a (base, size) pair; overflow and the last page. */
export const lesson004: LessonSpec = {
  id: 'top-of-64bit-space',
  seed: {
    file: '004_445483b4d9f0dadf.txt',
    subject: '[Qemu-devel] [PATCH RFC 0/3] vfio: allow to notify unmap for very big region',
    date: '2017-01-19',
    participants: ['Peter Xu', 'Alex Williamson'],
  },
  steps: [
    {
      title: 'An off-by-one in the uAPI',
      prose:
        "In January 2017 Peter Xu wanted QEMU's emulated VT-d to tell VFIO 'unmap everything', and used base 0 with size 2^63 − 1 to keep clear of trouble. Alex Williamson explained the trouble. VFIO's map and unmap ioctls take a 64-bit iova and a 64-bit size. The largest size is 2^64 − 1, one byte short of the whole space, so no (base, size) pair covers all of it. And iova + size can overflow. This lesson runs both APIs on an AMD host whose IOMMU, unlike VT-d, translates the full 64-bit space.",
      quote: {
        text: 'Note when designing an API, use start/end rather than base/size to avoid this.',
        author: 'Alex Williamson',
        date: '2017-01-19',
      },
      view: { start: 0xffffffffffff0000n, last: 0xffffffffffffffffn },
    },
    {
      title: 'The groups',
      prose: 'The GPU is group 2 (for a type1 container); the NIC is group 3 (for iommufd).',
      action: 0,
    },
    {
      title: 'Open a container',
      prose: 'Type1 first.',
      action: 1,
    },
    {
      title: "Set the GPU's group",
      prose: 'Group 2 joins the container.',
      action: 2,
    },
    {
      title: 'Choose type1 v2',
      prose: 'The group gets a domain on the AMD IOMMU, here with its full 64-bit aperture.',
      action: 3,
    },
    {
      title: 'Ranges up to the very last byte',
      prose:
        "GET_INFO's IOVA ranges run up to 0xffffffffffffffff. The kernel reports inclusive ends, so the last range is easy to state. Its length (2^64 − 0x10000000000) fits in 64 bits, but the length of 0..0xffffffffffffffff would not. The holes are the MSI window and AMD's HyperTransport window below 1 TiB.",
      action: 4,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
    },
    {
      title: 'Map the top page',
      prose:
        'A 4 KiB mapping at 0xfffffffffffff000 ends exactly at the last byte. The kernel checks iova + size − 1, which does not overflow, so it is accepted even though iova + size wraps to 0.',
      action: 5,
      view: { start: 0xffffffffffffe000n, last: 0xffffffffffffffffn },
    },
    {
      title: 'One page more overflows',
      prose:
        'Two pages from the same start would end past 2^64 − 1, so the map fails with EOVERFLOW. Kernels before the late-2025 overflow fixes answered EINVAL here.',
      action: 6,
      view: { start: 0xffffffffffffe000n, last: 0xffffffffffffffffn },
      tryThis: [
        'In the Topology tab, choose kernel 6.17 under Platform: the steps are replayed and this one answers EINVAL, as kernels before the fix did.',
      ],
    },
    {
      title: 'Something ordinary to unmap',
      prose: 'A 1 GiB mapping at 4 GiB, so the next unmaps have two mappings to work on.',
      action: 7,
      view: { start: 0x100000000n, last: 0x13fffffffn },
    },
    {
      title: '"Everything" as a size is refused',
      prose:
        'Unmap from 0 with size 0xffffffffffffffff, the biggest size there is. It is not a multiple of the page size, so type1 answers EINVAL. It could not have meant the whole space anyway: it stops one byte short.',
      action: 8,
    },
    {
      title: 'An unmap that wraps',
      prose:
        "Peter's worry was the lookup code adding iova and size. Current kernels check the sum: an unmap whose end would pass 2^64 − 1 fails with EOVERFLOW.",
      action: 9,
    },
    {
      title: 'The largest aligned unmap',
      prose:
        'Size 0xfffffffffffff000, the largest page-aligned size, from 0 removes everything except a mapping of the top page: that page is exactly the part no page-aligned (0, size) request can reach. The reply reports the bytes removed.',
      action: 10,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
    },
    {
      title: 'The encoding type1 chose: a flag',
      prose:
        "VFIO later added VFIO_DMA_UNMAP_FLAG_ALL, with iova 0 and size 0, to mean 'everything'. It takes the top page too. (In 2017 Alex suggested tracking a high-water mark of mapped IOVAs per container instead; Peter settled for the emulated VT-d's address width, 39 or 48 bits, since VT-d cannot translate beyond it.)",
      action: 11,
    },
    {
      title: 'Now iommufd',
      prose: 'The same questions through iommufd: an IOAS…',
      action: 12,
    },
    {
      title: 'Bind the NIC',
      prose: '…the NIC bound to it…',
      action: 13,
    },
    {
      title: 'Attach',
      prose: '…and attached, through an automatic domain on the same 64-bit IOMMU.',
      action: 14,
    },
    {
      title: 'The same ranges, inclusive ends',
      prose:
        'IOMMU_IOAS_IOVA_RANGES reports the same three ranges. iommufd was designed after this thread, and its range structure has a start and a last, which is what Alex recommended.',
      action: 15,
      view: { start: 0x0n, last: 0xffffffffffffffffn },
    },
    {
      title: 'The top page again',
      prose: 'A fixed mapping of the last page is accepted.',
      action: 16,
      view: { start: 0xffffffffffffe000n, last: 0xffffffffffffffffn },
    },
    {
      title: 'Overflow is EOVERFLOW here too',
      prose: 'Two pages from 0xfffffffffffff000 overflow: EOVERFLOW (iopt_check_iova).',
      action: 17,
    },
    {
      title: 'A length of 2^64 − 1 is refused outright',
      prose:
        'IOMMU_IOAS_MAP rejects any iova or length equal to ULONG_MAX (0xffffffffffffffff) with EOVERFLOW before looking at anything else.',
      action: 18,
    },
    {
      title: 'Unmap overflow',
      prose: 'An unmap whose end passes 2^64 − 1: EOVERFLOW.',
      action: 19,
    },
    {
      title: 'U64_MAX only means "all" from 0',
      prose: 'Length 0xffffffffffffffff from any IOVA other than 0 is EOVERFLOW, not "to the end".',
      action: 20,
    },
    {
      title: 'Zero length',
      prose: 'An empty unmap is EINVAL.',
      action: 21,
    },
    {
      title: 'The encoding iommufd chose',
      prose:
        "IOMMU_IOAS_UNMAP with iova 0 and length U64_MAX is the special case that means 'unmap everything'. It removes the top page and reports 0x1000 bytes.",
      action: 22,
    },
    {
      title: '"All" succeeds even when empty',
      prose: 'Repeating it succeeds with length 0.',
      action: 23,
    },
    {
      title: 'But an ordinary unmap of nothing fails',
      prose:
        'A normal unmap that finds no mapping is ENOENT in native iommufd. Type1 would answer success with size 0.',
      action: 24,
      tryThis: [
        'Map 4 KiB without FIXED_IOVA: the automatic allocator never picks IOVA 0 or the top page.',
      ],
    },
  ],
};
