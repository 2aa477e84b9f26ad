import type { Range } from '../core/u64.ts';
import { occupiedRanges } from '../ui/map/compressed.ts';
import { guestLayout, lanesOf } from './address-spaces.ts';
import type { Snapshot } from './workspace.ts';

/** The view that shows a workspace best: the guest's memory when there is one, else everything occupied. */
export function defaultViewRange(s: Snapshot): Range | undefined {
  const guest = guestLayout(s);
  const ranges = guest && guest.memory.length > 0 ? guest.memory : occupiedRanges(lanesOf(s));
  if (ranges.length === 0) return undefined;
  let start = ranges[0]!.start;
  let last = ranges[0]!.last;
  for (const r of ranges) {
    if (r.start < start) start = r.start;
    if (r.last > last) last = r.last;
  }
  return { start, last };
}
