import type { Range } from '../../core/u64.ts';
import type { Lane } from './lanes.ts';

/**
 * The keyboard's place on the map: one object of one lane (a region or a mapping). Arrow keys
 * move it along the lane and between lanes; Enter selects it into the inspector. Objects of a
 * lane are in address order, a region before a mapping that starts at the same address.
 */
export interface LaneCursor extends Range {
  readonly laneId: string;
  readonly kind: 'span' | 'mapping';
  /** For a region: its index in the lane's spans (several can start at one address). */
  readonly index: number;
  /** The region's label, for the inspector when it is selected. */
  readonly label: string;
}

type Key = readonly [bigint, number, number];

const keyOf = (c: { start: bigint; kind: LaneCursor['kind']; index: number }): Key => [
  c.start,
  c.kind === 'span' ? 0 : 1,
  c.index,
];

function compare(a: Key, b: Key): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] - b[1];
  return a[2] - b[2];
}

function spanCursor(lane: Lane, index: number): LaneCursor {
  const s = lane.spans[index] as Lane['spans'][number];
  return {
    laneId: lane.id,
    kind: 'span',
    index,
    start: s.start,
    last: s.last,
    label: `${s.label} · ${s.owner}`,
  };
}

function mappingCursor(lane: Lane, e: Range): LaneCursor {
  return { laneId: lane.id, kind: 'mapping', index: 0, start: e.start, last: e.last, label: '' };
}

const smaller = (a: LaneCursor | undefined, b: LaneCursor | undefined) =>
  !a ? b : !b ? a : compare(keyOf(a), keyOf(b)) <= 0 ? a : b;
const larger = (a: LaneCursor | undefined, b: LaneCursor | undefined) =>
  !a ? b : !b ? a : compare(keyOf(a), keyOf(b)) >= 0 ? a : b;

/** The first object of `lane` at or after `key` (the spans are few; the mappings are a tree). */
function firstFrom(lane: Lane, key: Key, strictly: boolean): LaneCursor | undefined {
  let span: LaneCursor | undefined;
  for (let i = 0; i < lane.spans.length; i++) {
    const c = spanCursor(lane, i);
    const d = compare(keyOf(c), key);
    if (d > 0 || (d === 0 && !strictly)) span = smaller(span, c);
  }
  const m = lane.mappings;
  let mapping: LaneCursor | undefined;
  if (m) {
    // A mapping starting at key's address comes after a region there, and is the key itself.
    const here = m.at(key[0]);
    const after = here && (key[1] === 0 || !strictly) ? here : m.next(key[0]);
    if (after) mapping = mappingCursor(lane, after);
  }
  return smaller(span, mapping);
}

/** The last object of `lane` before `key`. */
function lastBefore(lane: Lane, key: Key): LaneCursor | undefined {
  let span: LaneCursor | undefined;
  for (let i = 0; i < lane.spans.length; i++) {
    const c = spanCursor(lane, i);
    if (compare(keyOf(c), key) < 0) span = larger(span, c);
  }
  const prev = lane.mappings?.previous(key[0]);
  return larger(span, prev ? mappingCursor(lane, prev) : undefined);
}

function lastOf(lane: Lane): LaneCursor | undefined {
  const spans = lane.spans.map((_, i) => spanCursor(lane, i));
  const m = lane.mappings?.last();
  return [...spans, ...(m ? [mappingCursor(lane, m)] : [])].reduce<LaneCursor | undefined>(
    larger,
    undefined,
  );
}

/** The object of `lane` nearest `addr` from the left edge: the first at or after it, else its last. */
function nearest(lane: Lane, addr: bigint): LaneCursor | undefined {
  return firstFrom(lane, [addr, 0, 0], false) ?? lastOf(lane);
}

export type CursorMove = 'left' | 'right' | 'up' | 'down';

/**
 * Where the cursor goes on an arrow key. With no cursor (or one on a lane no longer shown) it
 * starts at the first lane's first object from `viewStart`, the left edge of the view. Left and
 * right stay on the lane (at its ends they stay put); up and down go to the nearest lane that has
 * objects, to the object nearest the cursor's address.
 */
export function moveCursor(
  lanes: readonly Lane[],
  cursor: LaneCursor | undefined,
  move: CursorMove,
  viewStart: bigint,
): LaneCursor | undefined {
  const at = cursor ? lanes.findIndex((l) => l.id === cursor.laneId) : -1;
  if (!cursor || at < 0) {
    for (const lane of lanes) {
      const c = nearest(lane, viewStart);
      if (c) return c;
    }
    return undefined;
  }
  const lane = lanes[at] as Lane;
  switch (move) {
    case 'right':
      return firstFrom(lane, keyOf(cursor), true) ?? cursor;
    case 'left':
      return lastBefore(lane, keyOf(cursor)) ?? cursor;
    case 'up':
    case 'down': {
      const step = move === 'up' ? -1 : 1;
      for (let i = at + step; i >= 0 && i < lanes.length; i += step) {
        const c = nearest(lanes[i] as Lane, cursor.start);
        if (c) return c;
      }
      return cursor;
    }
  }
}
