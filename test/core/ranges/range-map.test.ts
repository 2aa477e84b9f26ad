import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeMap, type RangeEntry } from '../../../src/core/ranges/range-map.ts';
import { type Range, U64_MAX } from '../../../src/core/u64.ts';

/** RangeMap against a naive model: a sorted array of non-overlapping entries. */

type Entry = RangeEntry<number>;

class Model {
  entries: Entry[] = [];
  insert(e: Entry): boolean {
    if (this.entries.some((x) => x.start <= e.last && e.start <= x.last)) return false;
    this.entries = [...this.entries, e].sort((a, b) => (a.start < b.start ? -1 : 1));
    return true;
  }
  remove(start: bigint): void {
    this.entries = this.entries.filter((e) => e.start !== start);
  }
  find(addr: bigint) {
    return this.entries.find((e) => e.start <= addr && addr <= e.last);
  }
  overlapping(r: Range) {
    return this.entries.filter((e) => e.start <= r.last && r.start <= e.last);
  }
}

const BASES = [0n, U64_MAX - 0x3ffn];
const SPAN = 0x400n;

type Cmd =
  | { kind: 'insert'; start: bigint; len: bigint; value: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'removeAbsent'; at: bigint };

const scenario = fc.constantFrom(...BASES).chain((base) => {
  const off = fc.bigInt({ min: 0n, max: SPAN - 1n });
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      start: off.map((o) => base + o),
      len: fc.bigInt({ min: 1n, max: 0x40n }),
      value: fc.integer(),
    }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('removeAbsent' as const), at: off.map((o) => base + o) }),
  );
  const query = fc
    .tuple(off, off)
    .map(([a, b]) =>
      a <= b ? { start: base + a, last: base + b } : { start: base + b, last: base + a },
    );
  return fc.record({
    base: fc.constant(base),
    cmds: fc.array(cmd, { maxLength: 40 }),
    queries: fc.array(query, { minLength: 1, maxLength: 10 }),
  });
});

function run(
  cmds: readonly Cmd[],
  base: bigint,
): {
  map: RangeMap<number>;
  model: Model;
  history: Array<{ map: RangeMap<number>; snapshot: Entry[] }>;
} {
  let map = RangeMap.empty<number>();
  const model = new Model();
  const history: Array<{ map: RangeMap<number>; snapshot: Entry[] }> = [];
  for (const c of cmds) {
    if (c.kind === 'insert') {
      const last = c.start + c.len - 1n;
      const e = {
        start: c.start,
        last: last > base + SPAN - 1n ? base + SPAN - 1n : last,
        value: c.value,
      };
      if (model.insert(e)) map = map.with(e);
    } else if (c.kind === 'remove') {
      const victim =
        model.entries.length > 0 ? model.entries[c.pick % model.entries.length] : undefined;
      if (victim) {
        model.remove(victim.start);
        map = map.without(victim.start);
      }
    } else if (!model.entries.some((e) => e.start === c.at)) {
      map = map.without(c.at);
    }
    history.push({ map, snapshot: [...model.entries] });
  }
  return { map, model, history };
}

const plain = (e: Entry | undefined) =>
  e ? { start: e.start, last: e.last, value: e.value } : undefined;

describe('RangeMap against a sorted-array model', () => {
  it('insert/remove keep the same entries; find, firstOverlapping, lastOverlapping and overlapping agree', () => {
    fc.assert(
      fc.property(scenario, ({ base, cmds, queries }) => {
        const { map, model } = run(cmds, base);
        expect(map.size).toBe(model.entries.length);
        expect(map.toArray().map(plain)).toEqual(model.entries.map(plain));
        expect(plain(map.first())).toEqual(plain(model.entries[0]));
        expect(plain(map.last())).toEqual(plain(model.entries[model.entries.length - 1]));
        for (const q of queries) {
          expect(plain(map.find(q.start))).toEqual(plain(model.find(q.start)));
          expect(plain(map.find(q.last))).toEqual(plain(model.find(q.last)));
          const want = model.overlapping(q);
          expect([...map.overlapping(q)].map(plain)).toEqual(want.map(plain));
          expect(plain(map.firstOverlapping(q))).toEqual(plain(want[0]));
          expect(plain(map.conflicting(q))).toEqual(plain(want[0]));
          expect(plain(map.lastOverlapping(q))).toEqual(plain(want[want.length - 1]));
          expect(map.overlaps(q)).toBe(want.length > 0);
          const at = model.entries.find((e) => e.start === q.start);
          expect(plain(map.at(q.start))).toEqual(plain(at));
          // taking: the same entry, and a map without it; the map itself is unchanged.
          const taken = map.taking(q.start);
          expect(plain(taken?.entry)).toEqual(plain(at));
          if (taken)
            expect(taken.rest.toArray().map(plain)).toEqual(
              model.entries.filter((e) => e !== at).map(plain),
            );
          expect(map.size).toBe(model.entries.length);
        }
        model.entries.forEach((e, i) => {
          expect(plain(map.next(e.start))).toEqual(plain(model.entries[i + 1]));
          expect(plain(map.previous(e.start))).toEqual(plain(model.entries[i - 1]));
        });
        expect([...map.entriesReversed()].map(plain)).toEqual(
          [...model.entries].reverse().map(plain),
        );
        const mid = model.entries[Math.floor(model.entries.length / 2)];
        if (mid)
          expect([...map.entries(mid.start)].map(plain)).toEqual(
            model.entries.filter((e) => e.start >= mid.start).map(plain),
          );
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('every version stays as it was: updates and clones never change an earlier map', () => {
    fc.assert(
      fc.property(scenario, ({ base, cmds }) => {
        const { history } = run(cmds, base);
        for (const { map, snapshot } of history)
          expect(map.toArray().map(plain)).toEqual(snapshot.map(plain));
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it('clone is independent of the original, and edit copies before it changes', () => {
    const a = RangeMap.fromEntries<number>([
      { start: 0x1000n, last: 0x1fffn, value: 1 },
      { start: 0x3000n, last: 0x3fffn, value: 2 },
    ]);
    const b = a.clone();
    const c = b.edit((d) => {
      d.delete(0x1000n);
      d.set({ start: U64_MAX - 0xfffn, last: U64_MAX, value: 3 });
      expect(d.get(0x3000n)?.value).toBe(2);
    });
    const e = b.with({ start: 0x5000n, last: 0x5fffn, value: 4 });
    expect(a.toArray().map((x) => x.value)).toEqual([1, 2]);
    expect(b.toArray().map((x) => x.value)).toEqual([1, 2]);
    expect(c.toArray().map((x) => x.value)).toEqual([2, 3]);
    expect(e.toArray().map((x) => x.value)).toEqual([1, 2, 4]);
    expect(c.find(U64_MAX)?.value).toBe(3);
    expect(c.firstOverlapping({ start: U64_MAX, last: U64_MAX })?.value).toBe(3);
  });

  it('stores frozen copies of the entries', () => {
    const entry = { start: 0n, last: 0xfffn, value: 1 };
    const m = RangeMap.empty<number>().with(entry);
    entry.value = 2;
    const stored = m.at(0n);
    expect(stored?.value).toBe(1);
    expect(Object.isFrozen(stored)).toBe(true);
  });
});
