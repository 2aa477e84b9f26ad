import { normalize } from '../../core/ranges/range-set.ts';
import { hexGrouped, type Range } from '../../core/u64.ts';
import type { Tick } from '../viewport/ticks.ts';
import { LABEL_PAD_PX, labelWidthPx } from '../viewport/ticks.ts';
import type { Lane } from './lanes.ts';
import type { MapSegment } from './segments.ts';

/**
 * The gap-compressed view: everything that occupies the address space (mappings, reserved
 * regions, windows, guest memory) is merged into clusters; the empty stretches between clusters
 * are folded to a thin marker, so every cluster gets screen room whatever its address. Valid-IOVA
 * and aperture backgrounds do not count as occupied (they would join everything into one block).
 */

export const FOLD_PX = 14;
const MIN_CLUSTER_PX = 18;
/** Past this many mapping entries a lane is summarised by its first and last entry per walk. */
const MAX_WALK = 200_000;

export function occupiedRanges(lanes: readonly Lane[]): Range[] {
  const ranges: Range[] = [];
  for (const lane of lanes) {
    for (const s of lane.spans) ranges.push(s);
    if (lane.mappings && !lane.nested) {
      let n = 0;
      for (const e of lane.mappings.entries()) {
        if (n++ === MAX_WALK) {
          const last = lane.mappings.last();
          if (last) ranges.push({ start: e.start, last: last.last });
          break;
        }
        ranges.push(e);
      }
    }
  }
  return normalize(ranges);
}

/** Merges the clusters separated by the smallest gaps until at most `max` remain. */
function limitClusters(clusters: Range[], max: number): Range[] {
  if (clusters.length <= max) return clusters;
  const gaps = clusters
    .slice(1)
    .map((c, i) => ({ i, size: c.start - (clusters[i] as Range).last }));
  gaps.sort((a, b) => (a.size > b.size ? -1 : a.size < b.size ? 1 : 0));
  const keep = new Set(gaps.slice(0, max - 1).map((g) => g.i));
  const out: Range[] = [];
  let cur = clusters[0] as Range;
  for (let i = 1; i < clusters.length; i++) {
    const c = clusters[i] as Range;
    if (keep.has(i - 1)) {
      out.push(cur);
      cur = c;
    } else {
      cur = { start: cur.start, last: c.last };
    }
  }
  out.push(cur);
  return out;
}

export function compressedSegments(lanes: readonly Lane[], width: number): MapSegment[] {
  const maxClusters = Math.max(1, Math.floor((width + FOLD_PX) / (MIN_CLUSTER_PX + FOLD_PX)));
  const clusters = limitClusters(occupiedRanges(lanes), maxClusters);
  if (clusters.length === 0) return [];
  const room = Math.max(clusters.length, Math.floor(width) - FOLD_PX * (clusters.length - 1));
  // Width grows with the logarithm of the size: a 4 KiB page and a 1 TiB window both stay legible.
  const weights = clusters.map((c) => 1 + (c.last - c.start + 1n).toString(2).length / 8);
  const total = weights.reduce((a, b) => a + b, 0);
  const extra = Math.max(0, room - MIN_CLUSTER_PX * clusters.length);
  const widths = weights.map((w) =>
    Math.max(1, Math.floor(Math.min(room, MIN_CLUSTER_PX) + (extra * w) / total)),
  );
  const segments: MapSegment[] = [];
  let x = 0;
  clusters.forEach((c, i) => {
    const w = widths[i] as number;
    segments.push({ start: c.start, last: c.last, x, width: w });
    x += w + FOLD_PX;
  });
  return segments;
}

/** Axis labels for the compressed view: each cluster's first byte, where there is room. */
export function compressedTicks(segments: readonly MapSegment[]): Tick[] {
  const ticks: Tick[] = [];
  let freeFrom = -Infinity;
  for (const s of segments) {
    const label = hexGrouped(s.start);
    if (s.x >= freeFrom) {
      ticks.push({ addr: s.start, x: s.x, label, major: true, row: 0, labelX: s.x + LABEL_PAD_PX });
      freeFrom = s.x + labelWidthPx(label) + 12;
    }
  }
  return ticks;
}
