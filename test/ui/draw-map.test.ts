import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeMap } from '../../src/core/ranges/range-map.ts';
import { asUserVa } from '../../src/core/u64.ts';
import type { MappingValue } from '../../src/core/view-types.ts';
import { aggregateMappings } from '../../src/view/map/aggregate.ts';
import { compressedSegments } from '../../src/view/map/compressed.ts';
import { drawMap } from '../../src/ui/map/draw-map.ts';
import { type Lane, layoutLanes } from '../../src/view/map/lanes.ts';
import {
  columnLast,
  columnStart,
  type MapSegment,
  viewportSegment,
} from '../../src/view/map/segments.ts';
import { PALETTES } from '../../src/view/theme/palette.ts';
import { fitRange, FULL_VIEW, makeViewport } from '../../src/view/viewport/viewport.ts';
import { recordingContext } from './recording-context.ts';

const value: MappingValue = Object.freeze({
  vaddr: asUserVa(0x7f0000000000n),
  read: true,
  write: true,
});

/** n mappings of `size` bytes every `stride` bytes from `base`. */
function manyMappings(
  n: number,
  base: bigint,
  size: bigint,
  stride: bigint,
): RangeMap<MappingValue> {
  const entries = Array.from({ length: n }, (_, i) => {
    const start = base + BigInt(i) * stride;
    return { start, last: start + size - 1n, value };
  });
  return RangeMap.fromEntries(entries);
}

function lane(mappings: RangeMap<MappingValue>, spans: Lane['spans'] = []): Lane {
  return {
    id: 'container:1',
    kind: 'container',
    ref: { kind: 'object', objectType: 'container', id: 1 },
    label: 'container 1',
    detail: '',
    nested: false,
    background: [],
    spans,
    mappings,
    mappingOwner: 'container 1',
  };
}

describe('LOD aggregation', () => {
  it('draws a bounded number of rectangles for 200k mappings at every zoom', () => {
    const map = manyMappings(200_000, 0x100000000n, 0x1000n, 0x2000n);
    const width = 1200;
    for (const v of [
      FULL_VIEW,
      fitRange({ start: 0x100000000n, last: 0x100000000n + 0x2000n * 200_000n }),
      makeViewport(0x100000000n, 20),
    ]) {
      const bars = aggregateMappings(map, viewportSegment(v, width));
      expect(bars.length).toBeLessThanOrEqual(width);
    }
  });

  it('counts every mapping exactly when no bucket hits the cap (oracle: a naive scan)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.bigInt({ min: 0n, max: 1n << 20n }), fc.bigInt({ min: 1n, max: 1n << 12n })),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 16, max: 40 }),
        (raw, zoom) => {
          // Build non-overlapping mappings from (gap, size) pairs.
          let cursor = 0n;
          const entries = raw.map(([gap, size]) => {
            const start = cursor + gap;
            cursor = start + size;
            return { start, last: start + size - 1n, value };
          });
          const map = RangeMap.fromEntries(entries);
          const seg = viewportSegment(makeViewport(0n, zoom), 800);
          const visible = entries.filter((e) => e.start <= seg.last);
          const bars = aggregateMappings(map, seg, 1_000_000);
          expect(bars.reduce((n, b) => n + b.count, 0)).toBe(visible.length);
          for (let i = 1; i < bars.length; i++)
            expect(bars[i]!.x0).toBeGreaterThanOrEqual(bars[i - 1]!.x0);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('keeps a lone sub-pixel mapping visible as one pixel', () => {
    const map = RangeMap.fromEntries([{ start: 0xfee00000n, last: 0xfee00fffn, value }]);
    const bars = aggregateMappings(map, viewportSegment(FULL_VIEW, 1000));
    expect(bars).toHaveLength(1);
    expect(bars[0]!.x1 - bars[0]!.x0).toBeGreaterThanOrEqual(1);
    expect(bars[0]!.count).toBe(1);
  });

  it('computes exact pixel column boundaries in bigint', () => {
    const seg: MapSegment = viewportSegment(FULL_VIEW, 1000);
    expect(columnStart(seg, 0)).toBe(0n);
    expect(columnLast(seg, 999)).toBe((1n << 64n) - 1n);
    for (const c of [0, 1, 499, 998]) expect(columnStart(seg, c + 1)).toBe(columnLast(seg, c) + 1n);
  });
});

describe('drawMap with a recording context', () => {
  it('draws lanes, reserved regions in their type colours, mappings and labels', () => {
    const palette = PALETTES.dark;
    const map = RangeMap.fromEntries([
      { start: 0n, last: 0x7fffffffn, value },
      { start: 0x100000000n, last: 0x27fffffffn, value },
    ]);
    const lanes: Lane[] = [
      lane(map, [
        {
          start: 0xfee00000n,
          last: 0xfeefffffn,
          kind: 'msi',
          owner: 'group 4',
          owners: [{ kind: 'group', group: 4 }],
          label: 'msi',
        },
      ]),
    ];
    const { rows, height } = layoutLanes(lanes);
    const { ctx, calls } = recordingContext();
    const stats = drawMap(ctx, {
      rows,
      segments: [viewportSegment(fitRange({ start: 0n, last: 0x3ffffffffn }), 1000)],
      width: 1000,
      height,
      palette,
    });
    const rects = calls.filter((c) => c.name === 'fillRect');
    expect(rects.some((c) => c.fillStyle === palette.spans.msi)).toBe(true);
    expect(rects.filter((c) => c.fillStyle === palette.mapping)).toHaveLength(2);
    const msi = rects.find((c) => c.fillStyle === palette.spans.msi)!;
    expect(msi.args[2]).toBeGreaterThanOrEqual(1); // at least one pixel wide
    expect(calls.filter((c) => c.name === 'fillText').map((c) => c.args[0])).toContain('mapped');
    expect(stats.rects).toBe(3);
  });

  it('issues a bounded number of draw calls for 200k mappings', () => {
    const map = manyMappings(200_000, 0n, 0x1000n, 0x1000n * 3n);
    const lanes = [lane(map)];
    const { rows, height } = layoutLanes(lanes);
    const { ctx, calls } = recordingContext();
    const stats = drawMap(ctx, {
      rows,
      segments: [viewportSegment(fitRange({ start: 0n, last: 0x1000n * 3n * 200_000n }), 1000)],
      width: 1000,
      height,
      palette: PALETTES.light,
    });
    expect(calls.filter((c) => c.name === 'fillRect').length).toBeLessThan(1100);
    expect(stats.aggregated).toBeGreaterThan(0);
  });

  it('draws each cluster of the gap-compressed view in its own clipped segment', () => {
    const map = RangeMap.fromEntries([
      { start: 0x1000n, last: 0x1fffn, value },
      { start: 1n << 40n, last: (1n << 40n) + 0xfffn, value },
      { start: 0xffff_ffff_ffff_f000n, last: 0xffff_ffff_ffff_ffffn, value },
    ]);
    const lanes = [lane(map)];
    const segments = compressedSegments(lanes, 900);
    expect(segments).toHaveLength(3);
    const { rows, height } = layoutLanes(lanes);
    const { ctx, calls } = recordingContext();
    drawMap(ctx, { rows, segments, width: 900, height, palette: PALETTES.dark });
    expect(calls.filter((c) => c.name === 'clip')).toHaveLength(3);
    const mappingRects = calls.filter(
      (c) => c.name === 'fillRect' && c.fillStyle === PALETTES.dark.mapping,
    );
    expect(mappingRects).toHaveLength(3);
    for (const r of mappingRects) expect(r.args[2] as number).toBeGreaterThan(10); // every mapping visible at once
  });
});

describe('LOD merging', () => {
  it('merges a dense run of sub-pixel mappings into one bar carrying the count', () => {
    // 2048 mappings of 4 KiB every 8 KiB over 16 MiB: ~0.27 px each on 1124 px.
    const map = manyMappings(2048, 0x400000000n, 0x1000n, 0x2000n);
    const bars = aggregateMappings(
      map,
      viewportSegment(fitRange({ start: 0x400000000n, last: 0x400ffffffn }), 1124),
      1_000_000,
    );
    expect(bars).toHaveLength(1);
    expect(bars[0]!.count).toBe(2048);
  });
});

describe('marks (a focused finding, a pasted line)', () => {
  it('draws a 4 KiB fault page at least 3 px wide across all lanes at the full 2^64 view, with one label per mark', () => {
    const { ctx, calls } = recordingContext();
    const lanes = [lane(manyMappings(1, 0x100000000n, 0x1000n, 0x1000n))];
    const { rows, height } = layoutLanes(lanes);
    const palette = PALETTES.dark;
    drawMap(ctx, {
      rows,
      segments: [viewportSegment(FULL_VIEW, 1000)],
      width: 1000,
      height,
      palette,
      marks: [
        { start: 0x7c346000n, last: 0x7c346fffn, kind: 'event', label: 'line 1: dmar-fault' },
        {
          start: 0xfd00000000n,
          last: 0xffffffffffn,
          kind: 'focus',
          label: 'guest-ram-in-reserved',
        },
      ],
    });
    const band = calls.find((c) => c.name === 'fillRect' && c.fillStyle === palette.eventBand);
    expect(band?.args[2]).toBeGreaterThanOrEqual(3);
    expect(band?.args[1]).toBe(0);
    expect(band?.args[3]).toBe(height);
    expect(calls.some((c) => c.name === 'fillRect' && c.fillStyle === palette.focusBand)).toBe(
      true,
    );
    const texts = calls.filter((c) => c.name === 'fillText').map((c) => c.args);
    const labels = texts.filter(
      (a) => a[0] === 'line 1: dmar-fault' || a[0] === 'guest-ram-in-reserved',
    );
    expect(labels.length).toBe(2);
    expect(labels[0]![2]).not.toBe(labels[1]![2]); // stacked, not overprinted
  });
});
