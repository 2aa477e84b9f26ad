import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  span,
  anyIntersects,
  complement,
  intersect,
  normalize,
  oneContains,
  rangesEqual,
  subtract,
  union,
} from '../../../src/core/ranges/range-set.ts';
import { type Range, U64_MAX } from '../../../src/core/u64.ts';

/**
 * The range-set algebra against a naive model: the set of addresses covered, over a 64-address
 * window placed at the bottom of the space or at its very top (where `last + 1` would wrap).
 */

const WIDTH = 64n;
const BASES = [0n, 0x1000n, U64_MAX - WIDTH + 1n];

function model(ranges: readonly Range[], base: bigint): Set<bigint> {
  const s = new Set<bigint>();
  for (const r of ranges) for (let a = r.start; a <= r.last; a++) s.add(a - base);
  return s;
}

/** The canonical form of a set: maximal runs, ascending. */
function runsOf(set: Set<bigint>, base: bigint): Range[] {
  const out: Range[] = [];
  for (let i = 0n; i < WIDTH; i++) {
    if (!set.has(i)) continue;
    const prev = out[out.length - 1];
    if (prev && prev.last === base + i - 1n)
      out[out.length - 1] = { start: prev.start, last: base + i };
    else out.push({ start: base + i, last: base + i });
  }
  return out;
}

const scene = fc.constantFrom(...BASES).chain((base) => {
  const range = fc
    .tuple(fc.bigInt({ min: 0n, max: WIDTH - 1n }), fc.bigInt({ min: 0n, max: WIDTH - 1n }))
    .map(([a, b]) =>
      a <= b ? { start: base + a, last: base + b } : { start: base + b, last: base + a },
    );
  return fc.record({
    base: fc.constant(base),
    a: fc.array(range, { maxLength: 6 }),
    b: fc.array(range, { maxLength: 6 }),
    r: range,
  });
});

const isCanonical = (set: readonly Range[]) =>
  set.every((r, i) => r.start <= r.last && (i === 0 || (set[i - 1] as Range).last + 1n < r.start));

describe('range-set algebra against an address-set model', () => {
  it('normalize merges overlapping and touching ranges into maximal runs', () => {
    fc.assert(
      fc.property(scene, ({ base, a }) => {
        const n = normalize(a);
        expect(isCanonical(n)).toBe(true);
        expect(n).toEqual(runsOf(model(a, base), base));
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('union, subtract, intersect and complement agree with set operations', () => {
    fc.assert(
      fc.property(scene, ({ base, a, b }) => {
        const A = model(a, base);
        const B = model(b, base);
        const window = { start: base, last: base + WIDTH - 1n };
        const all = new Set(Array.from({ length: Number(WIDTH) }, (_, i) => BigInt(i)));
        const cases: Array<[Range[], Set<bigint>]> = [
          [union(a, b), new Set([...A, ...B])],
          [subtract(a, b), new Set([...A].filter((x) => !B.has(x)))],
          [intersect(a, b), new Set([...A].filter((x) => B.has(x)))],
          [complement(a, window), new Set([...all].filter((x) => !A.has(x)))],
        ];
        for (const [got, want] of cases) {
          expect(isCanonical(got)).toBe(true);
          expect(got).toEqual(runsOf(want, base));
        }
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('oneContains wants a single range around r; anyIntersects any overlap', () => {
    fc.assert(
      fc.property(scene, ({ base, a, r }) => {
        const n = normalize(a);
        const inside = [...model([r], base)];
        const A = model(n, base);
        // One node of the normalized set holds r exactly when r's addresses form a covered run.
        expect(oneContains(n, r)).toBe(inside.every((x) => A.has(x)));
        expect(anyIntersects(a, r)).toBe(inside.some((x) => model(a, base).has(x)));
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('rangesEqual compares element by element', () => {
    fc.assert(
      fc.property(scene, ({ a, b }) => {
        expect(rangesEqual(normalize(a), normalize(a))).toBe(true);
        expect(rangesEqual(normalize(a), normalize(b))).toBe(
          JSON.stringify(normalize(a), (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ===
            JSON.stringify(normalize(b), (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
        );
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it('handles the whole 64-bit space without wrapping', () => {
    const all = { start: 0n, last: U64_MAX };
    expect(complement([])).toEqual([all]);
    expect(complement([all])).toEqual([]);
    expect(complement([{ start: 0xfee00000n, last: 0xfeefffffn }])).toEqual([
      { start: 0n, last: 0xfedfffffn },
      { start: 0xfef00000n, last: U64_MAX },
    ]);
    expect(
      normalize([
        { start: U64_MAX, last: U64_MAX },
        { start: 0n, last: U64_MAX },
      ]),
    ).toEqual([all]);
    expect(normalize([all, { start: 5n, last: 6n }])).toEqual([all]);
    expect(subtract([all], [{ start: 0n, last: U64_MAX - 1n }])).toEqual([
      { start: U64_MAX, last: U64_MAX },
    ]);
    expect(intersect([all], [{ start: U64_MAX, last: U64_MAX }])).toEqual([
      { start: U64_MAX, last: U64_MAX },
    ]);
    expect(union([{ start: 0n, last: 9n }], [{ start: 10n, last: U64_MAX }])).toEqual([all]);
  });

  it('does not modify its inputs', () => {
    const a = [
      { start: 10n, last: 20n },
      { start: 0n, last: 5n },
    ];
    const copy = a.map((r) => ({ ...r }));
    normalize(a);
    subtract(a, [{ start: 3n, last: 12n }]);
    intersect(a, a);
    union(a, a);
    expect(a).toEqual(copy);
  });
});

describe('span', () => {
  it('is the smallest range holding every range, whatever their order, up to the top of the space', () => {
    expect(span([])).toBeUndefined();
    expect(
      span([
        { start: 0x5000n, last: 0x5fffn },
        { start: 0x1000n, last: 0x1fffn },
      ]),
    ).toEqual({ start: 0x1000n, last: 0x5fffn });
    expect(
      span([
        { start: 0xfffffffffffff000n, last: U64_MAX },
        { start: 0n, last: 0n },
      ]),
    ).toEqual({ start: 0n, last: U64_MAX });
  });
});
