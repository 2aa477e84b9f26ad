import type { RangeEntry, RangeMap } from '../../core/ranges/range-map.ts';
import { toApproxNumber } from '../../core/u64.ts';
import { APPROX_SLACK, LEAF_BITS, type MappingSummary, visitSummary } from './mapping-summary.ts';
import { columnLast, type MapSegment, segmentLength, segmentPx } from './segments.ts';

/**
 * Level of detail for a mapping tree (style-anchors §2b): emit one bar per mapping at least a
 * pixel wide and fold everything smaller into per-pixel buckets that carry a count; neighbouring
 * occupied columns merge into one bar.
 *
 * Two ways to get there. A large tree is read from its drawing summary (mapping-summary.ts):
 * O(buckets a pixel wide + depth) per frame, exact counts. Otherwise, or when a pixel is narrower
 * than the summary's leaf buckets, the tree itself is walked over the visible range:
 * O(columns × (cap + log n)), a bucket looking at no more than `cap` entries before one O(log n)
 * jump to the next column.
 */
export interface Bar {
  readonly x0: number;
  readonly x1: number;
  /** Mappings the bar stands for (a lower bound when `capped`). */
  readonly count: number;
  readonly capped: boolean;
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * Entries looked at per pixel column before jumping on. Measured on 1M mappings across 1400 px
 * (Node 20): cap 32 → 22 ms per lane, cap 8 → 13 ms, cap 2 → 10 ms; a count above the cap is
 * shown as "8+".
 */
export const BUCKET_CAP = 8;

/**
 * The summary is read from 32 KiB a pixel up: its buckets are placed with numbers, off by at most
 * 2^11 bytes (a sixteenth of a pixel here), and a dense run of mappings is drawn from a few
 * buckets (SummaryNode.gapX) rather than from every mapping in view. Below it the view holds at
 * most 8 × width starts (4 KiB pages), and one pass over them draws it.
 */
const SUMMARY_MIN_PIXEL = 1n << BigInt(LEAF_BITS - 1);

/** The bars for a segment, from `summary` when there is one and a pixel is wide enough for it. */
export function aggregateMappings<V>(
  map: RangeMap<V>,
  seg: MapSegment,
  cap: number = BUCKET_CAP,
  summary?: MappingSummary,
): Bar[] {
  const pixel = segmentLength(seg) / BigInt(seg.width);
  if (!summary) return barsFromTree(map, seg, cap);
  return pixel >= SUMMARY_MIN_PIXEL
    ? barsFromSummary(map, summary, seg, pixel)
    : barsFromScan(map, seg);
}

/** `segmentPx` with the scale worked out once: a frame makes thousands of these. */
function pxOf(seg: MapSegment): (addr: bigint) => number {
  const origin = seg.start;
  const scale = seg.width / toApproxNumber(segmentLength(seg));
  return (addr) => seg.x + toApproxNumber(addr - origin) * scale;
}

/**
 * A large tree where a pixel is under 32 KiB: a column holds at most 8 starts (4 KiB pages), so
 * one pass over the starts in view, without a tree search per column, draws it with exact counts.
 * Profiled on 1M mappings in a 64 MiB window at 1400 px: 1.3 ms per frame with the capped walk.
 */
function barsFromScan<V>(map: RangeMap<V>, seg: MapSegment): Bar[] {
  const bars: Bar[] = [];
  const px = pxOf(seg);
  let lastAggregateCol = -2;
  // The column part being gathered: sub-pixel mappings starting in column `col`.
  let col = -1;
  let count = 0;
  let first = 0n;
  let reach = 0n;
  const flush = (): void => {
    if (count === 0) return;
    const last = reach < seg.last ? reach : seg.last;
    lastAggregateCol = addToColumn(bars, seg, lastAggregateCol, col, {
      count,
      capped: false,
      first,
      last,
      end: px(last + 1n),
    });
    count = 0;
  };
  const one = (e: RangeEntry<V>): void => {
    const s = e.start > seg.start ? e.start : seg.start;
    const l = e.last < seg.last ? e.last : seg.last;
    const x0 = px(s);
    const x1 = px(l + 1n);
    if (x1 - x0 >= 1) {
      flush();
      bars.push({ x0, x1, count: 1, capped: false, first: s, last: l });
      lastAggregateCol = -2;
      return;
    }
    const at = Math.min(Math.max(Math.floor(x0 - seg.x), 0), seg.width - 1);
    if (count > 0 && at !== col) flush();
    if (count === 0) {
      col = at;
      first = s;
      reach = e.last;
    }
    count++;
    if (e.last > reach) reach = e.last;
  };
  const before = map.find(seg.start);
  if (before && before.start < seg.start) one(before);
  map.forEachStartingIn(seg.start, seg.last, one);
  flush();
  return bars;
}

/** Sub-pixel mappings that start in one column: what `addToColumn` folds into a bar. */
interface ColumnPart {
  readonly count: number;
  readonly capped: boolean;
  /** First and last byte, clamped to the segment. */
  readonly first: bigint;
  readonly last: bigint;
  /** Where the last byte ends on the map (x of `last + 1`). */
  readonly end: number;
}

/** A bar while this module builds it: grown in place as neighbouring columns join it. */
type OpenBar = { -readonly [K in keyof Bar]: Bar[K] };

/**
 * Adds a column part to the bars: an occupied column next to the previous aggregated bar extends
 * it (in place: a frame merges thousands of columns) instead of starting a new one. Returns the
 * last column the bar now covers.
 */
function addToColumn(
  bars: Bar[],
  seg: MapSegment,
  lastAggregateCol: number,
  col: number,
  part: ColumnPart,
): number {
  const prev = bars[bars.length - 1] as OpenBar | undefined;
  const barX1 = Math.max(seg.x + col + 1, part.end);
  let bar: OpenBar;
  if (prev && lastAggregateCol >= col - 1 && prev.x1 >= seg.x + col - 0.001) {
    bar = prev;
    if (barX1 > bar.x1) bar.x1 = barX1;
    bar.count += part.count;
    bar.capped ||= part.capped;
    if (part.last > bar.last) bar.last = part.last;
  } else {
    const { count, capped, first, last } = part;
    bar = { x0: seg.x + col, x1: barX1, count, capped, first, last };
    bars.push(bar);
  }
  return Math.floor(bar.x1 - seg.x - 1e-9);
}

function barsFromTree<V>(map: RangeMap<V>, seg: MapSegment, cap: number): Bar[] {
  const bars: Bar[] = [];
  let cursor = seg.start;
  let lastAggregateCol = -2;
  for (;;) {
    const e = map.firstOverlapping({ start: cursor, last: seg.last });
    if (!e) break;
    const s = e.start > seg.start ? e.start : seg.start;
    const l = e.last < seg.last ? e.last : seg.last;
    const x0 = segmentPx(seg, s);
    const x1 = segmentPx(seg, l + 1n);
    if (x1 - x0 >= 1) {
      bars.push({ x0, x1, count: 1, capped: false, first: s, last: l });
      lastAggregateCol = -2;
      if (e.last >= seg.last) break;
      cursor = e.last + 1n;
      continue;
    }
    // Sub-pixel: count what falls into this pixel column, up to the cap.
    // The column from the float position, settled against the exact bigint boundary.
    let col = Math.min(Math.max(Math.floor(x0 - seg.x), 0), seg.width - 1);
    let bucketLast = columnLast(seg, col);
    while (bucketLast < s && col < seg.width - 1) bucketLast = columnLast(seg, ++col);
    let count = 0;
    let capped = false;
    let reach = e.last;
    // `e` is the first entry in the bucket: walk on from it (no second tree search).
    for (const m of map.entries(e.start)) {
      if (m.start > bucketLast) break;
      if (count === cap) {
        capped = true;
        break;
      }
      count++;
      if (m.last > reach) reach = m.last;
    }
    const last = reach < seg.last ? reach : seg.last;
    lastAggregateCol = addToColumn(bars, seg, lastAggregateCol, col, {
      count,
      capped,
      first: s,
      last,
      end: segmentPx(seg, last + 1n),
    });
    const next = (reach > bucketLast ? reach : bucketLast) + 1n;
    if (next > seg.last) break;
    cursor = next;
  }
  return bars;
}

/**
 * Bars from the summary's buckets: a bucket whose mappings span less than a pixel is one column
 * part with its exact count; a bucket of one mapping a pixel wide or more is that mapping's bar.
 */
function barsFromSummary<V>(
  map: RangeMap<V>,
  summary: MappingSummary,
  seg: MapSegment,
  pixel: bigint,
): Bar[] {
  const bars: Bar[] = [];
  let lastAggregateCol = -2;
  // One column part, refilled for each bucket (addToColumn copies what it keeps).
  const part: { -readonly [K in keyof ColumnPart]: ColumnPart[K] } = {
    count: 0,
    capped: false,
    first: 0n,
    last: 0n,
    end: 0,
  };
  // Placed with numbers (SummaryNode.firstX): at these zooms a pixel is at least 32 KiB, and
  // a number is off by at most 2^11 bytes.
  const startX = toApproxNumber(seg.start);
  const lastX = toApproxNumber(seg.last);
  const scale = seg.width / toApproxNumber(segmentLength(seg));
  // Which side of an edge an address is on, asked of the numbers first: they are off by at most
  // 2^11 bytes, so only an address that close to the edge needs the bigint comparison (profiled:
  // two bigint comparisons per bucket were most of this loop in Chromium).
  const after = (x: number, v: bigint, edgeX: number, edge: bigint): boolean =>
    x > edgeX + APPROX_SLACK ? true : x < edgeX - APPROX_SLACK ? false : v > edge;
  const add = (count: number, first: bigint, reach: bigint, firstX: number, reachX: number) => {
    const inFirst = after(firstX, first, startX, seg.start);
    const inReach = !after(reachX, reach, lastX, seg.last) && reach !== seg.last;
    const x0 = seg.x + ((inFirst ? firstX : startX) - startX) * scale;
    const x1 = seg.x + ((inReach ? reachX : lastX) + 1 - startX) * scale;
    const s = inFirst ? first : seg.start;
    const l = inReach ? reach : seg.last;
    if (count === 1 && x1 - x0 >= 1) {
      bars.push({ x0, x1, count: 1, capped: false, first: s, last: l });
      lastAggregateCol = -2;
      return;
    }
    const col = Math.min(Math.max(Math.floor(x0 - seg.x), 0), seg.width - 1);
    part.count = count;
    part.first = s;
    part.last = l;
    part.end = x1;
    lastAggregateCol = addToColumn(bars, seg, lastAggregateCol, col, part);
  };
  const one = (e: RangeEntry<V>): void =>
    add(1, e.start, e.last, toApproxNumber(e.start), toApproxNumber(e.last));
  // A mapping that starts left of the segment and reaches into it.
  const before = map.find(seg.start);
  if (before && before.start < seg.start) one(before);
  visitSummary(
    summary,
    seg.start,
    seg.last,
    pixel,
    (node) => add(node.count, node.first, node.reach, node.firstX, node.reachX),
    (from, to) => {
      for (const e of map.entries(from)) {
        if (e.start > to) break;
        one(e);
      }
    },
  );
  return bars;
}
