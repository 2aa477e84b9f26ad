import {
  asByteSize,
  asPgsizeBitmap,
  formatSize,
  lowestSetBit,
  type ByteSize,
  type PgsizeBitmap,
  type Range,
} from '../u64.ts';

/**
 * Page-size bitmaps (`pgsize_bitmap`) as the IOMMU core reads them, for both uAPIs and the views.
 */

/** All addresses rounded down to a multiple of `pageSize` (the kernel's PAGE_MASK). */
export const PAGE_MASK_OF = (pageSize: bigint): bigint => ((1n << 64n) - 1n) & ~(pageSize - 1n);

/** The smallest page a domain maps (`1 << __ffs(pgsize_bitmap)`): every IOVA and size must align to it. */
export function smallestPage(pgsizeBitmap: PgsizeBitmap): ByteSize {
  return asByteSize(lowestSetBit(pgsizeBitmap));
}

/**
 * What of a mapping `r` pages of `align` bytes cannot express: its IOVA or its length, else
 * undefined. The check `iommu_map` makes (IS_ALIGNED(iova | size, min_pagesz)) whenever a domain is
 * filled with existing mappings: type1's `vfio_iommu_replay` and iommufd's `iopt_table_add_domain`
 * (through `iopt_check_iova_alignment`) both ask it, each answering with its own errno.
 */
export function misalignment(r: Range, align: bigint): 'iova' | 'length' | undefined {
  if (align <= 1n) return undefined;
  if (r.start % align !== 0n) return 'iova';
  if ((r.last - r.start + 1n) % align !== 0n) return 'length';
  return undefined;
}

/** The page sizes every one of several domains offers (their AND); undefined for none or no common size. */
export function commonPageSizes(bitmaps: readonly PgsizeBitmap[]): PgsizeBitmap | undefined {
  if (bitmaps.length === 0) return undefined;
  const bits = bitmaps.reduce((acc, b) => acc & b, ~0n);
  return bits === 0n ? undefined : asPgsizeBitmap(bits);
}

/**
 * How an IOVA range splits into the IOMMU's page sizes when the IOMMU maps it with the largest
 * page each address's alignment allows (what `iommu_map` → `iommu_pgsize` does per chunk). This
 * is the best case: the kernel can use a large page only where the physical memory behind it is
 * contiguous and aligned too, which the map does not know. Arithmetic only, no kernel rule.
 */
export interface PageRun {
  /** Page size in bytes. */
  readonly size: bigint;
  /** First page of the run. */
  readonly start: bigint;
  readonly count: bigint;
}

export interface PageSplit {
  readonly runs: readonly PageRun[];
  /** Total pages per size, largest first. */
  readonly totals: ReadonlyArray<{
    readonly size: bigint;
    readonly count: bigint;
    readonly label: string;
  }>;
  /** Bytes at the ends smaller than the smallest page (0 for a valid mapping). */
  readonly unmappable: bigint;
}

export function pageSizesOf(bitmap: bigint): bigint[] {
  const sizes: bigint[] = [];
  for (let bit = 0n; bit < 64n; bit++) if ((bitmap >> bit) & 1n) sizes.push(1n << bit);
  return sizes;
}

/** The page-table level a leaf of this size sits at with a 4 KiB granule (1 = PTE), if standard. */
export function leafLevel(size: bigint): number | undefined {
  const levels: Record<string, number> = {
    [String(1n << 12n)]: 1,
    [String(1n << 21n)]: 2,
    [String(1n << 30n)]: 3,
    [String(1n << 39n)]: 4,
  };
  return levels[String(size)];
}

export function splitIntoPages(r: Range, pgsizeBitmap: PgsizeBitmap): PageSplit {
  const sizes = pageSizesOf(pgsizeBitmap);
  const runs: PageRun[] = [];
  const smallest = sizes[0];
  if (smallest === undefined) return { runs, totals: [], unmappable: r.last - r.start + 1n };
  let addr = r.start;
  const end = r.last + 1n; // exclusive; may be 2^64
  let unmappable = 0n;
  while (addr < end) {
    const remaining = end - addr;
    // Largest page that is aligned at addr and fits in what remains.
    let size: bigint | undefined;
    let larger: bigint | undefined;
    for (let i = sizes.length - 1; i >= 0; i--) {
      const s = sizes[i] as bigint;
      if (addr % s === 0n && s <= remaining) {
        size = s;
        larger = sizes[i + 1];
        break;
      }
    }
    if (size === undefined) {
      // Misaligned head or a tail below the smallest page: the kernel would refuse such a map.
      const skip = addr % smallest === 0n ? remaining : smallest - (addr % smallest);
      const step = skip < remaining ? skip : remaining;
      unmappable += step;
      addr += step;
      continue;
    }
    // Take pages of this size until the next larger page becomes aligned or the range ends.
    let count = remaining / size;
    if (larger !== undefined) {
      const toAligned = (larger - (addr % larger)) % larger;
      if (toAligned > 0n && toAligned / size < count) count = toAligned / size;
    }
    const prev = runs[runs.length - 1];
    if (prev && prev.size === size && prev.start + prev.size * prev.count === addr)
      runs[runs.length - 1] = { ...prev, count: prev.count + count };
    else runs.push({ size, start: addr, count });
    addr += size * count;
  }
  const bySize = new Map<bigint, bigint>();
  for (const run of runs) bySize.set(run.size, (bySize.get(run.size) ?? 0n) + run.count);
  const totals = [...bySize.entries()]
    .sort((a, b) => (a[0] > b[0] ? -1 : 1))
    .map(([size, count]) => ({ size, count, label: formatSize(size) }));
  return { runs, totals, unmappable };
}
