import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexGrouped, TWO_POW_64, U64_MAX } from '../../src/core/u64.ts';
import { parseGoto } from '../../src/view/viewport/goto.ts';
import { AXIS_ROWS, axisTicks, labelWidthPx } from '../../src/view/viewport/ticks.ts';
import {
  fitRange,
  FULL_VIEW,
  makeViewport,
  MAX_ZOOM,
  MIN_ZOOM,
} from '../../src/view/viewport/viewport.ts';

describe('axis ticks', () => {
  it('labels the top page with exact grouped hex at power-of-two steps', () => {
    const v = fitRange({ start: TWO_POW_64 - 4096n, last: U64_MAX });
    const { step, ticks } = axisTicks(v, 1200);
    expect(step & (step - 1n)).toBe(0n);
    expect(ticks[0]?.label).toBe('0xffff_ffff_ffff_f000');
    const majors = ticks.filter((t) => t.major);
    expect(majors.every((t) => t.addr % step === 0n && t.addr >= TWO_POW_64 - 4096n)).toBe(true);
    expect(ticks.map((t) => t.label)).toContain('0xffff_ffff_ffff_f800');
  });

  it('never lets two labels on one row overlap, at any zoom, start and width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_ZOOM, max: MAX_ZOOM }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.integer({ min: 300, max: 2000 }),
        (zoom, start, width) => {
          const { ticks, rows } = axisTicks(makeViewport(start, zoom), width);
          expect(rows).toBeLessThanOrEqual(AXIS_ROWS);
          const labelled = ticks.filter((t) => t.label !== '');
          for (let r = 0; r < rows; r++) {
            const row = labelled.filter((t) => t.row === r);
            for (let i = 1; i < row.length; i++)
              expect(row[i]!.labelX).toBeGreaterThanOrEqual(
                row[i - 1]!.labelX + labelWidthPx(row[i - 1]!.label),
              );
          }
          for (const t of labelled) {
            expect(t.labelX).toBeGreaterThanOrEqual(0);
            expect(t.labelX + labelWidthPx(t.label)).toBeLessThanOrEqual(width + 1e-6);
          }
        },
      ),
      { seed: 21, numRuns: 400 },
    );
  });

  it('labels at least 6 major ticks across a 774-px map (a 1280-px window) at every zoom, the last one kept, minor ticks between', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_ZOOM, max: MAX_ZOOM }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        (zoom, start) => {
          const v = makeViewport(start, zoom);
          const { ticks, step } = axisTicks(v, 774);
          const majors = ticks.filter((t) => t.major);
          expect(ticks.filter((t) => t.label !== '').length).toBeGreaterThanOrEqual(6);
          expect(majors.at(-1)?.label).toBe(hexGrouped(majors.at(-1)!.addr));
          expect(majors.every((t) => t.addr % step === 0n)).toBe(true);
          expect(ticks.some((t) => !t.major)).toBe(true);
          for (let i = 1; i < majors.length; i++) {
            const gap = majors[i]!.x - majors[i - 1]!.x;
            expect(gap).toBeGreaterThanOrEqual(63);
            expect(gap).toBeLessThan(160);
          }
        },
      ),
      { seed: 22, numRuns: 300 },
    );
  });

  it('shows the whole space with ticks below 2^64', () => {
    const { ticks } = axisTicks(FULL_VIEW, 1500);
    expect(ticks[0]?.label).toBe('0x0');
    expect(ticks.every((t) => t.addr <= U64_MAX)).toBe(true);
  });
});

describe('go to box', () => {
  it('takes what people paste: bare hex, a /proc/iomem line, zero-padded ranges', () => {
    const ioapic = { ok: true, range: { start: 0xfee00000n, last: 0xfeefffffn } };
    expect(parseGoto('fee00000-feefffff')).toEqual(ioapic);
    expect(parseGoto('  fee00000-feefffff : IOAPIC 0')).toEqual(ioapic);
    expect(parseGoto('00000000fee00000-00000000feefffff')).toEqual(ioapic);
    expect(parseGoto('0xfee00000..0xfeefffff')).toEqual(ioapic);
    expect(parseGoto('fee00000')).toEqual({
      ok: true,
      range: { start: 0xfee00000n, last: 0xfee00fffn },
    });
    // /proc/iomem prints hex without 0x, so a bare range of digits is hex too.
    expect(parseGoto('100000-1fffff')).toEqual({
      ok: true,
      range: { start: 0x100000n, last: 0x1fffffn },
    });
    expect(parseGoto('4G')).toEqual({
      ok: true,
      range: { start: 1n << 32n, last: (1n << 32n) + 0xfffn },
    });
  });

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
