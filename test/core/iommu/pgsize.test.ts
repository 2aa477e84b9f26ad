import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafLevel, splitIntoPages } from '../../../src/core/iommu/pgsize.ts';
import { asPgsizeBitmap } from '../../../src/core/u64.ts';

const VTD = asPgsizeBitmap(0x40201000n); // 4K | 2M | 1G
const K4 = 0x1000n;
const M2 = 0x200000n;
const G1 = 0x40000000n;

describe('page split (best case)', () => {
  it('splits q35 low RAM into 1G pages and the 6 GiB high RAM into 1G pages', () => {
    expect(splitIntoPages({ start: 0n, last: 0x7fffffffn }, VTD).totals).toEqual([
      { size: G1, count: 2n, label: '1 GiB' },
    ]);
    expect(splitIntoPages({ start: 0x100000000n, last: 0x27fffffffn }, VTD).totals).toEqual([
      { size: G1, count: 6n, label: '1 GiB' },
    ]);
  });

  it('uses small pages up to the next alignment, large in the middle, small at the tail', () => {
    const s = splitIntoPages({ start: 0x1ff000n, last: 0x40200fffn }, VTD);
    expect(s.runs).toEqual([
      { size: K4, start: 0x1ff000n, count: 1n },
      { size: M2, start: 0x200000n, count: 512n },
      { size: K4, start: 0x40200000n, count: 1n },
    ]);
    expect(s.totals.map((t) => [t.label, t.count])).toEqual([
      ['2 MiB', 512n],
      ['4 KiB', 2n],
    ]);
  });

  it('covers every byte exactly once with aligned pages (oracle: walk page by page)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 36n }),
        fc.bigInt({ min: 1n, max: 1n << 24n }),
        (startPages, lenPages) => {
          const start = startPages * K4;
          const last = start + lenPages * K4 - 1n;
          const s = splitIntoPages({ start, last }, VTD);
          let addr = start;
          for (const run of s.runs) {
            expect(run.start).toBe(addr);
            expect(run.start % run.size).toBe(0n);
            addr += run.size * run.count;
          }
          expect(addr).toBe(last + 1n);
          expect(s.unmappable).toBe(0n);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('reports bytes below the smallest page as unmappable', () => {
    expect(splitIntoPages({ start: 0x800n, last: 0x1fffn }, VTD).unmappable).toBe(0x800n);
  });

  it('names the leaf level of 4K/2M/1G pages', () => {
    expect([leafLevel(K4), leafLevel(M2), leafLevel(G1), leafLevel(0x10000n)]).toEqual([
      1,
      2,
      3,
      undefined,
    ]);
  });
});
