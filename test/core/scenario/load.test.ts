import { describe, expect, it } from 'vitest';
import {
  FLAG_NAMES,
  formatLoadError,
  load,
  loadValue,
  SCENARIO_OPS,
  type LoadResult,
} from '../../../src/core/scenario/index.ts';

const FORMAT = 'iova-explorer.scenario/1';

function file(extra: Record<string, unknown>): string {
  return JSON.stringify({ format: FORMAT, steps: [], ...extra });
}

function errorsOf(r: LoadResult): string[] {
  return r.ok ? [] : r.errors.map(formatLoadError);
}

/** Loads and returns the single error sentence (fails when the file loads or gives several). */
function oneError(text: string): string {
  const errors = errorsOf(load(text));
  expect(errors, 'expected exactly one load error').toHaveLength(1);
  return errors[0] as string;
}

describe('scenario loader: valid files', () => {
  it('loads a minimal scenario and turns u64 strings into bigints', () => {
    const r = load(
      file({
        title: 't',
        platform: {
          iommus: [
            { id: 'u', kind: 'vtd', addressWidth: 48, pageSizes: ['4K', '2M', '0x4000_0000'] },
          ],
          kernel: { kernelPageSize: '4KiB' },
        },
        steps: [
          { op: 'vfio.container_create', as: 'c1' },
          {
            op: 'vfio.map_dma',
            container: '$c1',
            iova: '0x10_0000',
            size: '1048576',
            vaddr: '2M',
            flags: ['READ', 'WRITE'],
            expect: { ok: true },
          },
        ],
      }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok || r.kind !== 'scenario') throw new Error('not a scenario');
    expect(r.scenario.platform?.iommus?.[0]?.pageSizes).toEqual([0x1000n, 0x200000n, 0x40000000n]);
    expect(r.scenario.platform?.kernel?.kernelPageSize).toBe(0x1000n);
    expect(r.scenario.steps[1]).toEqual({
      op: 'vfio.map_dma',
      container: '$c1',
      iova: 0x100000n,
      size: 0x100000n,
      vaddr: 0x200000n,
      flags: ['READ', 'WRITE'],
      expect: { ok: true },
    });
  });

  it('leaves semantic checks to the engine: the largest u64 size and unaligned values load', () => {
    const r = load(
      file({
        steps: [
          {
            op: 'vfio.map_dma',
            container: 1,
            iova: '0xfffffffffffff001',
            size: '0xffffffffffffffff',
            flags: [],
            expect: { errno: 'EINVAL' },
          },
          { op: 'iommufd.ioas_unmap', ioas: 1, iova: '0', length: '18446744073709551615' },
          {
            op: 'iommufd.ioas_map',
            ioas: 0,
            length: '0',
            flags: ['0x8'],
            expect: { errno: 'EOPNOTSUPP' },
          },
        ],
      }),
    );
    expect(errorsOf(r)).toEqual([]);
    if (!r.ok || r.kind !== 'scenario') throw new Error('not a scenario');
    expect(r.scenario.steps[0]).toMatchObject({
      size: 0xffffffffffffffffn,
      iova: 0xfffffffffffff001n,
    });
    expect(r.scenario.steps[1]).toMatchObject({ length: 0xffffffffffffffffn });
  });

  it('fills flags with [] where the op requires them and they are omitted', () => {
    const r = load(file({ steps: [{ op: 'vfio.unmap_dma', container: 1, iova: '0', size: '0' }] }));
    if (!r.ok || r.kind !== 'scenario') throw new Error(errorsOf(r).join('\n'));
    expect(r.scenario.steps[0]).toMatchObject({ flags: [] });
  });

  it('accepts every ACS form: short list, {cap, ctl}, null, [], "unknown"', () => {
    const devices = [
      { bdf: '0000:00:01.0', acs: ['SV', 'RR', 'CR', 'UF'] },
      { bdf: '0000:00:02.0', acs: { cap: ['SV', 'TB', 'RR', 'CR', 'UF', 'EC', 'DT'], ctl: [] } },
      { bdf: '0000:00:03.0', acs: null },
      { bdf: '0000:00:04.0', acs: [] },
      { bdf: '0000:00:05.0', acs: 'unknown', hostDriver: null },
    ];
    expect(errorsOf(load(file({ platform: { devices } })))).toEqual([]);
  });

  it('accepts the whole platform superset of kernel-semantics §1 and DESIGN §3', () => {
    const platform = {
      arch: 'aarch64',
      kernel: {
        kernelPageSize: '64K',
        CONFIG_TRANSPARENT_HUGEPAGE: false,
        HPAGE_SIZE: '512M',
        version: '6.12',
      },
      moduleParams: {
        'vfio_iommu_type1.allow_unsafe_interrupts': true,
        'vfio_iommu_type1.dma_entry_limit': 1000000,
        'iommufd.allow_unsafe_interrupts': false,
      },
      iommus: [
        {
          id: 'smmu0',
          kind: 'smmuv3',
          aperture: { start: '0', last: '0xffffffffffff' },
          pgsizeBitmap: '0x40201000',
          snoopControl: false,
          coherent: false,
          interruptRemapping: true,
        },
        { id: 'dmar0', kind: 'vtd', addressWidth: 57, firstStage: true },
      ],
      hostBridges: [
        {
          id: 'pci0000:00',
          windows: [
            { start: '0x8000000000', last: '0xffffffffff', kind: 'mem64' },
            { start: '0', last: '0xffff', kind: 'io' },
          ],
        },
      ],
      hostBridgeWindowsReserved: true,
      devices: [
        {
          bdf: '0000:01:00.0',
          name: 'NIC',
          class: '0x020000',
          vendor: '0x8086',
          device: '0x1572',
          pcieType: 'endpoint',
          parent: '0000:00:01.0',
          iommu: 'smmu0',
          multifunction: true,
          hostDriver: 'vfio-pci',
          group: 4,
          hostBridge: 'pci0000:00',
          bars: [
            {
              index: 0,
              start: '0x8000000000',
              last: '0x80000fffff',
              prefetchable: true,
              is64: true,
            },
          ],
        },
      ],
      reservedRegions: [
        { start: '0x8000000', last: '0x80fffff', type: 'sw-msi', group: 4, origin: 'GICv3 ITS' },
        {
          start: '0x7b800000',
          last: '0x7b8fffff',
          type: 'direct-relaxable',
          device: '0000:01:00.0',
        },
      ],
      process: {
        memlockLimit: '64M',
        vaBacking: [
          { start: '0x7f0000000000', last: '0x7f003fffffff', kind: 'hugetlbfs', name: 'guest RAM' },
        ],
      },
    };
    const guest = {
      machine: 'virt',
      preset: 'virt-4g',
      memory: [{ start: '0x40000000', last: '0x13fffffff', kind: 'ram', name: 'mach-virt.ram' }],
    };
    expect(errorsOf(load(file({ platform, guest, description: 'd' })))).toEqual([]);
    expect(errorsOf(load(file({ platform: { process: { memlockLimit: null } } })))).toEqual([]);
  });

  it('loads a conformance array (format omitted, id/source/note/confidence)', () => {
    const r = load(
      JSON.stringify([
        {
          id: 'a',
          source: 's',
          note: 'n',
          confidence: 'medium',
          platform: {},
          steps: [{ op: 'iommu.groups', expect: { ok: true } }],
        },
      ]),
    );
    expect(r.ok && r.kind).toBe('conformance');
  });

  it('knows every op of the vocabulary', () => {
    expect(SCENARIO_OPS).toContain('vfio.map_dma');
    expect(SCENARIO_OPS).toContain('iommufd.option');
    expect(SCENARIO_OPS).toContain('iommu.groups');
    expect(new Set(SCENARIO_OPS).size).toBe(SCENARIO_OPS.length);
  });
});

describe('scenario loader: errors name the JSON path and say what is wrong', () => {
  const cases: Array<[string, unknown, RegExp | string]> = [
    [
      'unknown op with a suggestion',
      {
        steps: [
          { op: 'iommu.groups' },
          { op: 'iommu.groups' },
          { op: 'iommu.groups' },
          { op: 'vfio.mapdma' },
        ],
      },
      'steps[3].op: unknown op "vfio.mapdma" — did you mean vfio.map_dma?',
    ],
    [
      'unknown op without a close match lists the ops',
      { steps: [{ op: 'frobnicate' }] },
      /^steps\[0\]\.op: unknown op "frobnicate" \(known ops: vfio\.container_create, /,
    ],
    ['missing op', { steps: [{ container: 1 }] }, /^steps\[0\]\.op: missing "op"/],
    [
      'op that is not a string',
      { steps: [{ op: 3 }] },
      /^steps\[0\]\.op: expected an op name .*found the integer 3/,
    ],
    [
      'integer field given a string',
      { platform: { iommus: [{ id: 'a', kind: 'vtd', addressWidth: '48' }] } },
      'platform.iommus[0].addressWidth: expected an address width in bits (an integer), found a string ("48")',
    ],
    [
      'JSON number as an address',
      { steps: [{ op: 'vfio.map_dma', container: 1, iova: 4096, size: '4K' }] },
      /^steps\[0\]\.iova: expected a u64 string .*found the JSON number 4096/,
    ],
    [
      'JSON number as a platform address',
      { platform: { reservedRegions: [{ start: 0, last: '0xfff', type: 'msi' }] } },
      /^platform\.reservedRegions\[0\]\.start: expected a u64 string/,
    ],
    [
      'u64 that does not fit',
      {
        steps: [
          { op: 'iommufd.ioas_unmap', ioas: 1, iova: '0x1_0000_0000_0000_0000', length: '1' },
        ],
      },
      /^steps\[0\]\.iova: .*does not fit in 64 bits/,
    ],
    [
      'negative u64',
      { steps: [{ op: 'iommufd.ioas_unmap', ioas: 1, iova: '-1', length: '1' }] },
      /^steps\[0\]\.iova: "-1" is not a u64/,
    ],
    [
      'bad size suffix',
      { steps: [{ op: 'iommufd.ioas_unmap', ioas: 1, iova: '0', length: '4Q' }] },
      /^steps\[0\]\.length: .*unknown size suffix "Q"/,
    ],
    [
      'unknown step field with a suggestion',
      { steps: [{ op: 'vfio.unmap_dma', container: 1, iova: '0', size: '0', flag: ['ALL'] }] },
      'steps[0].flag: unknown field "flag" for vfio.unmap_dma — did you mean flags?',
    ],
    [
      'unknown platform field',
      { platform: { iommus: [{ id: 'a', kind: 'vtd', adressWidth: 48 }] } },
      'platform.iommus[0].adressWidth: unknown field "adressWidth" — did you mean addressWidth?',
    ],
    ['unknown top-level field', { stepz: [] }, /^stepz: unknown field "stepz"/],
    [
      'unknown module parameter',
      { platform: { moduleParams: { 'vfio_iommu_type1.dma_entry_limt': 5 } } },
      /^platform\.moduleParams\["vfio_iommu_type1\.dma_entry_limt"\]: unknown field .*did you mean vfio_iommu_type1\.dma_entry_limit\?/,
    ],
    [
      'non-integer count',
      { platform: { moduleParams: { 'vfio_iommu_type1.dma_entry_limit': 1.5 } } },
      /dma_entry_limit"\]: expected an entry count \(an integer\), found the number 1\.5/,
    ],
    [
      'bad enum with a suggestion',
      { platform: { iommus: [{ id: 'a', kind: 'vt-d' }] } },
      /^platform\.iommus\[0\]\.kind: expected one of "vtd", "amd", "smmuv3", "mock", found a string \("vt-d"\) — did you mean vtd\?/,
    ],
    [
      'bad resv type',
      { platform: { reservedRegions: [{ start: '0', last: '1', type: 'swmsi' }] } },
      /^platform\.reservedRegions\[0\]\.type: expected one of .*did you mean sw-msi\?/,
    ],
    [
      'bad pcieType',
      { platform: { devices: [{ bdf: 'x', pcieType: 'root-port' }] } },
      /^platform\.devices\[0\]\.pcieType: .*did you mean root_port\?/,
    ],
    [
      'unknown ACS flag',
      { platform: { devices: [{ bdf: 'x', acs: ['SV', 'XX'] }] } },
      'platform.devices[0].acs: unknown ACS control "XX": expected some of SV TB RR CR UF EC DT',
    ],
    [
      'ACS full form missing ctl',
      { platform: { devices: [{ bdf: 'x', acs: { cap: ['SV'] } }] } },
      /^platform\.devices\[0\]\.acs: ACS "ctl" must be a list/,
    ],
    [
      'ACS of the wrong type',
      { platform: { devices: [{ bdf: 'x', acs: 'yes' }] } },
      /^platform\.devices\[0\]\.acs: expected ACS as a list/,
    ],
    [
      'boolean given a string',
      { platform: { hostBridgeWindowsReserved: 'no' } },
      'platform.hostBridgeWindowsReserved: expected true or false, found a string ("no")',
    ],
    [
      'missing required field',
      { steps: [{ op: 'vfio.map_dma', container: 1, iova: '0' }] },
      /^steps\[0\]\.size: required field is missing/,
    ],
    [
      'bad guest machine',
      { guest: { machine: 'pc' } },
      /^guest\.machine: expected one of "q35", "virt", "custom"/,
    ],
    ['steps not an array', { steps: {} }, 'steps: expected an array, found an object'],
  ];
  for (const [name, extra, want] of cases) {
    it(name, () => {
      const msg = oneError(file(extra as Record<string, unknown>));
      if (typeof want === 'string') expect(msg).toBe(want);
      else expect(msg).toMatch(want);
    });
  }

  it('reports several independent errors at once', () => {
    const errors = errorsOf(
      load(
        file({
          steps: [{ op: 'vfio.mapdma' }, { op: 'iommu.group_resv_regions', group: 'three' }],
        }),
      ),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^steps\[0\]\.op:/);
    expect(errors[1]).toMatch(/^steps\[1\]\.group: expected an IOMMU group number/);
  });

  it('requires the format on a single scenario and rejects other versions', () => {
    expect(oneError(JSON.stringify({ steps: [] }))).toBe(
      'format: missing "format": a scenario file starts with "format": "iova-explorer.scenario/1"',
    );
    expect(oneError(JSON.stringify({ format: 'iova-explorer.scenario/2', steps: [] }))).toMatch(
      /^format: unsupported format .*scenario\/2/,
    );
  });

  it('names the scenario inside a conformance array and requires ids', () => {
    expect(
      oneError(
        JSON.stringify([
          { id: 'ok', steps: [] },
          { id: 'x.y', steps: [{ op: 'vfio.get_inf', container: 1 }] },
        ]),
      ),
    ).toBe(
      '[1].steps[0].op (scenario "x.y"): unknown op "vfio.get_inf" — did you mean vfio.get_info?',
    );
    expect(oneError(JSON.stringify([{ steps: [] }]))).toMatch(
      /^\[0\]\.id: required field is missing/,
    );
  });

  it('rejects a file that is neither an object nor an array', () => {
    for (const text of ['"scenario"', '42', 'null', 'true'])
      expect(oneError(text)).toMatch(/^file: expected a scenario object/);
  });

  it('reports JSON syntax errors with line and column', () => {
    const cases: Array<[string, string]> = [
      [
        '{\n  "format": "x",\n  "steps": [1,]\n}',
        'line 3, column 15: invalid JSON: trailing comma before "]"',
      ],
      ['{\n  "a": }', 'line 2, column 8: invalid JSON: unexpected "}": expected a value'],
      [
        '{"a": 1',
        'line 1, column 8: invalid JSON: unexpected end of the file: expected "," or "}" after a property value',
      ],
      [
        "{'a': 1}",
        'line 1, column 2: invalid JSON: unexpected "\'": expected a property name in double quotes',
      ],
      [
        '{"a": "x\ny"}',
        'line 1, column 9: invalid JSON: a raw control character (such as a line break) inside a string: escape it',
      ],
      [
        '{"a": 1}\n}',
        'line 2, column 1: invalid JSON: unexpected "}" after the end of the JSON value',
      ],
      ['', 'line 1, column 1: invalid JSON: unexpected end of the file: expected a value'],
      [
        '[0x10]',
        'line 1, column 3: invalid JSON: unexpected "x": expected "," or "]" after an array element',
      ],
    ];
    for (const [text, want] of cases) expect(oneError(text)).toBe(want);
  });

  it('never throws, whatever the value', () => {
    const values: unknown[] = [
      undefined,
      Symbol.iterator,
      () => 1,
      { format: FORMAT, steps: [null, 1, 'x', [], { op: null }] },
      [null, 1, []],
    ];
    for (const v of values) expect(() => loadValue(v)).not.toThrow();
    expect(loadValue({ format: FORMAT, steps: [null] }).ok).toBe(false);
  });
});

describe('scenario loader: flags', () => {
  const map = (flags: unknown) =>
    file({ steps: [{ op: 'vfio.map_dma', container: 1, iova: '0', size: '4K', flags }] });

  it('accepts each op its own flag names and raw hex bits', () => {
    for (const [op, names] of Object.entries(FLAG_NAMES)) {
      const base: Record<string, Record<string, unknown>> = {
        'vfio.map_dma': { container: 1, iova: '0', size: '4K' },
        'vfio.unmap_dma': { container: 1, iova: '0', size: '4K' },
        'iommufd.ioas_map': { ioas: 1, length: '4K' },
        'iommufd.ioas_copy': { src_ioas: 1, dst_ioas: 2, src_iova: '0', length: '4K' },
        'iommufd.hwpt_alloc': { dev: 1, pt: 2 },
        'iommufd.ioas_alloc': {},
      };
      const step = {
        op,
        ...base[op],
        flags: [...(names ?? []), '0x8', '0X8000_0000', '0xffffffffffffffff'],
      };
      expect(errorsOf(load(file({ steps: [step] }))), op).toEqual([]);
    }
  });

  it("rejects another op's flag names, with a suggestion", () => {
    expect(oneError(map(['READABLE']))).toBe(
      'steps[0].flags[0]: unknown flag "READABLE" for vfio.map_dma: expected READ, WRITE, VADDR or raw bits written in hex such as "0x8" — did you mean READ?',
    );
    expect(
      oneError(
        file({
          steps: [
            { op: 'iommufd.ioas_map', ioas: 1, length: '4K', flags: ['FIXED_IOVA', 'WRITABLE'] },
          ],
        }),
      ),
    ).toMatch(
      /^steps\[0\]\.flags\[1\]: unknown flag "WRITABLE" for iommufd\.ioas_map: .* — did you mean WRITEABLE\?/,
    );
  });

  it('rejects decimal or oversized raw bits and non-string flags', () => {
    expect(oneError(map(['8']))).toMatch(/^steps\[0\]\.flags\[0\]: unknown flag "8"/);
    expect(oneError(map(['0x1_0000_0000_0000_0000']))).toMatch(
      /^steps\[0\]\.flags\[0\]: unknown flag/,
    );
    expect(oneError(map([8]))).toBe('steps[0].flags[0]: expected a string, found the integer 8');
    expect(oneError(map('READ'))).toBe(
      'steps[0].flags: expected an array, found a string ("READ")',
    );
  });

  it('accepts only raw bits on ioas_alloc, which has no named flags', () => {
    expect(oneError(file({ steps: [{ op: 'iommufd.ioas_alloc', flags: ['READ'] }] }))).toMatch(
      /unknown flag "READ" for iommufd\.ioas_alloc: expected raw bits/,
    );
  });
});

describe('scenario loader: object references and names', () => {
  const unmap = (ioas: unknown) =>
    file({ steps: [{ op: 'iommufd.ioas_unmap', ioas, iova: '0', length: '4K' }] });

  it('accepts "$name" and raw integer ids (including 0 and 0xffffffff)', () => {
    for (const ref of ['$ioas1', '$a.b-c_d', 0, 999, 0xffffffff])
      expect(errorsOf(load(unmap(ref))), String(ref)).toEqual([]);
  });

  it('rejects a bare name, suggesting "$name"', () => {
    expect(oneError(unmap('ioas1'))).toBe(
      'steps[0].ioas: expected an object id: an integer or "$name" bound by an earlier step\'s "as", found a string ("ioas1") (write "$ioas1" to use the id bound by "as": "ioas1")',
    );
  });

  it('rejects negative, fractional and non-scalar ids', () => {
    for (const ref of [-1, 1.5, [1], { id: 1 }, '$', '$1x', null])
      expect(oneError(unmap(ref)), JSON.stringify(ref)).toMatch(
        /^steps\[0\]\.ioas: expected an object id/,
      );
  });

  it('takes "as" without the "$"', () => {
    expect(oneError(file({ steps: [{ op: 'iommufd.ioas_alloc', as: '$x' }] }))).toBe(
      'steps[0].as: "as" takes the bare name: write "x" here and "$x" where it is used',
    );
    expect(oneError(file({ steps: [{ op: 'iommufd.ioas_alloc', as: '1x' }] }))).toMatch(
      /^steps\[0\]\.as: expected a name/,
    );
  });

  it('checks expect: ok or a known errno, not both, not neither', () => {
    expect(
      errorsOf(
        load(
          file({
            steps: [
              {
                op: 'iommu.groups',
                expect: { ok: false, errno: 'EINVAL', result: { a: [1, '0x2', { b: null }] } },
              },
            ],
          }),
        ),
      ),
    ).toEqual([]);
    expect(
      oneError(file({ steps: [{ op: 'iommu.groups', expect: { ok: true, errno: 'EINVAL' } }] })),
    ).toMatch(/^steps\[0\]\.expect: "ok": true and "errno": "EINVAL" contradict/);
    expect(oneError(file({ steps: [{ op: 'iommu.groups', expect: {} }] }))).toMatch(
      /^steps\[0\]\.expect: expect needs "ok": true or "errno"/,
    );
    expect(
      oneError(file({ steps: [{ op: 'iommu.groups', expect: { errno: 'EINVALL' } }] })),
    ).toMatch(/^steps\[0\]\.expect\.errno: expected one of .* — did you mean EINVAL\?/);
    expect(
      oneError(file({ steps: [{ op: 'iommu.groups', expect: { ok: true, reslt: {} } }] })),
    ).toMatch(/^steps\[0\]\.expect\.reslt: unknown field "reslt" — did you mean result\?/);
  });
});
