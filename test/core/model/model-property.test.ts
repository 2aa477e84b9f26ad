import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply, createState, type EngineState } from '../../../src/core/engine.ts';
import { describeIommufd } from '../../../src/core/iommufd/view.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';
import { describeVfio } from '../../../src/core/vfio/view.ts';
import { checkIommufdInvariants, checkVfioInvariants } from './invariants.ts';

/**
 * Both uAPI models driven together in long random sequences over platforms with several IOMMU
 * units of every kind and mixed page sizes, with adversarial values (0, 2^64-1, unaligned, huge,
 * dead and unresolved ids). After every step: the engine did not throw; a failed op returned the
 * identical state (unless the kernel is not atomic there and the outcome says `partial`); every
 * invariant of both models holds (no overlap, inside the valid IOVA list / outside reservations,
 * expressible in every domain's page sizes, live references, accounting); and the state before
 * the step still describes exactly as it did (so undo, which returns to it, restores it exactly).
 *
 * Seeded and sized for CI. `npm run fuzz` runs it long (FUZZ_RUNS sequences of up to FUZZ_STEPS
 * steps, a fresh seed unless FUZZ_SEED is set) and prints what it ran.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const STEPS = Number(process.env.FUZZ_STEPS ?? 40);
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : process.env.FUZZ_RUNS
    ? Date.now() % 2 ** 31
    : 2026;

const U64_MAX = (1n << 64n) - 1n;
const K = 0x1000n;
const M2 = 0x200000n;
const G1 = 0x40000000n;

type Unit = NonNullable<PlatformInput['iommus']>[number];

const unitArb: fc.Arbitrary<Omit<Unit, 'id'>> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('vtd' as const, 'amd' as const),
    addressWidth: fc.constantFrom(39, 48),
    pageSizes: fc.constantFrom<bigint[]>([K, M2], [K, M2, G1]),
    snoopControl: fc.boolean(),
    interruptRemapping: fc.constant(true),
  }),
  fc.record({
    kind: fc.constant('smmuv3' as const),
    addressWidth: fc.constantFrom(44, 48),
    // mixed granules: a unit whose smallest page is 2 MiB cannot take 4 KiB mappings
    pageSizes: fc.constantFrom<bigint[]>([K, M2, G1], [M2, G1]),
    snoopControl: fc.boolean(),
    interruptRemapping: fc.constant(true),
  }),
  fc.record({
    kind: fc.constant('mock' as const),
    pageSizes: fc.constantFrom<bigint[]>([0x800n], [0x800n, 0x100000n]),
    interruptRemapping: fc.constant(true),
  }),
);

const GROUPS = 4;
const BDFS = ['0000:01:00.0', '0000:02:00.0', '0000:03:00.0', '0000:04:00.0', '0000:04:00.1'];

const platformArb: fc.Arbitrary<PlatformInput> = fc
  .record({
    units: fc.array(unitArb, { minLength: 2, maxLength: 5 }),
    placement: fc.array(fc.nat(4), { minLength: GROUPS, maxLength: GROUPS }),
    msi: fc.boolean(),
    memlock: fc.option(fc.constantFrom(0x10000n, 0x400000n), { nil: undefined }),
    version: fc.constantFrom('6.6', '6.12', '6.18'),
    // Half the platforms start with two SMMUv3 units of different granules behind groups 1 and 2.
    granulePair: fc.boolean(),
  })
  .map((r) => {
    const pair: Omit<Unit, 'id'>[] = [
      { kind: 'smmuv3', addressWidth: 48, pageSizes: [K, M2, G1], interruptRemapping: true },
      { kind: 'smmuv3', addressWidth: 48, pageSizes: [M2, G1], interruptRemapping: true },
    ];
    const units = r.granulePair ? [...pair, ...r.units] : r.units;
    const placement = r.granulePair ? [0, 1, ...r.placement.slice(2)] : r.placement;
    const ids = units.map((_, i) => `u${i}`);
    const unitOf = (g: number): string => ids[(placement[g] ?? 0) % ids.length] as string;
    return {
      kernel: { version: r.version, kernelPageSize: K, CONFIG_TRANSPARENT_HUGEPAGE: true },
      process: { memlockLimit: r.memlock ?? null },
      iommus: units.map((u, i) => ({ ...u, id: ids[i] as string })),
      devices: BDFS.map((bdf, i) => ({ bdf, iommu: unitOf(Math.min(i, GROUPS - 1)) })).map(
        (d, i) => ({ ...d, group: Math.min(i, GROUPS - 1) + 1 }),
      ),
      reservedRegions: r.msi
        ? [1, 2, 3, 4].map((group) => ({
            start: 0xfee00000n,
            last: 0xfeefffffn,
            type: 'msi' as const,
            group,
          }))
        : [],
    };
  });

const ref = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom<number | string>(0, -1, 99, 2 ** 31, 1.5, '$gone') },
);
/** Container fds: mostly the one the prefix made, sometimes a second, sometimes a dead one. */
const container = fc.constantFrom<number | string>(1, 1, 1, 2, 99, '$gone');
const group = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: GROUPS }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 77) },
);
const addr = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 0x40 }).map((n) => BigInt(n) * K) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 8 }).map((n) => BigInt(n) * M2) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0n, 0x800n, 0xfee00000n, 0xfffffffff000n, U64_MAX - K + 1n, U64_MAX),
  },
);
const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }).map((n) => BigInt(n) * K) },
  { weight: 2, arbitrary: fc.constantFrom(M2, 2n * M2) },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n, 0x800n, 1n << 63n, U64_MAX) },
);
const vaddr = fc.constantFrom(
  0x7f0000000000n,
  0x7f0000000000n,
  0x7f0000200000n,
  0x7f0000000800n,
  U64_MAX - K + 1n,
);
const mapFlags = fc.constantFrom<string[]>(
  ['READ', 'WRITE'],
  ['READ', 'WRITE'],
  ['READ'],
  [],
  ['WRITE', '0x40'],
  ['READ', '0xzz'],
);
const unmapFlags = fc.constantFrom<string[]>([], [], ['ALL'], ['VADDR']);
const ioasFlags = fc.constantFrom<string[]>(
  ['READABLE', 'WRITEABLE'],
  ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
  ['FIXED_IOVA', 'READABLE'],
  [],
  ['READABLE', 'BOGUS'],
);

const vfioAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ op: 'vfio.container_create' }),
  {
    weight: 3,
    arbitrary: fc
      .record({ group, container })
      .map((r): Action => ({ op: 'vfio.group_set_container', ...r })),
  },
  group.map((g): Action => ({ op: 'vfio.group_unset_container', group: g })),
  fc
    .record({
      container: ref,
      type: fc.constantFrom<'type1' | 'type1v2' | number>('type1v2', 'type1', 6, 0),
    })
    .map((r): Action => ({ op: 'vfio.set_iommu', ...r })),
  {
    weight: 6,
    arbitrary: fc
      .record({ container, iova: addr, size, flags: mapFlags, vaddr })
      .map((r): Action => ({ op: 'vfio.map_dma', ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ container, iova: addr, size, flags: unmapFlags })
      .map((r): Action => ({ op: 'vfio.unmap_dma', ...r })),
  },
  container.map((c): Action => ({ op: 'vfio.get_info', container: c })),
  fc
    .record({ group, device: fc.constantFrom(...BDFS, 'nope') })
    .map((r): Action => ({ op: 'vfio.group_get_device_fd', ...r })),
  ref.map((fd): Action => ({ op: 'vfio.device_close', fd })),
);

const iommufdAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ op: 'iommufd.ioas_alloc' }),
  fc.constantFrom(...BDFS).map((device): Action => ({ op: 'iommufd.device_bind', device })),
  {
    weight: 3,
    arbitrary: fc
      .record({ dev: ref, pt: ref })
      .map((r): Action => ({ op: 'iommufd.device_attach', ...r })),
  },
  fc.record({ dev: ref, pt: ref }).map((r): Action => ({ op: 'iommufd.hwpt_alloc', ...r })),
  ref.map((dev): Action => ({ op: 'iommufd.device_detach', dev })),
  ref.map((dev): Action => ({ op: 'iommufd.device_unbind', dev })),
  ref.map((id): Action => ({ op: 'iommufd.destroy', id })),
  {
    weight: 6,
    arbitrary: fc
      .record({ ioas: ref, iova: addr, length: size, flags: ioasFlags, user_va: vaddr })
      .map((r): Action => ({ op: 'iommufd.ioas_map', ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ ioas: ref, iova: addr, length: size })
      .map((r): Action => ({ op: 'iommufd.ioas_unmap', ...r })),
  },
  fc
    .record({
      src_ioas: ref,
      dst_ioas: ref,
      src_iova: addr,
      dst_iova: addr,
      length: size,
      flags: ioasFlags,
    })
    .map((r): Action => ({ op: 'iommufd.ioas_copy', ...r })),
  fc.record({ ioas: ref, a: addr, b: size }).map((r): Action => ({
    op: 'iommufd.ioas_allow_iovas',
    ioas: r.ioas,
    ranges: [{ start: r.a, last: r.a + r.b }],
  })),
  ref.map((ioas): Action => ({ op: 'iommufd.ioas_iova_ranges', ioas })),
);

const actionArb = fc.oneof(vfioAction, iommufdAction);

/** Everything the UI and the CLI read back from a state. */
function describe2(s: EngineState): unknown {
  return { vfio: describeVfio(s), iommufd: describeIommufd(s) };
}

let stepsRun = 0;
let failures = 0;
let partials = 0;

/**
 * Every sequence starts by building a little of both worlds (a type1 container with a group, an
 * IOAS with two bound devices attached), so the random steps mostly reach the rules. These steps
 * may fail on some platforms; they are checked like the rest.
 */
const PREFIX: readonly Action[] = [
  { op: 'vfio.container_create' },
  { op: 'vfio.group_set_container', group: 1, container: 1 },
  { op: 'vfio.set_iommu', container: 1, type: 'type1v2' },
  { op: 'iommufd.device_bind', device: '0000:03:00.0' },
  { op: 'iommufd.device_bind', device: '0000:04:00.0' },
  { op: 'iommufd.ioas_alloc' },
  { op: 'iommufd.device_attach', dev: 1, pt: 3 },
];

function runSequence(p: PlatformInput, random: readonly Action[]): void {
  let state = createState(p);
  for (const action of [...PREFIX, ...random]) {
    const before = state;
    const view = describe2(before);
    let r: ReturnType<typeof apply>;
    try {
      r = apply(before, action);
    } catch (e) {
      throw new Error(
        `the engine threw on ${JSON.stringify(action, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}: ${String(e)}`,
        { cause: e },
      );
    }
    stepsRun++;
    if (!r.outcome.ok) {
      failures++;
      expect(r.outcome.message.length).toBeGreaterThan(0);
      if (r.outcome.partial) partials++;
      else expect(r.state).toBe(before);
    }
    // The previous state is untouched: undo returns to it exactly.
    expect(describe2(before)).toEqual(view);
    checkVfioInvariants(r.state);
    checkIommufdInvariants(r.state);
    state = r.state;
  }
}

describe('both uAPI models under long random sequences (seeded)', () => {
  it(`keeps every invariant over ${RUNS} sequences of up to ${STEPS} steps`, () => {
    fc.assert(
      fc.property(
        platformArb,
        fc.array(actionArb, { minLength: 1, maxLength: STEPS, size: 'max' }),
        runSequence,
      ),
      { seed: SEED, numRuns: RUNS },
    );
    if (process.env.FUZZ_RUNS)
      console.log(
        `fuzz: seed ${SEED}, ${RUNS} sequences, ${stepsRun} steps, ${failures} refusals (${partials} partial), 0 breaks`,
      );
    // The sequences must reach the rules, not only the argument checks.
    expect(stepsRun - failures).toBeGreaterThan(stepsRun / 10);
  });
});
