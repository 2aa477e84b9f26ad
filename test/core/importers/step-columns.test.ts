import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnBuffers,
  StepColumnsReader,
  StepColumnsWriter,
} from '../../../src/core/importers/step-columns.ts';

/** Steps written into columns read back equal, in order, with their tags and lines. */

function roundTrip(steps: readonly { step: object; tag: number; line: number }[]) {
  const w = new StepColumnsWriter<object>();
  for (const s of steps) w.push(s.step, s.tag, s.line);
  const cols = w.finish();
  // What a worker transfers: the columns survive a structured clone of their buffers.
  const copy = structuredClone(cols, { transfer: columnBuffers(cols) });
  const r = new StepColumnsReader(copy);
  const out: { step: unknown; tag: number; line: number }[] = [];
  while (!r.done) out.push({ step: r.next(), tag: r.tag, line: r.line });
  return { out, cols: copy };
}

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('step columns', () => {
  it('read back the steps written, DMA steps in columns and the rest whole', () => {
    const steps = [
      { step: { op: 'vfio.container_create', as: 'container' }, tag: 1, line: 0 },
      {
        step: { op: 'vfio.group_set_container', group: 4, container: '$container' },
        tag: 1,
        line: 0,
      },
      {
        step: {
          op: 'vfio.map_dma',
          container: '$container',
          iova: 0x100000000n,
          size: 0x200000n,
          flags: ['READ', 'WRITE'],
          vaddr: 0x7f1c40000000n,
        },
        tag: 3,
        line: 9,
      },
      {
        step: {
          op: 'vfio.unmap_dma',
          container: '$container',
          iova: 0xfffffffffffff000n,
          size: 0x1000n,
          flags: [],
        },
        tag: 2,
        line: 4_000_000_000,
      },
      // A DMA step with a field the columns do not hold is kept whole.
      {
        step: {
          op: 'vfio.map_dma',
          container: 1,
          iova: 0n,
          size: 0x1000n,
          flags: ['READ'],
          expect: { ok: true },
        },
        tag: 1,
        line: 12,
      },
    ];
    const { out, cols } = roundTrip(steps);
    expect(out).toEqual(steps);
    expect(cols.others).toHaveLength(3);
    expect(cols.shapes).toHaveLength(2);
  });

  it('read back any 64-bit values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ iova: u64, size: u64, vaddr: fc.option(u64, { nil: undefined }) }), {
          maxLength: 40,
        }),
        (xs) => {
          const steps = xs.map((x, i) => ({
            step: {
              op: 'vfio.map_dma',
              container: '$container',
              iova: x.iova,
              size: x.size,
              flags: ['READ'],
              ...(x.vaddr !== undefined ? { vaddr: x.vaddr } : {}),
            },
            tag: i % 4,
            line: i,
          }));
          expect(roundTrip(steps).out).toEqual(steps);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('give each DMA step its own flags array', () => {
    const step = {
      op: 'vfio.unmap_dma',
      container: '$c',
      iova: 0n,
      size: 0x1000n,
      flags: ['X'],
    };
    const { out } = roundTrip([
      { step, tag: 0, line: 0 },
      { step, tag: 0, line: 0 },
    ]);
    const [a, b] = out.map((o) => o.step as { flags: string[] });
    expect(a?.flags).not.toBe(b?.flags);
  });
});
