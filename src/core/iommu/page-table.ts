import type { IommuUnit } from '../platform/types.ts';
import { formatSize, highestBitIndex, type PgsizeBitmap, type Range } from '../u64.ts';
import { smallestPage, splitIntoPages } from './pgsize.ts';

/**
 * The page-table walk of an IOMMU paging domain, for the inspector: how many levels a domain's
 * tables have for its kind and width, which IOVA bits index each level, and how many entries a
 * mapping occupies at each (kernel-semantics.md §7). Levels are numbered from the leaf: level 1
 * holds the smallest pages (a VT-d PTE, an SMMUv3 level-3 descriptor). Arithmetic on the formats
 * the drivers use, no kernel rule:
 * - VT-d second stage: 4 KiB granule, 9 bits a level; 39-bit = 3 levels, 48 = 4, 57 = 5 (agaw).
 *   A 6.13+ first-stage domain walks the CPU's tables: its window is one bit narrower than the
 *   tables it walks (`__DOMAIN_MAX_ADDR(gaw - 1)`).
 * - AMD-Vi v1: 4 KiB granule, 9 bits a level; 4, 5 or 6 levels for 48, 57 or 64 bits
 *   (`PM_LEVEL_SIZE`). Other power-of-two page sizes are replicated entries of the level below.
 * - Arm SMMUv3 (LPAE): the granule is the smallest page (4, 16 or 64 KiB) and a level resolves
 *   granule bits − 3 (9, 11 or 13); the input size sets the level count, the top level resolving
 *   what is left.
 * The selftest's mock domain has no page table to show.
 */
export interface PageTableFormat {
  readonly unit: string;
  /** "VT-d second stage", "AMD-Vi v1", "SMMUv3 4 KiB granule", ... */
  readonly name: string;
  /** log2 of the granule, the smallest page. */
  readonly granuleShift: number;
  readonly bitsPerLevel: number;
  /** Input address bits the tables resolve. */
  readonly width: number;
  readonly levels: number;
}

export function pageTableFormat(
  unit: IommuUnit,
  aperture: Range,
  pgsizeBitmap: PgsizeBitmap,
): PageTableFormat | undefined {
  const apertureBits = highestBitIndex(aperture.last) + 1;
  const format = (name: string, granuleShift: number, bitsPerLevel: number, width: number) => ({
    unit: unit.id,
    name,
    granuleShift,
    bitsPerLevel,
    width,
    levels: Math.max(1, Math.ceil((width - granuleShift) / bitsPerLevel)),
  });
  switch (unit.kind) {
    case 'vtd':
      return unit.firstStage
        ? format('VT-d first stage', 12, 9, apertureBits + 1)
        : format('VT-d second stage', 12, 9, apertureBits);
    case 'amd':
      return format('AMD-Vi v1', 12, 9, apertureBits);
    case 'smmuv3': {
      const granuleShift = highestBitIndex(smallestPage(pgsizeBitmap));
      return format(
        `SMMUv3 ${formatSize(1n << BigInt(granuleShift))} granule`,
        granuleShift,
        granuleShift - 3,
        apertureBits,
      );
    }
    case 'mock':
      return undefined;
  }
}

/** One level of the walk as a mapping uses it. */
export interface LevelUse {
  /** 1 = the leaf level of the smallest pages. */
  readonly level: number;
  /** The IOVA bits that index this level's tables: [lowBit, highBit]. */
  readonly lowBit: number;
  readonly highBit: number;
  /** Bytes one entry of this level maps when it is a leaf. */
  readonly entryBytes: bigint;
  /** The index of the mapping's first and last IOVA in their tables at this level. */
  readonly firstIndex: bigint;
  readonly lastIndex: bigint;
  /** The first and last IOVA fall in different tables of this level (their indexes then read 0x1–0x0). */
  readonly spansTables: boolean;
  /** Entries that are pages (leaves) at this level. */
  readonly leafEntries: bigint;
  /** Entries that point at a table of the level below. */
  readonly tableEntries: bigint;
}

/**
 * What mapping `r` occupies at each level, root first, when it is mapped with the largest pages
 * its alignment allows (`splitIntoPages`, the best case the inspector states): a page whose size
 * is not a level's entry size (AMD-Vi's 8 KiB, say) takes that many entries of the level below.
 */
export function pageTableUse(
  format: PageTableFormat,
  r: Range,
  pgsizeBitmap: PgsizeBitmap,
): LevelUse[] {
  const { granuleShift, bitsPerLevel, width, levels } = format;
  const lowBit = (level: number) => granuleShift + (level - 1) * bitsPerLevel;
  const leaves = new Array<bigint>(levels + 1).fill(0n);
  const tables = new Array<bigint>(levels + 1).fill(0n);
  /** The last table-entry index counted at each level, so runs that share one count it once. */
  const lastCounted = new Array<bigint>(levels + 1).fill(-1n);
  for (const run of splitIntoPages(r, pgsizeBitmap).runs) {
    const pageShift = highestBitIndex(run.size);
    const leafLevel = Math.min(levels, Math.floor((pageShift - granuleShift) / bitsPerLevel) + 1);
    leaves[leafLevel] =
      (leaves[leafLevel] as bigint) + run.count * (run.size >> BigInt(lowBit(leafLevel)));
    const last = run.start + run.size * run.count - 1n;
    for (let level = leafLevel + 1; level <= levels; level++) {
      const shift = BigInt(lowBit(level));
      const lo = run.start >> shift;
      const hi = last >> shift;
      const from = lo > (lastCounted[level] as bigint) ? lo : (lastCounted[level] as bigint) + 1n;
      if (hi >= from) tables[level] = (tables[level] as bigint) + (hi - from + 1n);
      if (hi > (lastCounted[level] as bigint)) lastCounted[level] = hi;
    }
  }
  const out: LevelUse[] = [];
  for (let level = levels; level >= 1; level--) {
    const low = lowBit(level);
    const high = Math.min(low + bitsPerLevel, width) - 1;
    const mask = (1n << BigInt(high - low + 1)) - 1n;
    out.push({
      level,
      lowBit: low,
      highBit: high,
      entryBytes: 1n << BigInt(low),
      firstIndex: (r.start >> BigInt(low)) & mask,
      lastIndex: (r.last >> BigInt(low)) & mask,
      spansTables: r.start >> BigInt(high + 1) !== r.last >> BigInt(high + 1),
      leafEntries: leaves[level] as bigint,
      tableEntries: tables[level] as bigint,
    });
  }
  return out;
}
