import type { RangeEntry, RangeMap } from '../../core/ranges/range-map.ts';
import { columnLast, type MapSegment, segmentPx } from './segments.ts';

/**
 * Level of detail for a mapping tree (style-anchors §2b): walk only the visible range, emit one bar
 * per mapping at least a pixel wide, and fold everything smaller into per-pixel buckets that carry
 * a count. Neighbouring occupied columns merge into one bar. Work per frame is
 * O(columns × (cap + log n)) however many mappings there are: a bucket looks at no more than
 * `cap` entries, then jumps to the next column with one O(log n) tree lookup.
 */
export interface Bar<V> {
  readonly x0: number;
  readonly x1: number;
  /** Mappings the bar stands for (a lower bound when `capped`). */
  readonly count: number;
  readonly capped: boolean;
  /** The largest mapping seen in the bar: what a click selects. */
  readonly largest: RangeEntry<V>;
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * Entries looked at per pixel column before jumping on. Measured on 1M mappings across 1400 px
 * (Node 20): cap 32 → 22 ms per lane, cap 8 → 13 ms, cap 2 → 10 ms; a count above the cap is
 * shown as "8+".
 */
export const BUCKET_CAP = 8;

function lengthOf(e: { start: bigint; last: bigint }): bigint {
  return e.last - e.start;
}

export function aggregateMappings<V>(
  map: RangeMap<V>,
  seg: MapSegment,
  cap: number = BUCKET_CAP,
): Bar<V>[] {
  const bars: Bar<V>[] = [];
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
      bars.push({ x0, x1, count: 1, capped: false, largest: e, first: s, last: l });
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
    let largest = e;
    let reach = e.last;
    // `e` is the first entry in the bucket: walk on from it (no second tree search).
    for (const m of map.entries(e.start)) {
      if (m.start > bucketLast) break;
      if (count === cap) {
        capped = true;
        break;
      }
      count++;
      if (lengthOf(m) > lengthOf(largest)) largest = m;
      if (m.last > reach) reach = m.last;
    }
    const last = reach < seg.last ? reach : seg.last;
    const prev = bars[bars.length - 1];
    const colX1 = seg.x + col + 1;
    const barX1 = Math.max(colX1, segmentPx(seg, last + 1n));
    if (prev && lastAggregateCol >= col - 1 && prev.x1 >= seg.x + col - 0.001) {
      // Adjacent occupied column: extend the previous bar instead of starting a new one.
      bars[bars.length - 1] = {
        x0: prev.x0,
        x1: barX1,
        count: prev.count + count,
        capped: prev.capped || capped,
        largest: lengthOf(largest) > lengthOf(prev.largest) ? largest : prev.largest,
        first: prev.first,
        last,
      };
    } else {
      bars.push({ x0: seg.x + col, x1: barX1, count, capped, largest, first: s, last });
    }
    lastAggregateCol = Math.floor(barX1 - seg.x - 1e-9);
    const next = (reach > bucketLast ? reach : bucketLast) + 1n;
    if (next > seg.last) break;
    cursor = next;
  }
  return bars;
}
