import { describe, expect, it } from 'vitest';
import { TWO_POW_64, U64_MAX } from '../../src/core/u64.ts';
import { parseGoto } from '../../src/view/viewport/goto.ts';
import { axisTicks, labelWidthPx } from '../../src/view/viewport/ticks.ts';
import { fitRange, FULL_VIEW, makeViewport } from '../../src/view/viewport/viewport.ts';

describe('axis ticks', () => {
  it('labels the top page with exact grouped hex at power-of-two steps', () => {
    const v = fitRange({ start: TWO_POW_64 - 4096n, last: U64_MAX });
    const { step, ticks } = axisTicks(v, 1200);
    expect(step & (step - 1n)).toBe(0n);
    expect(ticks[0]?.label).toBe('0xffff_ffff_ffff_f000');
    expect(ticks.every((t) => t.addr % step === 0n && t.addr >= TWO_POW_64 - 4096n)).toBe(true);
    expect(ticks.map((t) => t.label)).toContain('0xffff_ffff_ffff_f800');
  });

  it('never lets labels overlap', () => {
    for (const v of [
      FULL_VIEW,
      makeViewport(0n, 32),
      makeViewport(0xfee00000n, 20),
      makeViewport(1n << 63n, 6),
    ]) {
      const { ticks } = axisTicks(v, 1000);
      for (let i = 1; i < ticks.length; i++) {
        const prev = ticks[i - 1]!;
        const gap = ticks[i]!.x - prev.x;
        expect(gap).toBeGreaterThanOrEqual(labelWidthPx(prev.label));
      }
      expect(ticks.length).toBeGreaterThan(0);
    }
  });

  it('shows the whole space with ticks below 2^64', () => {
    const { ticks } = axisTicks(FULL_VIEW, 1500);
    expect(ticks[0]?.label).toBe('0x0');
    expect(ticks.every((t) => t.addr <= U64_MAX)).toBe(true);
  });
});

describe('go to box', () => {
  it('takes an address, a range and START+SIZE', () => {
    expect(parseGoto('0xfee00123')).toEqual({
      ok: true,
      range: { start: 0xfee00000n, last: 0xfee00fffn },
    });
    expect(parseGoto('0xfee00000-0xfeefffff')).toEqual({
      ok: true,
      range: { start: 0xfee00000n, last: 0xfeefffffn },
    });
    expect(parseGoto('0x100000000+6G')).toEqual({
      ok: true,
      range: { start: 0x100000000n, last: 0x27fffffffn },
    });
    expect(parseGoto('0xfffffffffffff000..0xffffffffffffffff')).toEqual({
      ok: true,
      range: { start: TWO_POW_64 - 4096n, last: U64_MAX },
    });
  });

  it('explains what does not parse', () => {
    const r = parseGoto('0xzz');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/not a u64/);
    expect(parseGoto('0xffffffffffffffff+2').ok).toBe(false);
    expect(parseGoto('0x2000-0x1000').ok).toBe(false);
  });
});
