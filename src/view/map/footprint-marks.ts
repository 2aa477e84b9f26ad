import type { Outcome } from '../../core/outcome.ts';
import type { Range } from '../../core/u64.ts';
import type { Footprint } from '../actions/footprint.ts';
import { outsideAperture } from './aperture.ts';
import type { Lane } from './lanes.ts';

/**
 * What the map draws for an action's footprint (footprint.ts): the would-be mapping of the form
 * being filled (a ghost, red when the dry run says it fails) or the place a run failed (a mark
 * until the next change). On a refusal, what the lane already holds in that range is outlined —
 * the mappings, reserved regions and space outside the aperture there — so the eye finds what the
 * refusal is about; which of them the kernel objected to is the outcome's sentence, not ours.
 */
export interface FootprintMark extends Footprint {
  readonly style: 'ghost' | 'ghost-refused' | 'failed';
  readonly label: string;
  /** Drawn on these lanes: the lane named and those nested under it (its domains, HWPTs). */
  readonly laneIds: readonly string[];
  readonly outlined: readonly Range[];
}

/** Outlines past this many are left out: a range over a million mappings needs no million boxes. */
export const OUTLINE_CAP = 64;

const overlaps = (a: Range, b: Range) => a.start <= b.last && b.start <= a.last;
const clip = (a: Range, b: Range): Range => ({
  start: a.start > b.start ? a.start : b.start,
  last: a.last < b.last ? a.last : b.last,
});

/** What `lane` holds inside `r`: mappings, reserved spans, the parts outside its aperture. */
export function heldIn(lane: Lane, r: Range, cap = OUTLINE_CAP): Range[] {
  const out: Range[] = [];
  for (const e of lane.mappings?.overlapping(r) ?? []) {
    if (out.length >= cap) return out;
    out.push({ start: e.start, last: e.last });
  }
  for (const s of lane.spans) {
    if (out.length >= cap) return out;
    if (overlaps(s, r)) out.push({ start: s.start, last: s.last });
  }
  if (lane.aperture)
    for (const o of outsideAperture(lane.aperture)) if (overlaps(o, r)) out.push(clip(o, r));
  return out;
}

/** The lane and those nested under it (lanes.ts ids: `container:1:domain:2`, `ioas:3:hwpt:4`). */
function lanesUnder(lanes: readonly Lane[], laneId: string): string[] {
  return lanes.filter((l) => l.id === laneId || l.id.startsWith(`${laneId}:`)).map((l) => l.id);
}

export function footprintMark(
  lanes: readonly Lane[],
  f: Footprint,
  style: FootprintMark['style'],
  label: string,
): FootprintMark | undefined {
  const laneIds = lanesUnder(lanes, f.laneId);
  const lane = lanes.find((l) => l.id === f.laneId);
  if (!lane) return undefined;
  return {
    ...f,
    style,
    label,
    laneIds,
    outlined: style === 'ghost' ? [] : heldIn(lane, f.range),
  };
}

/** "EEXIST: vfio.map_dma refused here" — the label a failed run leaves on the map. */
export function failedLabel(op: string, outcome: Outcome): string | undefined {
  return outcome.ok ? undefined : `${outcome.errno}: ${op} refused here`;
}
