import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  load,
  save,
  saveConformance,
  type ConformanceScenario,
  type Scenario,
} from '../../../src/core/scenario/index.ts';
import { U64_MAX } from '../../../src/core/u64.ts';

/** save(x) then load gives x back, for generated scenarios (DESIGN.md §8: seeded property tests). */

const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.constantFrom(
    0n,
    1n,
    0xfffn,
    0x1000n,
    (1n << 63n) - 1n,
    1n << 63n,
    (1n << 63n) + 1n,
    U64_MAX - 0xfffn,
    U64_MAX,
  ),
);
const id = fc.integer({ min: 0, max: 0xffffffff });
const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);
const ref = fc.oneof(
  id,
  name.map((n) => `$${n}`),
);
const rawBits = u64.map((v) => `0x${v.toString(16)}`);
const flags = (names: string[]) =>
  fc.array(names.length > 0 ? fc.oneof(fc.constantFrom(...names), rawBits) : rawBits, {
    maxLength: 4,
  });
const bdf = fc
  .tuple(
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 31 }),
    fc.integer({ min: 0, max: 7 }),
  )
  .map(
    ([b, d, f]) =>
      `0000:${b.toString(16).padStart(2, '0')}:${d.toString(16).padStart(2, '0')}.${f}`,
  );
const range = fc.record({ start: u64, last: u64 });
const powerOfTwo = fc.integer({ min: 0, max: 63 }).map((k) => 1n << BigInt(k));

/** No group behind two IOMMU units: the loader refuses such a platform (platform/validate.ts). */
function oneUnitPerGroup(devices: ReadonlyArray<{ group?: number; iommu?: string }>): boolean {
  const unit = new Map<number, string>();
  return devices.every((d) => {
    if (d.group === undefined || d.iommu === undefined) return true;
    const seen = unit.get(d.group) ?? d.iommu;
    unit.set(d.group, seen);
    return seen === d.iommu;
  });
}

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'ranges', 'num_iovas'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const expectArb = fc.oneof(
  fc.record(
    {
      ok: fc.constant(true as const),
      result: fc.dictionary(fc.constantFrom('id', 'value', 'dma_avail', 'sysfs'), json, {
        maxKeys: 3,
      }),
    },
    { requiredKeys: ['ok'] },
  ),
  fc.record(
    {
      ok: fc.constant(false),
      errno: fc.constantFrom('EINVAL', 'EEXIST', 'EOVERFLOW', 'ENOENT', 'EMSGSIZE'),
    },
    { requiredKeys: ['errno'] },
  ),
);

const common = { as: name, expect: expectArb };
const step = (op: string, fields: Record<string, fc.Arbitrary<unknown>>, required: string[]) =>
  fc.record(
    { op: fc.constant(op), ...common, ...fields },
    { requiredKeys: ['op', ...required] as never[] },
  );

const stepArb = fc.oneof(
  step('vfio.container_create', {}, []),
  step('vfio.group_set_container', { group: id, container: ref }, ['group', 'container']),
  step(
    'vfio.set_iommu',
    { container: ref, type: fc.oneof(fc.constantFrom('type1', 'type1v2'), fc.nat(10)) },
    ['container', 'type'],
  ),
  step(
    'vfio.map_dma',
    { container: ref, iova: u64, size: u64, flags: flags(['READ', 'WRITE', 'VADDR']), vaddr: u64 },
    ['container', 'iova', 'size', 'flags'],
  ),
  step(
    'vfio.unmap_dma',
    { container: ref, iova: u64, size: u64, flags: flags(['ALL', 'VADDR', 'GET_DIRTY_BITMAP']) },
    ['container', 'iova', 'size', 'flags'],
  ),
  step(
    'vfio.check_extension',
    {
      container: ref,
      extension: fc.oneof(fc.constantFrom('VFIO_TYPE1v2_IOMMU', 'VFIO_DMA_CC_IOMMU'), fc.nat(12)),
    },
    ['container', 'extension'],
  ),
  step('iommufd.ioas_alloc', { flags: flags([]) }, []),
  step(
    'iommufd.ioas_map',
    {
      ioas: ref,
      iova: u64,
      length: u64,
      flags: flags(['FIXED_IOVA', 'READABLE', 'WRITEABLE']),
      user_va: u64,
    },
    ['ioas', 'length', 'flags'],
  ),
  step('iommufd.ioas_unmap', { ioas: ref, iova: u64, length: u64 }, ['ioas', 'iova', 'length']),
  step('iommufd.ioas_iova_ranges', { ioas: ref, num_iovas: fc.nat() }, ['ioas']),
  step('iommufd.ioas_allow_iovas', { ioas: ref, ranges: fc.array(range, { maxLength: 3 }) }, [
    'ioas',
    'ranges',
  ]),
  step(
    'iommufd.ioas_copy',
    {
      src_ioas: ref,
      dst_ioas: ref,
      src_iova: u64,
      length: u64,
      dst_iova: u64,
      flags: flags(['FIXED_IOVA', 'READABLE']),
    },
    ['src_ioas', 'dst_ioas', 'src_iova', 'length', 'flags'],
  ),
  step('iommufd.device_bind', { device: bdf }, ['device']),
  step('iommufd.device_attach', { dev: ref, pt: ref }, ['dev', 'pt']),
  step(
    'iommufd.hwpt_alloc',
    { dev: ref, pt: ref, flags: flags(['NEST_PARENT', 'DIRTY_TRACKING']) },
    ['dev', 'pt'],
  ),
  step('iommufd.destroy', { id: ref }, ['id']),
  step(
    'iommufd.option',
    {
      option: fc.constantFrom('huge_pages', 'rlimit_mode'),
      mode: fc.constantFrom('set', 'get'),
      object_id: ref,
      val: fc.nat(),
    },
    ['option', 'mode'],
  ),
  step('iommu.group_resv_regions', { group: id }, ['group']),
  step('iommu.groups', {}, []),
);

const acs = fc.oneof(
  fc.subarray(['SV', 'TB', 'RR', 'CR', 'UF', 'EC', 'DT']),
  fc.record({
    cap: fc.subarray(['SV', 'RR', 'CR', 'UF', 'EC']),
    ctl: fc.subarray(['SV', 'RR', 'CR', 'UF']),
  }),
  fc.constantFrom(null, 'unknown'),
);

const platformArb = fc.record(
  {
    arch: fc.constantFrom('x86_64', 'aarch64'),
    kernel: fc.record(
      {
        kernelPageSize: powerOfTwo,
        CONFIG_TRANSPARENT_HUGEPAGE: fc.boolean(),
        HPAGE_SIZE: powerOfTwo,
        version: fc.constantFrom('6.18', '6.6', '5.15'),
      },
      { requiredKeys: [] },
    ),
    moduleParams: fc.record(
      {
        'vfio_iommu_type1.allow_unsafe_interrupts': fc.boolean(),
        'vfio_iommu_type1.dma_entry_limit': fc.nat(),
        'iommufd.allow_unsafe_interrupts': fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    iommus: fc.array(
      fc.record(
        {
          id: fc.constantFrom('dmar0', 'dmar1', 'smmu0'),
          kind: fc.constantFrom('vtd', 'amd', 'smmuv3', 'mock'),
          addressWidth: fc.constantFrom(39, 48, 57, 64),
          // Platforms a host can have: the loader refuses the others (platform/validate.ts).
          aperture: range.filter((r) => r.start <= r.last),
          pageSizes: fc.array(powerOfTwo, { minLength: 1, maxLength: 3 }),
          pgsizeBitmap: u64.filter((v) => v !== 0n),
          snoopControl: fc.boolean(),
          coherent: fc.boolean(),
          interruptRemapping: fc.boolean(),
          firstStage: fc.boolean(),
        },
        { requiredKeys: ['id', 'kind'] },
      ),
      { maxLength: 2 },
    ),
    hostBridgeWindowsReserved: fc.boolean(),
    hostBridges: fc.array(
      fc.record(
        {
          id: fc.string({ maxLength: 5 }),
          windows: fc.array(
            fc.record(
              { start: u64, last: u64, kind: fc.constantFrom('mem', 'mem64', 'io') },
              { requiredKeys: ['start', 'last'] },
            ),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ['id'] },
      ),
      { maxLength: 1 },
    ),
    devices: fc
      .array(
        fc.record(
          {
            bdf,
            name: fc.string({ maxLength: 8 }),
            pcieType: fc.constantFrom(
              'root_port',
              'downstream',
              'endpoint',
              'conventional',
              'pcie_to_pci_bridge',
            ),
            parent: bdf,
            iommu: fc.constantFrom('dmar0', 'smmu0'),
            acs,
            multifunction: fc.boolean(),
            hostDriver: fc.oneof(fc.constantFrom('vfio-pci', 'nvme'), fc.constant(null)),
            bars: fc.array(
              fc.record(
                {
                  index: fc.nat(5),
                  start: u64,
                  last: u64,
                  prefetchable: fc.boolean(),
                  is64: fc.boolean(),
                },
                { requiredKeys: ['start', 'last'] },
              ),
              { maxLength: 2 },
            ),
            group: fc.nat(64),
          },
          { requiredKeys: ['bdf'] },
        ),
        { maxLength: 3 },
      )
      .filter((devices) => oneUnitPerGroup(devices)),
    reservedRegions: fc.array(
      fc.record(
        {
          start: u64,
          last: u64,
          type: fc.constantFrom('direct', 'direct-relaxable', 'reserved', 'msi', 'sw-msi'),
          group: fc.nat(64),
          device: bdf,
          origin: fc.string({ maxLength: 5 }),
        },
        { requiredKeys: ['start', 'last', 'type'] },
      ),
      { maxLength: 3 },
    ),
    process: fc.record(
      {
        memlockLimit: fc.oneof(u64, fc.constant(null)),
        vaBacking: fc.array(
          fc.record(
            {
              start: u64,
              last: u64,
              kind: fc.constantFrom('anonymous', 'hugetlbfs', 'pfnmap', 'readonly'),
              name: fc.string({ maxLength: 4 }),
            },
            { requiredKeys: ['start', 'last', 'kind'] },
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const guestArb = fc.record(
  {
    preset: fc.constantFrom('q35-4g', 'virt'),
    machine: fc.constantFrom('q35', 'virt', 'custom'),
    memory: fc.array(
      fc.record(
        {
          start: u64,
          last: u64,
          kind: fc.constantFrom('ram', 'mmio'),
          name: fc.string({ maxLength: 6 }),
        },
        { requiredKeys: ['start', 'last'] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);

const scenarioArb = fc.record(
  {
    format: fc.constant('iova-explorer.scenario/1' as const),
    title: fc.string({ maxLength: 12 }),
    description: fc.string({ maxLength: 20 }),
    platform: platformArb,
    guest: guestArb,
    steps: fc.array(stepArb, { maxLength: 8 }),
  },
  { requiredKeys: ['format', 'steps'] },
) as unknown as fc.Arbitrary<Scenario>;

describe('save/load round-trip', () => {
  it('load(save(x)) deep-equals x for generated scenarios', () => {
    fc.assert(
      fc.property(scenarioArb, (x) => {
        const text = save(x);
        expect(load(text)).toEqual({ ok: true, kind: 'scenario', scenario: x });
        // Addresses are written as strings, never as JSON numbers.
        expect(text).not.toMatch(/"(iova|size|length|start|last|vaddr|user_va)": \d/);
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  it('round-trips conformance arrays', () => {
    const entries = fc.array(
      fc.record(
        {
          id: fc.string({ minLength: 1, maxLength: 8 }),
          source: fc.string({ maxLength: 8 }),
          note: fc.string({ maxLength: 8 }),
          confidence: fc.constantFrom('high', 'medium', 'low'),
          platform: platformArb,
          steps: fc.array(stepArb, { maxLength: 4 }),
        },
        { requiredKeys: ['id', 'steps'] },
      ),
      { maxLength: 4 },
    ) as unknown as fc.Arbitrary<ConformanceScenario[]>;
    fc.assert(
      fc.property(entries, (list) => {
        expect(load(saveConformance(list))).toEqual({
          ok: true,
          kind: 'conformance',
          scenarios: list,
        });
      }),
      { seed: 1, numRuns: 100 },
    );
  });

  it('writes u64 values as compact hex', () => {
    const r = load(
      JSON.stringify({
        format: 'iova-explorer.scenario/1',
        steps: [
          { op: 'iommufd.ioas_unmap', ioas: '$a', iova: '4K', length: '18446744073709551615' },
        ],
      }),
    );
    if (!r.ok || r.kind !== 'scenario') throw new Error('load failed');
    expect(JSON.parse(save(r.scenario))).toEqual({
      format: 'iova-explorer.scenario/1',
      steps: [
        { op: 'iommufd.ioas_unmap', ioas: '$a', iova: '0x1000', length: '0xffffffffffffffff' },
      ],
    });
  });
});
