import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply } from '../../../src/core/engine.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';
import { createState } from '../../../src/core/state.ts';
import { describeVfio } from '../../../src/core/vfio/view.ts';
import { checkVfioInvariants } from '../model/invariants.ts';

const U64_MAX = (1n << 64n) - 1n;
const PAGE = 0x1000n;

const unitArb = fc.record({
  kind: fc.constantFrom('vtd' as const, 'amd' as const, 'smmuv3' as const),
  addressWidth: fc.constantFrom(39, 48, 64),
  snoopControl: fc.boolean(),
  interruptRemapping: fc.oneof(
    { arbitrary: fc.constant(true), weight: 4 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  pageSizes: fc.constantFrom<bigint[]>([0x1000n, 0x200000n], [0x1000n, 0x200000n, 0x40000000n]),
});

const regionArb = fc.record({
  start: fc.integer({ min: 0, max: 0x3f }).map((p) => BigInt(p) * 0x10000n),
  pages: fc.integer({ min: 1, max: 32 }),
  type: fc.constantFrom(
    'direct-relaxable' as const,
    'reserved' as const,
    'msi' as const,
    'sw-msi' as const,
  ),
});

const platformArb: fc.Arbitrary<PlatformInput> = fc
  .record({
    units: fc.array(unitArb, { minLength: 1, maxLength: 3 }),
    groups: fc.array(
      fc.record({ unit: fc.nat(2), regions: fc.array(regionArb, { maxLength: 2 }) }),
      { minLength: 1, maxLength: 4 },
    ),
    allowUnsafe: fc.boolean(),
    limit: fc.integer({ min: 1, max: 6 }),
    memlock: fc.option(
      fc.integer({ min: 0, max: 256 }).map((p) => BigInt(p) * PAGE),
      { nil: undefined, freq: 2 },
    ),
    version: fc.constantFrom('6.1', '6.12', '6.18'),
  })
  .map((r) => ({
    kernel: { version: r.version },
    moduleParams: {
      'vfio_iommu_type1.allow_unsafe_interrupts': r.allowUnsafe,
      'vfio_iommu_type1.dma_entry_limit': r.limit,
    },
    process: { memlockLimit: r.memlock ?? null },
    iommus: r.units.map((u, i) => ({ id: `u${i}`, ...u })),
    devices: r.groups.map((g, i) => ({
      bdf: `0000:0${i + 1}:00.0`,
      iommu: `u${g.unit % r.units.length}`,
      group: i + 1,
    })),
    reservedRegions: r.groups.flatMap((g, i) =>
      g.regions.map((x) => ({
        start: x.start,
        last: x.start + BigInt(x.pages) * PAGE - 1n,
        type: x.type,
        group: i + 1,
      })),
    ),
  }));

const iovaArb = fc.oneof(
  fc.integer({ min: 0, max: 0x4ff }).map((p) => BigInt(p) * PAGE),
  fc.constantFrom(0x7ffffff000n, 0xfffffffff000n, 0xfffffffffffff000n, 0x800n, U64_MAX),
);
const sizeArb = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 48 }).map((p) => BigInt(p) * PAGE), weight: 4 },
  fc.constantFrom(0n, 0x800n, 0x200000n, 0x2000n, U64_MAX, 0xfffffffffffff000n),
);
const containerArb = fc.constantFrom(1, 1, 1, 2, 2, 3);
const groupArb = fc.integer({ min: 1, max: 4 });

const mapArb: fc.Arbitrary<Action> = fc
  .record({
    container: containerArb,
    iova: iovaArb,
    size: sizeArb,
    flags: fc.constantFrom(
      ['READ', 'WRITE'],
      ['READ', 'WRITE'],
      ['READ', 'WRITE'],
      ['READ'],
      ['VADDR'],
      [],
      ['READ', '0x8'],
    ),
    vaddr: fc.constantFrom(0x7f0000000000n, 0x7f0000100000n, 0x7f0000000800n, undefined),
  })
  .map((r): Action => {
    const { vaddr, ...rest } = r;
    return vaddr === undefined
      ? { op: 'vfio.map_dma', ...rest }
      : { op: 'vfio.map_dma', ...rest, vaddr };
  });
const unmapArb: fc.Arbitrary<Action> = fc
  .record({
    container: containerArb,
    iova: iovaArb,
    size: sizeArb,
    flags: fc.constantFrom<string[]>([], [], ['ALL'], ['VADDR'], ['ALL', 'VADDR']),
  })
  .map((r): Action =>
    r.flags.includes('ALL')
      ? { op: 'vfio.unmap_dma', ...r, iova: 0n, size: 0n }
      : { op: 'vfio.unmap_dma', ...r },
  );

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: mapArb, weight: 8 },
  { arbitrary: unmapArb, weight: 4 },
  fc.constant<Action>({ op: 'vfio.container_create' }),
  {
    arbitrary: fc
      .record({ group: groupArb, container: containerArb })
      .map((r): Action => ({ op: 'vfio.group_set_container', ...r })),
    weight: 2,
  },
  groupArb.map((group): Action => ({ op: 'vfio.group_unset_container', group })),
  fc
    .record({
      container: containerArb,
      type: fc.constantFrom('type1' as const, 'type1v2' as const, 6),
    })
    .map((r): Action => ({ op: 'vfio.set_iommu', ...r })),
  containerArb.map((container): Action => ({ op: 'vfio.get_info', container })),
  fc.record({ group: groupArb }).map((r): Action => ({
    op: 'vfio.group_get_device_fd',
    group: r.group,
    device: `0000:0${r.group}:00.0`,
  })),
  fc.integer({ min: 1, max: 3 }).map((fd): Action => ({ op: 'vfio.device_close', fd })),
  fc
    .record({
      container: containerArb,
      extension: fc.constantFrom('VFIO_DMA_CC_IOMMU', 'VFIO_TYPE1v2_IOMMU', 10),
    })
    .map((r): Action => ({ op: 'vfio.check_extension', ...r })),
);

describe('vfio type1 invariants under random op sequences (fast-check, seeded)', () => {
  it('random vfio ops keep every invariant; a failed op returns the same state and the same describeVfio', () => {
    fc.assert(
      fc.property(
        platformArb,
        fc.array(actionArb, { minLength: 1, maxLength: 60 }),
        (p, actions) => {
          let state = createState(p);
          // A prefix that usually yields two live containers, so most random ops reach the type1 rules.
          const prefix: Action[] = [
            { op: 'vfio.container_create' },
            { op: 'vfio.container_create' },
            { op: 'vfio.group_set_container', group: 1, container: 1 },
            { op: 'vfio.set_iommu', container: 1, type: 'type1v2' },
            { op: 'vfio.group_set_container', group: 2, container: 2 },
            { op: 'vfio.set_iommu', container: 2, type: 'type1' },
          ];
          for (const action of [...prefix, ...actions]) {
            const before = state;
            const view = describeVfio(before);
            const r = apply(before, action);
            if (!r.outcome.ok) {
              expect(r.state).toBe(before);
              expect(describeVfio(r.state)).toEqual(view);
              expect(r.outcome.message.length).toBeGreaterThan(0);
              expect(r.outcome.rule.length).toBeGreaterThan(0);
            }
            state = r.state;
            checkVfioInvariants(state);
          }
        },
      ),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('a successful map followed by an exact v2 unmap restores dma_avail and locked bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xeff }),
        fc.integer({ min: 1, max: 64 }),
        (page, pages) => {
          let state = createState({
            iommus: [{ id: 'd', kind: 'vtd' }],
            devices: [{ bdf: '0000:01:00.0', group: 1 }],
          });
          for (const a of [
            { op: 'vfio.container_create' },
            { op: 'vfio.group_set_container', group: 1, container: 1 },
            { op: 'vfio.set_iommu', container: 1, type: 'type1v2' },
          ] as Action[])
            state = apply(state, a).state;
          const iova = BigInt(page) * PAGE;
          const size = BigInt(pages) * PAGE;
          const mapped = apply(state, {
            op: 'vfio.map_dma',
            container: 1,
            iova,
            size,
            flags: ['READ', 'WRITE'],
            vaddr: 0x7f0000000000n,
          });
          expect(mapped.outcome.ok).toBe(true);
          const un = apply(mapped.state, {
            op: 'vfio.unmap_dma',
            container: 1,
            iova,
            size,
            flags: [],
          });
          expect(un.outcome).toMatchObject({ ok: true, result: { size } });
          expect(un.state.vfio.lockedBytes).toBe(0n);
          expect(un.state.vfio.containers.get(1)?.driver?.dmaAvail).toBe(65535);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
