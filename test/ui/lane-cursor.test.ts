import { describe, expect, it } from 'vitest';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { type LaneCursor, moveCursor } from '../../src/view/map/lane-cursor.ts';
import { defaultStore } from './app-fixture.tsx';

const lanes = () => lanesOf(defaultStore().getState().history!.present);

/** Presses `keys` from no cursor, the view starting at `from`. */
function press(keys: Parameters<typeof moveCursor>[2][], from = 0n): LaneCursor | undefined {
  const ls = lanes();
  let c: LaneCursor | undefined;
  for (const k of keys) c = moveCursor(ls, c, k, from);
  return c;
}

describe('the keyboard cursor on the map', () => {
  it('starts on the first lane at the left edge of the view and walks it in address order', () => {
    const first = press(['right']);
    expect(first).toMatchObject({ laneId: 'guest', kind: 'span', start: 0n });
    const walk = [first!];
    for (let i = 0; i < 4; i++) walk.push(moveCursor(lanes(), walk.at(-1), 'right', 0n)!);
    const starts = walk.map((c) => c.start);
    expect([...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(starts);
    // At the lane's end it stays put.
    expect(walk.at(-1)).toEqual(walk.at(-2));
    expect(moveCursor(lanes(), walk[2], 'left', 0n)).toEqual(walk[1]);
  });

  it('goes down to the next lane with objects, to the one nearest its address', () => {
    let c = press(['right']);
    const seen: string[] = [c!.laneId];
    for (let i = 0; i < 12; i++) {
      c = moveCursor(lanes(), c, 'down', 0n);
      if (seen.at(-1) !== c!.laneId) seen.push(c!.laneId);
    }
    expect(seen).toContain('container:1');
    expect(seen.at(-1)).toBe('container:1:domain:1');
    // On a mapping lane the cursor is on mappings, in order, left and right.
    const m = moveCursor(lanes(), c, 'left', 0n)!;
    expect(m).toMatchObject({ kind: 'mapping', start: 0n, last: 0x7fffffffn });
    expect(moveCursor(lanes(), m, 'right', 0n)).toMatchObject({
      kind: 'mapping',
      start: 0x100000000n,
    });
  });

  it('starts from the view: the first object at or after its left edge', () => {
    expect(press(['down'], 0xc0000000n)).toMatchObject({ laneId: 'guest', start: 0xfec00000n });
  });
});
