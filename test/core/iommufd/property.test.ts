import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply, createState } from '../../../src/core/engine.ts';
import type { IoasObject } from '../../../src/core/iommufd/state.ts';
import { checkIommufdInvariants } from '../model/invariants.ts';
import { KERNEL, MSI } from './helpers.ts';

/**
 * Random iommufd op sequences keep the model's invariants (seeded, reproducible):
 * areas never overlap and never cover a reserved IOVA, every reference points to a live object,
 * accounting and alignment match a recomputation, and a failed op returns the identical state —
 * except the non-atomic unmap, where exactly the earlier whole areas are gone.
 */

const platform = createState({
  kernel: KERNEL,
  process: { memlockLimit: 0x40000n },
  iommus: [
    {
      id: 'dmar0',
      kind: 'vtd',
      addressWidth: 39,
      pageSizes: [0x1000n, 0x200000n],
      snoopControl: true,
    },
    {
      id: 'dmar1',
      kind: 'vtd',
      addressWidth: 48,
      pageSizes: [0x1000n, 0x200000n],
      snoopControl: false,
    },
  ],
  devices: [
    { bdf: '0000:01:00.0', iommu: 'dmar0', group: 10 },
    { bdf: '0000:03:00.0', iommu: 'dmar1', group: 12 },
    { bdf: '0000:03:00.1', iommu: 'dmar1', group: 12 },
  ],
  reservedRegions: [
    { ...MSI, type: 'msi', group: 10 },
    { ...MSI, type: 'msi', group: 12 },
    { start: 0x40000n, last: 0x4ffffn, type: 'reserved', device: '0000:03:00.1' },
  ],
});

const BDFS = ['0000:01:00.0', '0000:03:00.0', '0000:03:00.1'];
const id = fc.integer({ min: 1, max: 7 });
// IOAS ids 1 and 2 exist from the start; other ids exercise lookups of missing or wrong objects.
const ioasId = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(1, 2) },
  { weight: 1, arbitrary: id },
);
const unmapLen = fc.integer({ min: 1, max: 0x30 }).map((n) => BigInt(n) * 0x1000n);
// Page-ish addresses in a small window plus a few edge values, so collisions are frequent.
const addr = fc.oneof(
  fc.integer({ min: 0, max: 0x60 }).map((n) => BigInt(n) * 0x1000n),
  fc.integer({ min: 0, max: 0x60 }).map((n) => BigInt(n) * 0x1000n + 0x800n),
  fc.constantFrom(0xfedff000n, 0xfee00000n, 0x8000000000n, 0xfffffffffffff000n),
);
const len = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((n) => BigInt(n) * 0x1000n),
  fc.constantFrom(0x800n, 0x1n, 0x11000n, 0xffffffffffffffffn),
);
const va = fc.constantFrom(0x200000n, 0x201000n, 0x200800n, 0x40000000n);
const flags = fc.constantFrom(
  ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
  ['READABLE', 'WRITEABLE'],
  ['READABLE'],
  ['FIXED_IOVA', 'READABLE'],
);

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ op: 'iommufd.ioas_alloc' }),
  fc
    .record({ ioas: ioasId, iova: addr, length: len, flags, user_va: va })
    .map((r): Action => ({ op: 'iommufd.ioas_map', ...r })),
  fc
    .record({ ioas: ioasId, iova: addr, length: len, flags, user_va: va })
    .map((r): Action => ({ op: 'iommufd.ioas_map', ...r })),
  fc
    .record({ ioas: ioasId, iova: addr, length: len })
    .map((r): Action => ({ op: 'iommufd.ioas_unmap', ...r })),
  fc
    .record({ ioas: ioasId, iova: addr, length: unmapLen })
    .map((r): Action => ({ op: 'iommufd.ioas_unmap', ...r })),
  fc.record({ ioas: id }).map((r): Action => ({
    op: 'iommufd.ioas_unmap',
    ioas: r.ioas,
    iova: 0n,
    length: 0xffffffffffffffffn,
  })),
  fc
    .record({
      src_ioas: ioasId,
      dst_ioas: ioasId,
      src_iova: addr,
      length: len,
      dst_iova: addr,
      flags,
    })
    .map((r): Action => ({ op: 'iommufd.ioas_copy', ...r })),
  fc
    .record({ ioas: id, start: addr, length: len })
    .map((r): Action => ({ op: 'iommufd.test_add_reserved', ...r })),
  fc.record({ ioas: id, a: addr, b: len }).map((r): Action => ({
    op: 'iommufd.ioas_allow_iovas',
    ioas: r.ioas,
    ranges: r.b === 0x1n ? [] : [{ start: r.a, last: r.a + 0x8000n }],
  })),
  fc.constantFrom(...BDFS).map((device): Action => ({ op: 'iommufd.device_bind', device })),
  fc.record({ dev: id, pt: id }).map((r): Action => ({ op: 'iommufd.device_attach', ...r })),
  fc.record({ dev: id, pt: id }).map((r): Action => ({ op: 'iommufd.hwpt_alloc', ...r })),
  id.map((dev): Action => ({ op: 'iommufd.device_detach', dev })),
  id.map((dev): Action => ({ op: 'iommufd.device_unbind', dev })),
  id.map((i): Action => ({ op: 'iommufd.destroy', id: i })),
  fc
    .record({ object_id: id, val: fc.constantFrom(0, 1) })
    .map((r): Action => ({ op: 'iommufd.option', option: 'huge_pages', mode: 'set', ...r })),
);

describe('iommufd model invariants under random op sequences', () => {
  it('keeps every invariant; failures return the identical state except partial unmaps', () => {
    let ops = 0;
    let partials = 0;
    let successes = 0;
    fc.assert(
      fc.property(fc.array(action, { minLength: 5, maxLength: 40 }), (actions) => {
        let s = platform;
        // A useful start: two IOAS, two devices bound and one attached.
        for (const a of [
          { op: 'iommufd.ioas_alloc' },
          { op: 'iommufd.ioas_alloc' },
          { op: 'iommufd.device_bind', device: '0000:01:00.0' },
          { op: 'iommufd.device_bind', device: '0000:03:00.0' },
          { op: 'iommufd.device_attach', dev: 3, pt: 1 },
        ] as Action[])
          s = apply(s, a).state;
        for (const a of actions) {
          const r = apply(s, a);
          ops++;
          if (r.outcome.ok) successes++;
          else if (r.outcome.partial) {
            partials++;
            expect(a.op).toBe('iommufd.ioas_unmap');
            if (a.op !== 'iommufd.ioas_unmap') return;
            const before = (s.iommufd.objects.get(a.ioas as number) as IoasObject).areas.toArray();
            const after = (
              r.state.iommufd.objects.get(a.ioas as number) as IoasObject
            ).areas.toArray();
            const last = a.iova + a.length - 1n;
            const blocker = before.find(
              (x) => x.start <= last && a.iova <= x.last && (x.start < a.iova || x.last > last),
            );
            expect(blocker).toBeDefined();
            const expected = before.filter(
              (x) => !(x.start >= a.iova && x.last <= last && x.start < (blocker?.start ?? 0n)),
            );
            expect(after.map((x) => x.start)).toEqual(expected.map((x) => x.start));
          } else {
            expect(r.state).toBe(s);
          }
          s = r.state;
          checkIommufdInvariants(s);
        }
      }),
      { seed: 7, numRuns: 250 },
    );
    // The generator must actually exercise both paths.
    expect(successes).toBeGreaterThan(ops / 10);
    expect(partials).toBeGreaterThan(0);
  });
});
