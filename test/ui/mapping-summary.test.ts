import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeMap } from '../../src/core/ranges/range-map.ts';
import { aggregateMappings, type Bar } from '../../src/view/map/aggregate.ts';
import {
  LEAF_BITS,
  MappingSummary,
  type SummaryNode,
  SummaryBuilder,
} from '../../src/view/map/mapping-summary.ts';
import { SUMMARY_MIN_MAPPINGS, SummaryCache } from '../../src/view/map/summary-cache.ts';
import { type MapSegment, viewportSegment } from '../../src/view/map/segments.ts';
import { fitRange, FULL_VIEW, makeViewport } from '../../src/view/viewport/viewport.ts';

type Entry = { start: bigint; last: bigint; value: number };

/** Non-overlapping page-aligned mappings from (gap, size) page counts. */
function mappingsFrom(raw: ReadonlyArray<readonly [number, number]>, base = 0n): Entry[] {
  let cursor = base;
  return raw.map(([gap, pages], i) => {
    const start = cursor + BigInt(gap) * 0x1000n;
    const last = start + BigInt(pages) * 0x1000n - 1n;
    cursor = last + 1n;
    return { start, last, value: i };
  });
}

/** Every bucket of the trie as `bits:base → count first reach gap`, for comparing two summaries. */
function dump(node: SummaryNode | undefined, base = 0n, bits = 64, out: string[] = []): string[] {
  if (!node) return out;
  out.push(`${bits}:${base} ${node.count} ${node.first} ${node.reach} ${node.gapX}`);
  const quarter = 1n << BigInt(bits - 2);
  node.kids?.forEach((k, i) => dump(k, base + BigInt(i) * quarter, bits - 2, out));
  return out;
}

/** The pixel columns the bars paint. */
function coveredPixels(bars: readonly Bar[], width: number): Set<number> {
  const px = new Set<number>();
  for (const b of bars)
    for (let x = Math.floor(b.x0); x < Math.ceil(b.x1) && x < width; x++) px.add(x);
  return px;
}

/** The same buckets computed naively from the entries. */
function naiveCount(entries: readonly Entry[], from: bigint, to: bigint): number {
  return entries.filter((e) => e.start >= from && e.start <= to).length;
}

const arbMappings = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 20 })),
  { minLength: 0, maxLength: 300 },
);

describe('the drawing summary of a mapping tree', () => {
  it('counts, first start, furthest last byte and widest hole of every bucket match the mappings', () => {
    fc.assert(
      fc.property(arbMappings, fc.bigInt({ min: 0n, max: 1n << 40n }), (raw, base) => {
        const entries = mappingsFrom(raw, base * 0x1000n);
        const summary = MappingSummary.of(RangeMap.fromEntries(entries));
        expect(summary.count).toBe(entries.length);
        const check = (node: SummaryNode | undefined, b: bigint, bits: number): void => {
          if (!node) {
            expect(naiveCount(entries, b, b + (1n << BigInt(bits)) - 1n)).toBe(0);
            return;
          }
          const inside = entries.filter(
            (e) => e.start >= b && e.start <= b + (1n << BigInt(bits)) - 1n,
          );
          expect(node.count).toBe(inside.length);
          expect(node.first).toBe(inside[0]?.start);
          expect(node.reach).toBe(inside.reduce((m, e) => (e.last > m ? e.last : m), 0n));
          // The widest hole between the bucket's mappings (exact here: addresses below 2^53).
          let widest = 0n;
          let reach = inside[0]?.last ?? 0n;
          for (const e of inside.slice(1)) {
            if (e.start - reach - 1n > widest) widest = e.start - reach - 1n;
            if (e.last > reach) reach = e.last;
          }
          expect(node.gapX).toBe(Number(widest));
          if (bits === LEAF_BITS) expect(node.kids).toBeUndefined();
          else {
            // A sample of the levels is enough: the leaves and every level near them.
            const quarter = 1n << BigInt(bits - 2);
            for (let i = 0; i < 4; i++) check(node.kids?.[i], b + BigInt(i) * quarter, bits - 2);
          }
        };
        check(summary.root, 0n, 64);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('updated after any edits equals a fresh build, and leaves the old version intact', () => {
    fc.assert(
      fc.property(
        arbMappings,
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 8 })), {
          maxLength: 40,
        }),
        (raw, edits) => {
          const entries = mappingsFrom(raw, 0x1_0000_0000n);
          const before = RangeMap.fromEntries(entries);
          const summary = MappingSummary.of(before);
          const oldDump = dump(summary.root);
          let after = before;
          for (const [remove, pick, pages] of edits) {
            const all = after.toArray();
            if (remove && all.length > 0) {
              after = after.without((all[pick % all.length] as Entry).start);
            } else {
              // A new mapping past the last one, or in a free page after a picked one.
              const e = all[pick % Math.max(1, all.length)];
              const start = e ? e.last + 1n : BigInt(pick) * 0x1000n;
              const last = start + BigInt(pages) * 0x1000n - 1n;
              if (!after.overlaps({ start, last })) after = after.with({ start, last, value: -1 });
            }
          }
          const changed = after.changedStarts(before, 1_000_000);
          expect(changed).toBeDefined();
          const updated = summary.updated(after, changed ?? []);
          expect(dump(updated.root)).toEqual(dump(MappingSummary.of(after).root));
          expect(dump(summary.root)).toEqual(oldDump);
        },
      ),
      { seed: 12, numRuns: 80 },
    );
  });

  it('builds in slices to the same summary as at once', () => {
    const entries = mappingsFrom(
      Array.from({ length: 20_000 }, (_, i) => [i % 3, 1 + (i % 5)] as const),
    );
    const map = RangeMap.fromEntries(entries);
    const builder = new SummaryBuilder(map);
    let slices = 0;
    let done: MappingSummary | undefined;
    // Stop at the first check of every slice: the build must still make progress and finish.
    while (!(done = builder.step(() => true))) slices++;
    expect(slices).toBeGreaterThan(3);
    expect(dump(done.root)).toEqual(dump(MappingSummary.of(map).root));
  });
});

describe('bars drawn from the summary', () => {
  const dense = (n: number) =>
    RangeMap.fromEntries(
      Array.from({ length: n }, (_, i) => {
        const start = 0x1_0000_0000n + BigInt(i) * 0x2000n;
        return { start, last: start + 0xfffn, value: i };
      }),
    );

  it('count every mapping in view exactly, in order, within the pixel budget', () => {
    fc.assert(
      fc.property(
        arbMappings.filter((r) => r.length > 0),
        fc.integer({ min: 20, max: 44 }),
        fc.nat(),
        (raw, zoom, at) => {
          const entries = mappingsFrom(raw, 0x1_0000_0000n);
          const map = RangeMap.fromEntries(entries);
          const anchor = (entries[at % entries.length] as Entry).start;
          const seg = viewportSegment(makeViewport(anchor - (1n << BigInt(zoom - 2)), zoom), 700);
          const visible = entries.filter((e) => e.last >= seg.start && e.start <= seg.last);
          const bars = aggregateMappings(map, seg, 8, MappingSummary.of(map));
          expect(bars.reduce((n, b) => n + b.count, 0)).toBe(visible.length);
          expect(bars.length).toBeLessThanOrEqual(seg.width + 2);
          for (let i = 1; i < bars.length; i++)
            expect(bars[i]!.x0).toBeGreaterThanOrEqual(bars[i - 1]!.x0);
          for (const b of bars) expect(b.capped).toBe(false);
        },
      ),
      { seed: 13, numRuns: 150 },
    );
  });

  it('never paints a hole a pixel wide as mapped, nor leaves a mapped pixel out', () => {
    // Runs of close mappings with holes of up to 16 MiB between some: at these zooms a hole is
    // from a fraction of a pixel to many pixels wide.
    const clustered = fc.array(
      fc.tuple(
        fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 4096 })),
        fc.integer({ min: 1, max: 8 }),
      ),
      { minLength: 1, maxLength: 400 },
    );
    fc.assert(
      fc.property(clustered, fc.integer({ min: 26, max: 36 }), (raw, zoom) => {
        const entries = mappingsFrom(raw, 0x1_0000_0000n);
        const map = RangeMap.fromEntries(entries);
        const seg = viewportSegment(makeViewport(entries[0]!.start, zoom), 600);
        const covered = (bars: readonly Bar[]) => coveredPixels(bars, seg.width);
        const walked = covered(aggregateMappings(map, seg, 1_000_000));
        const summed = covered(aggregateMappings(map, seg, 8, MappingSummary.of(map)));
        const near = (set: Set<number>, x: number) =>
          set.has(x) || set.has(x - 1) || set.has(x + 1);
        for (const x of summed) expect(near(walked, x), `painted ${x}`).toBe(true);
        for (const x of walked) expect(near(summed, x), `left out ${x}`).toBe(true);
      }),
      { seed: 17, numRuns: 150 },
    );
  });

  it('shows the same occupied pixels as the tree walk for 100k mappings at every zoom', () => {
    const map = dense(100_000);
    const summary = MappingSummary.of(map);
    const all = { start: 0x1_0000_0000n, last: 0x1_0000_0000n + 100_000n * 0x2000n - 1n };
    const views = [
      FULL_VIEW,
      fitRange(all),
      makeViewport(0x1_0800_0000n, 30),
      makeViewport(0x1_0800_0000n, 26),
    ];
    for (const v of views) {
      const seg: MapSegment = viewportSegment(v, 1000);
      const covered = (bars: readonly Bar[]) => coveredPixels(bars, seg.width);
      const fromTree = covered(aggregateMappings(map, seg, 8));
      const fromSummary = covered(aggregateMappings(map, seg, 8, summary));
      // A bucket is placed in the column of its first start, the walk settles it exactly: the two
      // agree but for a pixel at either edge of each occupied run.
      const diff = [...fromTree].filter((x) => !fromSummary.has(x)).length;
      expect(diff).toBeLessThanOrEqual(2);
      expect(fromSummary.size).toBeGreaterThan(0);
      const counted = aggregateMappings(map, seg, 8, summary).reduce((n, b) => n + b.count, 0);
      let visible = 0;
      for (const _ of map.overlapping(seg)) visible++;
      expect(counted).toBe(visible);
      expect(visible).toBeGreaterThan(100);
    }
  });
});

describe('the summary cache', () => {
  function manualCache() {
    const queue: Array<() => void> = [];
    let ready = 0;
    const cache = new SummaryCache({
      runSoon: (work) => queue.push(work),
      onReady: () => ready++,
    });
    const drain = () => {
      while (queue.length > 0) queue.shift()?.();
    };
    return { cache, queue, drain, ready: () => ready };
  }
  const big = (n: number, base = 0x1_0000_0000n) =>
    RangeMap.fromEntries(
      Array.from({ length: n }, (_, i) => {
        const start = base + BigInt(i) * 0x2000n;
        return { start, last: start + 0xfffn, value: i };
      }),
    );

  it('leaves small trees to the walk', () => {
    const { cache, queue } = manualCache();
    expect(cache.get('container:1', big(SUMMARY_MIN_MAPPINGS - 1))).toBeUndefined();
    expect(queue).toHaveLength(0);
  });

  it('builds an unrelated tree between frames, then updates it from the diff at once', () => {
    const { cache, queue, drain, ready } = manualCache();
    const map = big(50_000);
    expect(cache.get('container:1', map)).toBeUndefined(); // the frame walks the tree meanwhile
    expect(cache.building).toBe(true);
    expect(queue).toHaveLength(1);
    drain();
    expect(ready()).toBe(1);
    expect(cache.building).toBe(false);
    const summary = cache.get('container:1', map);
    expect(summary?.count).toBe(50_000);
    // One more mapping: answered in the same frame, from the previous summary.
    const next = map.with({ start: 0x1000n, last: 0x1fffn, value: -1 });
    const updated = cache.get('container:1', next);
    expect(updated?.count).toBe(50_001);
    expect(queue).toHaveLength(0);
    // Back to the first version (an undo): the summary it had.
    expect(cache.get('container:1', map)).toBe(summary);
  });

  it('builds a tree shared by two lanes once, and drops a build no lane waits for', () => {
    const { cache, queue, drain } = manualCache();
    const a = big(10_000);
    expect(cache.get('container:1', a)).toBeUndefined();
    expect(cache.get('domain:1', a)).toBeUndefined();
    const b = big(10_000, 0x10_0000_0000n);
    expect(cache.get('container:1', b)).toBeUndefined();
    expect(cache.get('domain:1', b)).toBeUndefined();
    drain();
    expect(cache.get('container:1', b)?.count).toBe(10_000);
    expect(cache.get('domain:1', b)).toBe(cache.get('container:1', b));
    expect(queue).toHaveLength(0);
  });

  it('resolves idle() once the builds are done', async () => {
    const cache = new SummaryCache();
    await cache.idle();
    expect(cache.get('container:1', big(8_000))).toBeUndefined();
    await cache.idle();
    expect(cache.get('container:1', big(8_000))).toBeUndefined(); // another tree object
    await cache.idle();
    expect(cache.building).toBe(false);
  });
});
