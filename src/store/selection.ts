import type { Lane } from '../view/map/lanes.ts';

/** What the inspector shows. Kept as keys, resolved against the current state when drawn. */
export type Selection =
  | { readonly kind: 'mapping'; readonly laneId: string; readonly start: bigint }
  | {
      readonly kind: 'span';
      readonly laneId: string;
      readonly start: bigint;
      readonly last: bigint;
      readonly label: string;
    }
  | { readonly kind: 'device'; readonly bdf: string }
  /** A lane as a whole, picked by its label: the object it draws. */
  | { readonly kind: 'lane'; readonly laneId: string }
  | { readonly kind: 'group'; readonly group: number };

/** The selection as the map outlines it: its lane and byte range. */
export interface SelectionRange {
  readonly laneId: string;
  readonly start: bigint;
  readonly last: bigint;
}

/**
 * Where the selection is on the map: a span as selected, a mapping as it is in the lanes shown
 * (undefined when it is not there any more, or the selection is no range).
 */
export function selectionRange(
  sel: Selection | undefined,
  lanes: readonly Lane[],
): SelectionRange | undefined {
  if (!sel) return undefined;
  if (sel.kind === 'span') return { laneId: sel.laneId, start: sel.start, last: sel.last };
  if (sel.kind === 'mapping') {
    const lane = lanes.find((l) => l.id === sel.laneId);
    const e = lane?.mappings?.at(sel.start);
    return e ? { laneId: sel.laneId, start: e.start, last: e.last } : undefined;
  }
  return undefined;
}
