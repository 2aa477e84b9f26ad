import type { RangeEntry, RangeMap } from '../../core/ranges/range-map.ts';
import { toApproxNumber, type U64 } from '../../core/u64.ts';

/**
 * A multi-resolution summary of a mapping tree for drawing (style-anchors §2, Perfetto's
 * level-of-detail buckets): a radix-4 trie over the 64-bit start address whose every node is a
 * power-of-two bucket carrying how many mappings start in it, the first start and the furthest
 * last byte (a bucket of one mapping is that mapping). A frame that shows a million mappings walks
 * only the buckets about a pixel wide, O(pixels × lanes), never the mappings themselves.
 *
 * The trie is persistent: `updated` copies only the nodes above the buckets whose mappings
 * changed and shares every other node with the summary it came from, so each version an undo
 * history keeps has its summary for the cost of its own edits.
 *
 * Buckets stop at LEAF_BITS (64 KiB): a mapping is at least a 4 KiB page, so a leaf stands for
 * at most 16 of them and is summarised from the mapping tree itself.
 */
export interface SummaryNode {
  /** Mappings starting in this bucket. */
  readonly count: number;
  /** Lowest start in the bucket. */
  readonly first: U64;
  /** Highest last byte of the mappings starting in the bucket (may lie beyond the bucket). */
  readonly reach: U64;
  /**
   * `first` and `reach` as numbers, for drawing: a frame places thousands of buckets, and every
   * bigint operation allocates. Off by at most 2^11 bytes near 2^64, a sixteenth of a pixel at
   * the zooms that read buckets (a pixel is at least 32 KiB: aggregate.ts).
   */
  readonly firstX: number;
  readonly reachX: number;
  /**
   * The widest hole between the bucket's mappings, in bytes (as a number): a bucket whose holes
   * are all narrower than a pixel covers every column from its first start to its reach, so it
   * is drawn whole however wide it is, and a frame with a million dense mappings in view reads a
   * few buckets instead of one per pixel.
   */
  readonly gapX: number;
  /** Four sub-buckets, or undefined for a leaf. */
  readonly kids: readonly (SummaryNode | undefined)[] | undefined;
}

export const LEAF_BITS = 16;
const RADIX_BITS = 2;
const RADIX = 1 << RADIX_BITS;
const ROOT_BITS = 64;

/** SIZE[bits] = 2^bits: the bytes a bucket at that level covers (root 2^64, leaf 2^LEAF_BITS). */
const SIZE: readonly bigint[] = Array.from({ length: ROOT_BITS + 1 }, (_, b) => 1n << BigInt(b));
const LEAF_SIZE = SIZE[LEAF_BITS] as bigint;
const LEAF_MASK = ~(LEAF_SIZE - 1n);

/** A leaf bucket read from the mapping tree: the entries starting in [base, base + 2^LEAF_BITS). */
function leafOf<V>(map: RangeMap<V>, base: U64): SummaryNode | undefined {
  const end = base + LEAF_SIZE - 1n;
  let count = 0;
  let first = 0n;
  let reach = 0n;
  let reachX = 0;
  let gapX = 0;
  for (const e of map.entries(base)) {
    if (e.start > end) break;
    if (count === 0) first = e.start;
    else gapX = Math.max(gapX, toApproxNumber(e.start) - reachX - 1);
    count++;
    if (e.last > reach) {
      reach = e.last;
      reachX = toApproxNumber(reach);
    }
  }
  return count > 0 ? leafNode(count, first, reach, gapX) : undefined;
}

function leafNode(count: number, first: U64, reach: U64, gapX: number): SummaryNode {
  return {
    count,
    first,
    reach,
    firstX: toApproxNumber(first),
    reachX: toApproxNumber(reach),
    gapX,
    kids: undefined,
  };
}

/** An inner bucket from its four sub-buckets (undefined when all are empty). */
function innerOf(kids: readonly (SummaryNode | undefined)[]): SummaryNode | undefined {
  let count = 0;
  let first = 0n;
  let reach = 0n;
  let firstX = 0;
  let reachX = 0;
  let gapX = 0;
  for (const k of kids) {
    if (!k) continue;
    if (count === 0) {
      first = k.first;
      firstX = k.firstX;
    } else gapX = Math.max(gapX, k.firstX - reachX - 1);
    gapX = Math.max(gapX, k.gapX);
    count += k.count;
    if (k.reach > reach) {
      reach = k.reach;
      reachX = k.reachX;
    }
  }
  return count > 0 ? { count, first, reach, firstX, reachX, gapX, kids } : undefined;
}

export class MappingSummary {
  constructor(readonly root: SummaryNode | undefined) {}

  /** Built from the whole tree at once (SummaryBuilder does the same in slices). */
  static of<V>(map: RangeMap<V>): MappingSummary {
    const builder = new SummaryBuilder(map);
    let done: MappingSummary | undefined;
    while (!(done = builder.step(() => false)));
    return done;
  }

  /**
   * The summary of `map`, given that it differs from the map this summary was made from only at
   * the `changed` starts (ascending, RangeMap.changedStarts): the leaves holding them are read
   * again from `map` and the nodes above them copied once each; every other node is shared.
   */
  updated<V>(map: RangeMap<V>, changed: readonly U64[]): MappingSummary {
    const leaves: U64[] = [];
    for (const start of changed) {
      const base = start & LEAF_MASK;
      if (leaves[leaves.length - 1] !== base) leaves.push(base);
    }
    const rebuilt = (
      node: SummaryNode | undefined,
      base: U64,
      bits: number,
      from: number,
      to: number,
    ): SummaryNode | undefined => {
      if (bits === LEAF_BITS) return leafOf(map, base);
      const kids = node?.kids ? node.kids.slice() : new Array<SummaryNode | undefined>(RADIX);
      const quarter = SIZE[bits - RADIX_BITS] as bigint;
      let kidBase = base;
      for (let k = 0; k < RADIX && from < to; k++, kidBase += quarter) {
        const kidEnd = kidBase + quarter - 1n;
        let upTo = from;
        while (upTo < to && (leaves[upTo] as U64) <= kidEnd) upTo++;
        if (upTo > from) kids[k] = rebuilt(kids[k], kidBase, bits - RADIX_BITS, from, upTo);
        from = upTo;
      }
      return innerOf(kids);
    };
    return leaves.length === 0
      ? this
      : new MappingSummary(rebuilt(this.root, 0n, ROOT_BITS, 0, leaves.length));
  }

  get count(): number {
    return this.root?.count ?? 0;
  }
}

/**
 * Builds a summary bottom-up in one ascending pass, O(n), in as many slices as the caller wants:
 * `step` works until `stop()` says so (checked every few thousand entries) and returns the summary
 * once it is complete. The tree is immutable, so its iterator stays valid between slices.
 */
export class SummaryBuilder<V> {
  private readonly entries: Iterator<RangeEntry<V>>;
  private leavesDone = false;
  /** The nodes of the level being built, each with the base address of its bucket. */
  private bases: U64[] = [];
  private nodes: SummaryNode[] = [];
  private bits = LEAF_BITS;
  // The leaf being filled.
  private end = -1n;
  private count = 0;
  private first = 0n;
  private reach = 0n;
  private reachX = 0;
  private gapX = 0;

  constructor(map: RangeMap<V>) {
    this.entries = map.entries();
  }

  step(stop: () => boolean): MappingSummary | undefined {
    if (!this.leavesDone) {
      this.leavesDone = this.readLeaves(stop);
      if (!this.leavesDone) return undefined;
    }
    while (this.bits < ROOT_BITS) {
      this.levelUp();
      if (this.bits < ROOT_BITS && stop()) return undefined;
    }
    return new MappingSummary(this.nodes[0]);
  }

  /** Leaves from the tree's entries; true once the tree is read to its end. */
  private readLeaves(stop: () => boolean): boolean {
    // Compares against the leaf's end rather than masking every start: a bigint operation that
    // makes a new bigint costs as much as the rest of the step.
    for (let n = 1; ; n++) {
      const next = this.entries.next();
      if (next.done) {
        this.flushLeaf();
        return true;
      }
      const e = next.value;
      if (e.start > this.end) {
        this.flushLeaf();
        this.end = (e.start & LEAF_MASK) + LEAF_SIZE - 1n;
        this.count = 0;
        this.first = e.start;
        this.reach = e.last;
        this.reachX = toApproxNumber(e.last);
        this.gapX = 0;
      } else {
        this.gapX = Math.max(this.gapX, toApproxNumber(e.start) - this.reachX - 1);
        if (e.last > this.reach) {
          this.reach = e.last;
          this.reachX = toApproxNumber(e.last);
        }
      }
      this.count++;
      if ((n & 4095) === 0 && stop()) return false;
    }
  }

  private flushLeaf(): void {
    if (this.count === 0) return;
    this.bases.push(this.end - LEAF_SIZE + 1n);
    this.nodes.push(leafNode(this.count, this.first, this.reach, this.gapX));
    this.count = 0;
  }

  /** Groups the current level's nodes by fours into the level above. */
  private levelUp(): void {
    const bits = this.bits + RADIX_BITS;
    const size = SIZE[bits] as bigint;
    const quarter = SIZE[bits - RADIX_BITS] as bigint;
    const { bases, nodes } = this;
    const upBases: U64[] = [];
    const upNodes: SummaryNode[] = [];
    for (let i = 0; i < nodes.length;) {
      const base = bits === ROOT_BITS ? 0n : (bases[i] as U64) & ~(size - 1n);
      const kids = new Array<SummaryNode | undefined>(RADIX);
      let kidEnd = base + quarter - 1n;
      for (let k = 0; k < RADIX; k++, kidEnd += quarter) {
        if (i < nodes.length && (bases[i] as U64) <= kidEnd) kids[k] = nodes[i++];
      }
      upBases.push(base);
      upNodes.push(innerOf(kids) as SummaryNode);
    }
    this.bases = upBases;
    this.nodes = upNodes;
    this.bits = bits;
  }
}

/** More than a number's rounding of an address (2^11 bytes at most, near 2^64). */
export const APPROX_SLACK = 2 ** 12;

/** BUCKET_UNITS[bits] = 2^(bits - LEAF_BITS): a bucket's size in leaf units (exact as numbers). */
const BUCKET_UNITS: readonly number[] = SIZE.map((_, bits) =>
  bits < LEAF_BITS ? 0 : 2 ** (bits - LEAF_BITS),
);

/**
 * Visits the buckets needed to draw starts in [start, last] at `pixel` bytes per pixel, in
 * address order: a bucket wholly inside the range is reported whole when it holds one mapping,
 * when its mappings span less than a pixel, or when no hole between them is a pixel wide (it
 * then covers every column from its first start to its reach); a leaf that is none of these is
 * reported as its range of starts, for the caller to walk in the mapping tree.
 *
 * Buckets are aligned to leaves, so the walk counts in leaf units (2^16 bytes) with plain
 * numbers, exact up to 2^48 units: profiled, three bigint operations per bucket were most of a
 * frame with a million mappings in view.
 */
export function visitSummary(
  summary: MappingSummary,
  start: U64,
  last: U64,
  pixel: U64,
  onBucket: (node: SummaryNode) => void,
  onLeafRange: (from: U64, to: U64) => void,
): void {
  // A bucket [base, end] in units: it begins at or after `start` when base > startUnit, or
  // base === startUnit and start is unit-aligned; it ends by `last` when end < lastUnit, or
  // end === lastUnit and last is a unit's last byte.
  const startUnit = toApproxNumber(start / LEAF_SIZE);
  const startAligned = start % LEAF_SIZE === 0n;
  const lastUnit = toApproxNumber(last / LEAF_SIZE);
  const lastAligned = last % LEAF_SIZE === LEAF_SIZE - 1n;
  const pixelX = toApproxNumber(pixel);
  const visit = (node: SummaryNode, base: number, bits: number): void => {
    const end = base + (BUCKET_UNITS[bits] as number) - 1;
    if (end < startUnit || base > lastUnit) return;
    const inside =
      (base > startUnit || (base === startUnit && startAligned)) &&
      (end < lastUnit || (end === lastUnit && lastAligned));
    const whole =
      node.count === 1 || node.reachX - node.firstX < pixelX || node.gapX + APPROX_SLACK < pixelX;
    if (inside && whole) {
      onBucket(node);
      return;
    }
    const kids = node.kids;
    if (!kids) {
      const from = BigInt(base) * LEAF_SIZE;
      const to = from + LEAF_SIZE - 1n;
      onLeafRange(from > start ? from : start, to < last ? to : last);
      return;
    }
    const quarter = BUCKET_UNITS[bits - RADIX_BITS] as number;
    for (let i = 0; i < RADIX; i++) {
      const kid = kids[i];
      if (kid) visit(kid, base + i * quarter, bits - RADIX_BITS);
    }
  };
  if (summary.root) visit(summary.root, 0, ROOT_BITS);
}
