import { describe, expect, it } from 'vitest';
import { pageTableFormat, pageTableUse } from '../../../src/core/iommu/page-table.ts';
import { lessonById, replayLessonThrough } from '../../../src/core/lessons/index.ts';
import type { Range } from '../../../src/core/u64.ts';
import { addressSpaces } from '../../../src/store/address-spaces.ts';

const lesson = lessonById('page-tables-2mib-alignment')!;

/** The walk of `r` in the lesson's one domain once every step up to `stepIndex` is done. */
function walkAt(stepIndex: number, r: Range) {
  const state = replayLessonThrough(lesson, stepIndex).state;
  const container = addressSpaces(state).containers[0]!;
  expect(container.mappings.at(r.start)).toMatchObject({ start: r.start, last: r.last });
  const domain = container.domains[0]!;
  const unit = state.index.units.get(domain.iommu)!;
  const format = pageTableFormat(unit, domain.aperture, domain.pgsizeBitmap)!;
  const use = pageTableUse(format, r, domain.pgsizeBitmap);
  return {
    format,
    leaves: Object.fromEntries(use.map((l) => [l.level, l.leafEntries])),
    tables: Object.fromEntries(use.map((l) => [l.level, l.tableEntries])),
  };
}

const step = (title: string) => lesson.steps.findIndex((s) => s.title === title);

describe('the page-table lesson says what the engine walks', () => {
  it('4 levels of 9 bits over 48-bit IOVAs, as the lesson explains', () => {
    const w = walkAt(step('Map a hugepage at a 2 MiB-aligned IOVA'), {
      start: 0x40000000n,
      last: 0x401fffffn,
    });
    expect(w.format).toMatchObject({ name: 'VT-d second stage', levels: 4, bitsPerLevel: 9 });
  });

  it('the aligned hugepage is 1 leaf at level 2, one table entry at levels 4 and 3', () => {
    const w = walkAt(step('Map a hugepage at a 2 MiB-aligned IOVA'), {
      start: 0x40000000n,
      last: 0x401fffffn,
    });
    expect(w.leaves).toEqual({ 4: 0n, 3: 0n, 2: 1n, 1: 0n });
    expect(w.tables).toEqual({ 4: 1n, 3: 1n, 2: 0n, 1: 0n });
  });

  it('4 KiB off, the same 2 MiB is 512 leaves at level 1 in two tables: 512 times the leaves', () => {
    const w = walkAt(step('The same 2 MiB, 4 KiB off'), {
      start: 0x40401000n,
      last: 0x40600fffn,
    });
    expect(w.leaves).toEqual({ 4: 0n, 3: 0n, 2: 0n, 1: 512n });
    expect(w.tables[2]).toBe(2n);
  });

  it('1 GiB at a 1 GiB multiple is a single leaf at level 3', () => {
    const w = walkAt(step('One entry for a whole gigabyte'), {
      start: 0x80000000n,
      last: 0xbfffffffn,
    });
    expect(w.leaves).toEqual({ 4: 0n, 3: 1n, 2: 0n, 1: 0n });
  });

  it('moved to 0x40400000, the hugepage is one level-2 leaf again', () => {
    const w = walkAt(step('Map it where it fits a 2 MiB page'), {
      start: 0x40400000n,
      last: 0x405fffffn,
    });
    expect(w.leaves).toEqual({ 4: 0n, 3: 0n, 2: 1n, 1: 0n });
  });
});
