import { describe, expect, it } from 'vitest';
import { pageTableFormat, pageTableUse } from '../../../src/core/iommu/page-table.ts';
import { createState } from '../../../src/core/state.ts';
import type { IommuKind } from '../../../src/core/platform/types.ts';

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;

/** A real unit of the model's platform: its aperture and page sizes as the engine has them. */
function unitOf(kind: IommuKind, addressWidth: number, extra: Record<string, unknown> = {}) {
  const state = createState({ iommus: [{ id: 'u0', kind, addressWidth, ...extra }], devices: [] });
  const unit = state.index.units.get('u0');
  if (!unit) throw new Error('no unit');
  return unit;
}

function formatOf(kind: IommuKind, width: number, extra: Record<string, unknown> = {}) {
  const unit = unitOf(kind, width, extra);
  const f = pageTableFormat(unit, unit.aperture, unit.pgsizeBitmap);
  if (!f) throw new Error('no format');
  return { f, unit };
}

describe('the page-table format of a domain', () => {
  it.each([
    ['vtd', 39, 3],
    ['vtd', 48, 4],
    ['vtd', 57, 5],
    ['amd', 48, 4],
    ['amd', 57, 5],
    ['amd', 64, 6],
  ] as const)('%s at %i bits walks %i levels of 9 bits over 4 KiB pages', (kind, width, levels) => {
    const { f } = formatOf(kind, width);
    expect(f).toMatchObject({ width, levels, granuleShift: 12, bitsPerLevel: 9 });
  });

  it('a VT-d first-stage domain walks the 4-level tables its narrower window sits in', () => {
    const { f, unit } = formatOf('vtd', 48, { firstStage: true });
    expect(unit.aperture.last).toBe((1n << 47n) - 1n);
    expect(f).toMatchObject({ name: 'VT-d first stage', width: 48, levels: 4 });
  });

  it.each([
    [4n * KiB, 48, 12, 9, 4],
    [16n * KiB, 48, 14, 11, 4],
    [64n * KiB, 48, 16, 13, 3],
    [4n * KiB, 39, 12, 9, 3],
  ] as const)(
    'SMMUv3 with a %s-byte granule at %i bits: %i-bit pages, %i bits a level, %i levels',
    (granule, width, shift, bits, levels) => {
      const unit = unitOf('smmuv3', width, { pgsizeBitmap: granule });
      const f = pageTableFormat(unit, unit.aperture, granule as never);
      expect(f).toMatchObject({ granuleShift: shift, bitsPerLevel: bits, width, levels });
    },
  );

  it('the top level resolves only the bits that are left', () => {
    const unit = unitOf('smmuv3', 48, { pgsizeBitmap: 64n * KiB });
    const f = pageTableFormat(unit, unit.aperture, (64n * KiB) as never)!;
    const use = pageTableUse(f, { start: 0n, last: 64n * KiB - 1n }, (64n * KiB) as never);
    expect(use.map((l) => [l.level, l.lowBit, l.highBit])).toEqual([
      [3, 42, 47],
      [2, 29, 41],
      [1, 16, 28],
    ]);
    const amd = formatOf('amd', 64).f;
    expect(pageTableUse(amd, { start: 0n, last: 0xfffn }, (4n * KiB) as never)[0]).toMatchObject({
      level: 6,
      lowBit: 57,
      highBit: 63,
    });
  });

  it('the selftest mock domain has no page table to show', () => {
    const unit = unitOf('mock', 48);
    expect(pageTableFormat(unit, unit.aperture, unit.pgsizeBitmap)).toBeUndefined();
  });
});

describe('the entries a mapping occupies', () => {
  const { f, unit } = formatOf('vtd', 48);
  const pgsizes = unit.pgsizeBitmap; // 4 KiB | 2 MiB | 1 GiB

  it('a 2 MiB-aligned 2 MiB mapping is one leaf at level 2; misaligned by 4 KiB it is 512 leaves', () => {
    const aligned = pageTableUse(f, { start: 2n * GiB, last: 2n * GiB + 2n * MiB - 1n }, pgsizes);
    const leaves = (u: typeof aligned) => u.reduce((n, l) => n + l.leafEntries, 0n);
    expect(aligned.map((l) => [l.level, l.leafEntries, l.tableEntries])).toEqual([
      [4, 0n, 1n],
      [3, 0n, 1n],
      [2, 1n, 0n],
      [1, 0n, 0n],
    ]);
    const start = 2n * GiB + 4n * KiB;
    const misaligned = pageTableUse(f, { start, last: start + 2n * MiB - 1n }, pgsizes);
    // 511 pages up to the next 2 MiB boundary and 1 after it: two level-1 tables.
    expect(misaligned.map((l) => [l.level, l.leafEntries, l.tableEntries])).toEqual([
      [4, 0n, 1n],
      [3, 0n, 1n],
      [2, 0n, 2n],
      [1, 512n, 0n],
    ]);
    expect(leaves(misaligned) / leaves(aligned)).toBe(512n);
  });

  it('gives the index bits of the first and last IOVA at each level', () => {
    const r = { start: 0x7f_ffe0_0000n, last: 0x80_0020_0fffn };
    const use = pageTableUse(f, r, pgsizes);
    expect(use.map((l) => [l.level, l.lowBit, l.highBit, l.firstIndex, l.lastIndex])).toEqual([
      [4, 39, 47, 0n, 1n],
      [3, 30, 38, 0x1ffn, 0n],
      [2, 21, 29, 0x1ffn, 1n],
      [1, 12, 20, 0n, 0n],
    ]);
    // 2 MiB at 0x7fffe00000, then 2 MiB at 0x8000000000, then one 4 KiB page.
    expect(use.map((l) => l.leafEntries)).toEqual([0n, 0n, 2n, 1n]);
    expect(use.map((l) => l.tableEntries)).toEqual([2n, 2n, 1n, 0n]);
  });

  it('a 1 GiB-aligned 3 GiB mapping is three leaves at level 3 under one root entry', () => {
    const use = pageTableUse(f, { start: 4n * GiB, last: 7n * GiB - 1n }, pgsizes);
    expect(use.map((l) => [l.leafEntries, l.tableEntries])).toEqual([
      [0n, 1n],
      [3n, 0n],
      [0n, 0n],
      [0n, 0n],
    ]);
  });

  it('AMD-Vi pages between level sizes are replicated entries of the level below', () => {
    const amd = formatOf('amd', 48);
    const use = pageTableUse(amd.f, { start: 0n, last: 16n * KiB - 1n }, amd.unit.pgsizeBitmap);
    // One 16 KiB page: four level-1 entries.
    expect(use.map((l) => [l.level, l.leafEntries, l.tableEntries])).toEqual([
      [4, 0n, 1n],
      [3, 0n, 1n],
      [2, 0n, 1n],
      [1, 4n, 0n],
    ]);
  });
});
