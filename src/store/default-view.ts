import { span } from '../core/ranges/range-set.ts';
import type { Range } from '../core/u64.ts';
import { occupiedRanges } from '../view/map/compressed.ts';
import { guestLayout, lanesOf } from './address-spaces.ts';
import type { Snapshot } from './workspace.ts';

/** The view that shows a workspace best: the guest's memory when there is one, else everything occupied. */
export function defaultViewRange(s: Snapshot): Range | undefined {
  const guest = guestLayout(s);
  const ranges = guest && guest.memory.length > 0 ? guest.memory : occupiedRanges(lanesOf(s));
  return span(ranges);
}
