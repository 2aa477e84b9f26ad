import { toApproxNumber, type Range } from '../../core/u64.ts';
import { visibleRange, type Viewport } from '../viewport/viewport.ts';

/**
 * A linear piece of the map: the bytes `start..last` drawn over pixels [x, x + width). The normal
 * view is one segment (the viewport); the gap-compressed view is many, with the empty stretches
 * between them folded away.
 */
export interface MapSegment extends Range {
  readonly x: number;
  /** Whole pixels, so that pixel buckets can be computed exactly in bigint. */
  readonly width: number;
}

export function viewportSegment(v: Viewport, width: number): MapSegment {
  const r = visibleRange(v);
  return { start: r.start, last: r.last, x: 0, width: Math.max(1, Math.round(width)) };
}

export function segmentLength(s: MapSegment): bigint {
  return s.last - s.start + 1n;
}

/** x of an address inside the segment; subtract in bigint, then scale in float. */
export function segmentPx(s: MapSegment, addr: bigint): number {
  return s.x + (toApproxNumber(addr - s.start) * s.width) / toApproxNumber(segmentLength(s));
}

/** The last byte drawn in pixel column `col` (0-based within the segment), exact. */
export function columnLast(s: MapSegment, col: number): bigint {
  const len = segmentLength(s);
  const end = (BigInt(col + 1) * len + BigInt(s.width) - 1n) / BigInt(s.width); // ceil
  const last = s.start + end - 1n;
  return last > s.last ? s.last : last;
}

/** The first byte drawn in pixel column `col`. */
export function columnStart(s: MapSegment, col: number): bigint {
  if (col <= 0) return s.start;
  return columnLast(s, col - 1) + 1n;
}

/** The pixel column an address falls in. */
export function columnOf(s: MapSegment, addr: bigint): number {
  const col = Math.floor(segmentPx(s, addr) - s.x);
  // Float rounding near a column edge: settle it with the exact bigint boundaries.
  let c = Math.min(Math.max(col, 0), s.width - 1);
  while (c > 0 && addr < columnStart(s, c)) c--;
  while (c < s.width - 1 && addr > columnLast(s, c)) c++;
  return c;
}

/** The segment under pixel x, if any. */
export function segmentAt(segments: readonly MapSegment[], x: number): MapSegment | undefined {
  return segments.find((s) => x >= s.x && x < s.x + s.width);
}

/** The byte under pixel x of a segment. */
export function segmentByteAt(s: MapSegment, x: number): bigint {
  const col = Math.min(Math.max(Math.floor(x - s.x), 0), s.width - 1);
  return columnStart(s, col);
}
