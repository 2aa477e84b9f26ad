import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignDown,
  alignUp,
  checkedAdd,
  formatRange,
  formatSize,
  hex,
  hex16,
  hexGrouped,
  highestBitIndex,
  intersection,
  isAligned,
  isPowerOfTwo,
  isU64,
  lastOf,
  lowestBitIndex,
  lowestSetBit,
  parseU64,
  rangeContains,
  rangeLength,
  rangesIntersect,
  roundUpPowerOfTwo,
  TWO_POW_64,
  u64,
  U64_MAX,
} from '../../src/core/u64.ts';

const P63 = 1n << 63n;
const EDGES = [0n, 1n, P63 - 1n, P63, P63 + 1n, U64_MAX - 0xfffn, U64_MAX - 1n, U64_MAX];
const anyU64 = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(...EDGES));

describe('parseU64', () => {
  it('reads hex with "_", decimal and binary size suffixes', () => {
    const cases: Array<[string, bigint]> = [
      ['0', 0n],
      ['0x0', 0n],
      ['0xfee0_0000', 0xfee00000n],
      ['0XFEE00000', 0xfee00000n],
      ['4276092928', 0xfee00000n],
      ['1_000', 1000n],
      ['4K', 4096n],
      ['4k', 4096n],
      ['4KiB', 4096n],
      ['4 KiB', 4096n],
      ['2M', 2n << 20n],
      ['1G', 1n << 30n],
      ['1T', 1n << 40n],
      ['0x10M', 16n << 20n],
      ['15E', 15n << 60n],
      ['  0x1000 ', 0x1000n],
      ['9223372036854775807', P63 - 1n],
      ['0x8000000000000000', P63],
      ['0x8000000000000001', P63 + 1n],
      ['0xfffffffffffff000', U64_MAX - 0xfffn],
      ['18446744073709551615', U64_MAX],
      ['0xffff_ffff_ffff_ffff', U64_MAX],
    ];
    for (const [text, want] of cases)
      expect(parseU64(text), text).toEqual({ ok: true, value: want });
  });

  it('rejects, saying why: empty, negative, fraction, junk, unknown suffix, beyond 64 bits', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      ['-1', /is not a u64/],
      ['1.5', /is not a u64/],
      ['0x', /is not a u64|no digits/],
      ['0x_', /no digits/],
      ['12_', /no digits/],
      ['0xg', /is not a u64/],
      ['4Q', /unknown size suffix "Q"/],
      ['16E', /does not fit in 64 bits/],
      ['0x1_0000_0000_0000_0000', /does not fit in 64 bits/],
      ['18446744073709551616', /does not fit in 64 bits/],
    ];
    for (const [text, re] of cases) {
      const r = parseU64(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error, text).toMatch(re);
    }
    expect(() => u64('nope')).toThrow(RangeError);
  });

  it('reads back what hex, hexGrouped and decimal write', () => {
    fc.assert(
      fc.property(anyU64, (v) => {
        expect(u64(hex(v))).toBe(v);
        expect(u64(hexGrouped(v))).toBe(v);
        expect(u64(hex16(v))).toBe(v);
        expect(u64(v.toString())).toBe(v);
      }),
      { seed: 1 },
    );
  });
});

describe('formatting', () => {
  it('writes hex forms', () => {
    expect(hex(0n)).toBe('0x0');
    expect(hex(U64_MAX)).toBe('0xffffffffffffffff');
    expect(hexGrouped(0n)).toBe('0x0');
    expect(hexGrouped(U64_MAX - 0xfffn)).toBe('0xffff_ffff_ffff_f000');
    expect(hexGrouped(0x12345n)).toBe('0x1_2345');
    expect(hex16(0xfee00000n)).toBe('0x00000000fee00000');
    expect(hex16(U64_MAX)).toBe('0xffffffffffffffff');
    expect(formatRange({ start: 0xfee00000n, last: 0xfeefffffn })).toBe('0xfee00000..0xfeefffff');
  });

  it('writes sizes in binary units, up to 2^64', () => {
    expect(formatSize(0n)).toBe('0 bytes');
    expect(formatSize(4096n)).toBe('4 KiB');
    expect(formatSize(2n << 20n)).toBe('2 MiB');
    expect(formatSize(TWO_POW_64)).toBe('16 EiB');
    expect(formatSize(0x1801n)).toBe('0x1801 bytes');
    expect(formatSize(1000n)).toBe('1000 bytes');
  });
});

describe('checked arithmetic (check_add_overflow)', () => {
  it('reports wrap-around at the edges', () => {
    expect(checkedAdd(0n, 0n)).toEqual({ value: 0n, overflow: false });
    expect(checkedAdd(U64_MAX, 0n)).toEqual({ value: U64_MAX, overflow: false });
    expect(checkedAdd(U64_MAX, 1n)).toEqual({ value: 0n, overflow: true });
    expect(checkedAdd(P63, P63)).toEqual({ value: 0n, overflow: true });
    expect(checkedAdd(P63 - 1n, P63)).toEqual({ value: U64_MAX, overflow: false });
    expect(checkedAdd(U64_MAX, U64_MAX)).toEqual({ value: U64_MAX - 1n, overflow: true });
  });

  it('agrees with modular arithmetic', () => {
    fc.assert(
      fc.property(anyU64, anyU64, (a, b) => {
        const r = checkedAdd(a, b);
        expect(r.value).toBe((a + b) % TWO_POW_64);
        expect(r.overflow).toBe(a + b > U64_MAX);
        expect(isU64(r.value)).toBe(true);
      }),
      { seed: 1 },
    );
  });

  it('lastOf: a range may end exactly at 2^64-1; one byte more overflows; size 0 has no last byte', () => {
    expect(lastOf(U64_MAX - 0xfffn, 0x1000n)).toEqual({ last: U64_MAX, overflow: false });
    expect(lastOf(U64_MAX - 0xfffn, 0x2000n)).toEqual({ last: 0xfffn, overflow: true });
    expect(lastOf(0n, U64_MAX)).toEqual({ last: U64_MAX - 1n, overflow: false });
    expect(lastOf(1n, U64_MAX)).toEqual({ last: U64_MAX, overflow: false });
    expect(lastOf(2n, U64_MAX).overflow).toBe(true);
    expect(lastOf(U64_MAX, 1n)).toEqual({ last: U64_MAX, overflow: false });
    expect(() => lastOf(0n, 0n)).toThrow(RangeError);
  });

  it('rangeLength can be 2^64, which no u64 holds', () => {
    expect(rangeLength({ start: 0n, last: U64_MAX })).toBe(TWO_POW_64);
    expect(rangeLength({ start: U64_MAX, last: U64_MAX })).toBe(1n);
  });

  it('isU64 bounds', () => {
    expect(isU64(0n)).toBe(true);
    expect(isU64(U64_MAX)).toBe(true);
    expect(isU64(-1n)).toBe(false);
    expect(isU64(TWO_POW_64)).toBe(false);
  });
});

describe('bits and alignment', () => {
  it('powers of two and bit indexes', () => {
    expect(isPowerOfTwo(0n)).toBe(false);
    expect(isPowerOfTwo(1n)).toBe(true);
    expect(isPowerOfTwo(P63)).toBe(true);
    expect(isPowerOfTwo(P63 + 1n)).toBe(false);
    expect(isPowerOfTwo(U64_MAX)).toBe(false);
    expect(lowestSetBit(0x40201000n)).toBe(0x1000n);
    expect(lowestSetBit(0n)).toBe(0n);
    expect(lowestBitIndex(0x40201000n)).toBe(12);
    expect(lowestBitIndex(0n)).toBe(-1);
    expect(lowestBitIndex(P63)).toBe(63);
    expect(highestBitIndex(0x40201000n)).toBe(30);
    expect(highestBitIndex(U64_MAX)).toBe(63);
    expect(highestBitIndex(0n)).toBe(-1);
    expect(roundUpPowerOfTwo(0n)).toBe(1n);
    expect(roundUpPowerOfTwo(0x1001n)).toBe(0x2000n);
    expect(roundUpPowerOfTwo(P63)).toBe(P63);
    expect(roundUpPowerOfTwo(P63 + 1n)).toBe(TWO_POW_64);
  });

  it('aligns up and down at the edges', () => {
    expect(isAligned(0n, 0x1000n)).toBe(true);
    expect(isAligned(U64_MAX - 0xfffn, 0x1000n)).toBe(true);
    expect(isAligned(U64_MAX, 0x1000n)).toBe(false);
    expect(isAligned(P63 + 1n, 1n)).toBe(true);
    expect(isAligned(5n, 0n)).toBe(true);
    expect(alignUp(U64_MAX - 0xffen, 0x1000n)).toBe(TWO_POW_64); // callers check: beyond u64
    expect(alignUp(U64_MAX - 0xfffn, 0x1000n)).toBe(U64_MAX - 0xfffn);
    expect(alignDown(U64_MAX, 0x1000n)).toBe(U64_MAX - 0xfffn);
    expect(alignDown(P63 + 1n, 0x1000n)).toBe(P63);
    expect(alignUp(0n, 0x200000n)).toBe(0n);
  });

  it('alignment laws hold for power-of-two alignments', () => {
    fc.assert(
      fc.property(anyU64, fc.integer({ min: 0, max: 63 }), (v, bits) => {
        const a = 1n << BigInt(bits);
        const down = alignDown(v, a);
        const up = alignUp(v, a);
        expect(isAligned(down, a) && isAligned(up, a)).toBe(true);
        expect(down <= v && v <= up).toBe(true);
        expect(up - down === 0n || up - down === a).toBe(true);
        expect(isAligned(v, a)).toBe(down === v);
      }),
      { seed: 1 },
    );
  });
});

describe('inclusive ranges', () => {
  it('intersect and contain, including the top of the space', () => {
    const top = { start: U64_MAX - 0xfffn, last: U64_MAX };
    expect(rangesIntersect(top, { start: U64_MAX, last: U64_MAX })).toBe(true);
    expect(rangesIntersect({ start: 0n, last: 0xfffn }, { start: 0x1000n, last: 0x1fffn })).toBe(
      false,
    );
    expect(intersection({ start: 0n, last: U64_MAX }, top)).toEqual(top);
    expect(intersection({ start: 0n, last: 0xfffn }, top)).toBeUndefined();
    expect(rangeContains({ start: 0n, last: U64_MAX }, top)).toBe(true);
    expect(rangeContains(top, { start: 0n, last: U64_MAX })).toBe(false);
  });
});
