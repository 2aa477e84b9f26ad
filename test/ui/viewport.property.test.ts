import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TWO_POW_64, U64_MAX } from '../../src/core/u64.ts';
import {
  byteAt,
  clampStart,
  fitRange,
  makeViewport,
  MAX_ZOOM,
  MIN_ZOOM,
  panBytes,
  panPixels,
  pxOf,
  spanOf,
  visibleRange,
  zoomAt,
} from '../../src/view/viewport/viewport.ts';

const SEED = 20261121;
const ANCHORS = [0n, (1n << 63n) - 1n, 1n << 63n, (1n << 63n) + 1n, TWO_POW_64 - 4096n, U64_MAX];
const WIDTH = 1237; // deliberately not a power of two

const anchor = fc.oneof(fc.constantFrom(...ANCHORS), fc.bigInt({ min: 0n, max: U64_MAX }));
const zoomLevel = fc.integer({ min: MIN_ZOOM, max: MAX_ZOOM });
const pixel = fc.integer({ min: 0, max: WIDTH * 256 - 1 }).map((q) => q / 256);

/** A viewport holding `addr` under pixel `px` (as far as the ends of the space allow). */
function viewAround(addr: bigint, zoom: number, px: number) {
  const v0 = makeViewport(0n, zoom);
  const off = byteAt(v0, px, WIDTH);
  return makeViewport(addr - off, zoom);
}

describe('viewport', () => {
  it('zooming in then out around the same pixel returns to the same start', () => {
    fc.assert(
      fc.property(
        anchor,
        zoomLevel,
        pixel,
        fc.integer({ min: 1, max: 20 }),
        (addr, zoom, px, steps) => {
          const v = viewAround(addr, zoom, px);
          const zin = zoomAt(v, px, WIDTH, steps);
          const back = zoomAt(zin, px, WIDTH, -(v.zoom - zin.zoom));
          expect(back.zoom).toBe(v.zoom);
          expect(back.start).toBe(v.start);
          expect(byteAt(back, px, WIDTH)).toBe(byteAt(v, px, WIDTH));
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('keeps the byte under the cursor fixed while zooming in', () => {
    fc.assert(
      fc.property(
        anchor,
        zoomLevel,
        pixel,
        fc.integer({ min: 1, max: 64 }),
        (addr, zoom, px, steps) => {
          const v = viewAround(addr, zoom, px);
          const under = byteAt(v, px, WIDTH);
          const z = zoomAt(v, px, WIDTH, steps);
          expect(byteAt(z, px, WIDTH)).toBe(under);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('keeps the byte under the cursor fixed while zooming out, unless the view hits an end of the space', () => {
    fc.assert(
      fc.property(
        anchor,
        zoomLevel,
        pixel,
        fc.integer({ min: 1, max: 10 }),
        (addr, zoom, px, steps) => {
          const v = viewAround(addr, zoom, px);
          const under = byteAt(v, px, WIDTH);
          const z = zoomAt(v, px, WIDTH, -steps);
          const offset = byteAt(makeViewport(0n, z.zoom), px, WIDTH);
          const clamped = clampStart(under - offset, z.zoom) !== under - offset;
          if (!clamped) expect(byteAt(z, px, WIDTH)).toBe(under);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('pans by +d then -d exactly when no end of the space is hit', () => {
    fc.assert(
      fc.property(
        anchor,
        zoomLevel,
        fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }),
        (addr, zoom, d) => {
          const v = makeViewport(addr, zoom);
          const there = panBytes(v, d);
          if (there.start !== v.start + d) return; // clamped at an end
          expect(panBytes(there, -d)).toEqual(v);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('pans by +dx then -dx pixels exactly away from the ends', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n << 62n, max: 3n << 62n }),
        fc.integer({ min: MIN_ZOOM, max: 60 }),
        fc.double({ min: -3000, max: 3000, noNaN: true }),
        (addr, zoom, dx) => {
          const v = makeViewport(addr, zoom);
          expect(panPixels(panPixels(v, dx, WIDTH), -dx, WIDTH)).toEqual(v);
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('shows the top 4 KiB page over the full width, to half a pixel', () => {
    const v = fitRange({ start: TWO_POW_64 - 4096n, last: U64_MAX });
    expect(v).toEqual({ start: TWO_POW_64 - 4096n, zoom: 12 });
    expect(visibleRange(v)).toEqual({ start: 0xffff_ffff_ffff_f000n, last: U64_MAX });
    expect(Math.abs(pxOf(v, TWO_POW_64 - 4096n, WIDTH))).toBeLessThanOrEqual(0.5);
    expect(Math.abs(pxOf(v, TWO_POW_64, WIDTH) - WIDTH)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(pxOf(v, TWO_POW_64 - 2048n, WIDTH) - WIDTH / 2)).toBeLessThanOrEqual(0.5);
    expect(byteAt(v, WIDTH - 0.001, WIDTH)).toBe(U64_MAX);
  });

  it('never leaves the 64-bit space and spans from 64 bytes to 2^64', () => {
    fc.assert(
      fc.property(anchor, fc.integer({ min: -10, max: 80 }), (addr, zoom) => {
        const v = makeViewport(addr, zoom);
        expect(spanOf(v) >= 64n && spanOf(v) <= TWO_POW_64).toBe(true);
        expect(v.start >= 0n && visibleRange(v).last <= U64_MAX).toBe(true);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('fits a range in the smallest power-of-two span that holds it', () => {
    fc.assert(
      fc.property(anchor, fc.bigInt({ min: 1n, max: 1n << 40n }), (start, len) => {
        const last = start + len - 1n > U64_MAX ? U64_MAX : start + len - 1n;
        const v = fitRange({ start, last });
        const r = visibleRange(v);
        expect(r.start <= start && last <= r.last).toBe(true);
        expect(spanOf(v) / 2n < last - start + 1n || v.zoom === MIN_ZOOM).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
