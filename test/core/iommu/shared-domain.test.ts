import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply, createState, type EngineState } from '../../../src/core/engine.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';
import { describeVfio } from '../../../src/core/vfio/view.ts';

/**
 * Both uAPIs over one platform with two IOMMU units of the same kind, one device (and group)
 * behind each: does the second device share the first one's domain? The driver's `attach_dev`
 * answer comes from one place (src/core/iommu/domain.ts), so type1's domain reuse and iommufd's
 * automatic HWPT search must agree wherever type1's own reuse key (same ops, same
 * enforce_cache_coherency) is met; they may differ only on that key.
 */

type Unit = NonNullable<PlatformInput['iommus']>[number];
type Kind = Unit['kind'];

const SIZES: Record<Kind, bigint[]> = {
  vtd: [0x1000n, 0x200000n, 0x40000000n],
  amd: [0x1000n, 0x200000n, 0x40000000n],
  smmuv3: [0x1000n, 0x200000n, 0x40000000n],
  mock: [0x800n],
};
const OTHER_SIZES: Record<Kind, bigint[]> = {
  vtd: [0x1000n, 0x200000n],
  amd: [0x1000n, 0x200000n],
  smmuv3: [0x1000n, 0x200000n],
  mock: [0x800n, 0x100000n],
};

function unit(kind: Kind, id: string, extra: Partial<Unit> = {}): Unit {
  return {
    id,
    kind,
    ...(kind === 'mock' ? {} : { addressWidth: 48 }),
    pageSizes: SIZES[kind],
    snoopControl: true,
    interruptRemapping: true,
    ...extra,
  };
}

type Variant = 'same' | 'page sizes' | 'width' | 'snoop lost' | 'snoop gained';
const VARIANTS: Record<Variant, (kind: Kind) => [Partial<Unit>, Partial<Unit>]> = {
  same: () => [{}, {}],
  'page sizes': (k) => [{}, { pageSizes: OTHER_SIZES[k] }],
  width: () => [{}, { addressWidth: 39 }],
  'snoop lost': () => [{}, { snoopControl: false }],
  'snoop gained': () => [{ snoopControl: false }, {}],
};

function twoUnits(kind: Kind, variant: Variant): PlatformInput {
  const [a, b] = VARIANTS[variant](kind);
  const ids = kind === 'vtd' ? ['dmar0', 'dmar1'] : [`${kind}0`, `${kind}1`];
  const msi = kind === 'smmuv3' || kind === 'mock' ? [] : [0, 1];
  return {
    kernel: { kernelPageSize: 0x1000n, CONFIG_TRANSPARENT_HUGEPAGE: true, HPAGE_SIZE: 0x200000n },
    iommus: [unit(kind, ids[0]!, a), unit(kind, ids[1]!, b)],
    devices: [
      { bdf: '0000:01:00.0', iommu: ids[0]!, group: 10 },
      { bdf: '0000:02:00.0', iommu: ids[1]!, group: 11 },
    ],
    reservedRegions: msi.map((i) => ({
      start: 0xfee00000n,
      last: 0xfeefffffn,
      type: 'msi' as const,
      group: 10 + i,
    })),
  };
}

function run(p: PlatformInput, actions: Action[]): EngineState {
  let state = createState(p);
  for (const a of actions) {
    const r = apply(state, a);
    if (!r.outcome.ok)
      throw new Error(`${a.op}: ${r.outcome.errno} ${r.outcome.rule}: ${r.outcome.message}`);
    state = r.state;
  }
  return state;
}

function type1Domains(p: PlatformInput): number {
  const s = run(p, [
    { op: 'vfio.container_create' },
    { op: 'vfio.group_set_container', group: 10, container: 1 },
    { op: 'vfio.set_iommu', container: 1, type: 'type1v2' },
    { op: 'vfio.group_set_container', group: 11, container: 1 },
  ]);
  return describeVfio(s)[0]!.domains.length;
}

function iommufdHwpts(p: PlatformInput): number {
  const s = run(p, [
    { op: 'iommufd.device_bind', device: '0000:01:00.0' },
    { op: 'iommufd.device_bind', device: '0000:02:00.0' },
    { op: 'iommufd.ioas_alloc' },
    { op: 'iommufd.device_attach', dev: 1, pt: 3 },
    { op: 'iommufd.device_attach', dev: 2, pt: 3 },
  ]);
  return [...s.iommufd.objects.values()].filter((o) => o.kind === 'hwpt').length;
}

/**
 * Domains each uAPI ends with, from the drivers' attach checks: VT-d `paging_domain_compatible`
 * refuses other superpage sizes, a wider domain, and a coherency-enforcing domain on a unit
 * without SC; SMMUv3 domains never span instances; AMD-Vi and the mock accept any device of their
 * driver. type1 also keys reuse on enforce_cache_coherency (AMD always enforces).
 */
function everyVariant(n: number): Record<Variant, { type1: number; iommufd: number }> {
  const one = { type1: n, iommufd: n };
  return { same: one, 'page sizes': one, width: one, 'snoop lost': one, 'snoop gained': one };
}

const EXPECTED: Record<Kind, Record<Variant, { type1: number; iommufd: number }>> = {
  vtd: {
    same: { type1: 1, iommufd: 1 },
    'page sizes': { type1: 2, iommufd: 2 },
    width: { type1: 2, iommufd: 2 },
    'snoop lost': { type1: 2, iommufd: 2 },
    'snoop gained': { type1: 2, iommufd: 1 },
  },
  // AMD-Vi accepts any AMD device and always enforces coherency: one domain for both.
  amd: everyVariant(1),
  // An SMMUv3 domain never spans two instances.
  smmuv3: everyVariant(2),
  mock: {
    same: { type1: 1, iommufd: 1 },
    'page sizes': { type1: 1, iommufd: 1 },
    width: { type1: 1, iommufd: 1 },
    'snoop lost': { type1: 2, iommufd: 1 },
    'snoop gained': { type1: 2, iommufd: 1 },
  },
};

describe('one IOMMU layer under type1 and iommufd', () => {
  for (const kind of ['vtd', 'amd', 'smmuv3', 'mock'] as const) {
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      it(`${kind}, two units, ${variant}: domains as the drivers decide`, () => {
        const p = twoUnits(kind, variant);
        const got = { type1: type1Domains(p), iommufd: iommufdHwpts(p) };
        expect(got).toEqual(EXPECTED[kind][variant]);
      });
    }
  }

  it('the uAPIs differ only where type1 keys reuse on cache coherency', () => {
    for (const kind of ['vtd', 'amd', 'smmuv3', 'mock'] as const) {
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        const e = EXPECTED[kind][variant];
        if (e.type1 !== e.iommufd) expect(variant).toMatch(/^snoop/);
      }
    }
  });
});
