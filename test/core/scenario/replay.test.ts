import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/outcome.ts';
import {
  compareValue,
  compareWithExpect,
  load,
  replay,
  type Scenario,
} from '../../../src/core/scenario/index.ts';

function scenario(steps: unknown[], platform: unknown = PLATFORM): Scenario {
  const r = load(JSON.stringify({ format: 'iova-explorer.scenario/1', platform, steps }));
  if (!r.ok || r.kind !== 'scenario') throw new Error(JSON.stringify(r));
  return r.scenario;
}

/** A VT-d host with one device in group 7 and the x86 MSI window. */
const PLATFORM = {
  iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 48 }],
  devices: [
    { bdf: '0000:00:01.0', iommu: 'dmar0', pcieType: 'root_port', acs: ['SV', 'RR', 'CR', 'UF'] },
    { bdf: '0000:01:00.0', iommu: 'dmar0', pcieType: 'endpoint', parent: '0000:00:01.0', group: 7 },
  ],
  reservedRegions: [{ start: '0xfee00000', last: '0xfeefffff', type: 'msi', group: 7 }],
};

describe('replay: outcomes against expect', () => {
  it('reports each step and counts mismatches', () => {
    const r = replay(
      scenario([
        {
          op: 'iommu.group_resv_regions',
          group: 7,
          expect: { ok: true, result: { sysfs: ['0x00000000fee00000 0x00000000feefffff msi'] } },
        },
        { op: 'iommu.group_resv_regions', group: 99, expect: { errno: 'ENOENT' } },
        { op: 'iommu.group_resv_regions', group: 99, expect: { ok: true } },
        { op: 'iommu.group_resv_regions', group: 7, expect: { errno: 'EINVAL' } },
        { op: 'iommu.groups' },
      ]),
    );
    expect(r.mismatches).toBe(2);
    expect(r.steps.map((s) => [s.index, s.op, s.ok, s.matches])).toEqual([
      [0, 'iommu.group_resv_regions', true, true],
      [1, 'iommu.group_resv_regions', false, true],
      [2, 'iommu.group_resv_regions', false, false],
      [3, 'iommu.group_resv_regions', true, false],
      [4, 'iommu.groups', true, true],
    ]);
    expect(r.steps[1]).toMatchObject({
      errno: 'ENOENT',
      rule: expect.any(String),
      message: expect.stringContaining('99'),
    });
    expect(r.steps[2]?.mismatch).toBe('expected success, got ENOENT');
    expect(r.steps[3]?.mismatch).toBe('expected EINVAL, but the step succeeded');
    expect(r.steps[0]?.mismatch).toBeUndefined();
  });

  it('matches result as a subset and explains the first difference', () => {
    const r = replay(
      scenario([
        // The pinned group 7 comes first; the root port gets the next number.
        {
          op: 'iommu.groups',
          expect: {
            ok: true,
            result: { groups: [['0000:01:00.0'], ['0000:00:01.0']], ids: [7, 8] },
          },
        },
        { op: 'iommu.groups', expect: { ok: true, result: { groups: [['0000:01:00.0']] } } },
        {
          op: 'iommu.groups',
          expect: { ok: true, result: { groups: [['0000:01:00.0'], ['0000:00:01.1']] } },
        },
        { op: 'iommu.groups', expect: { ok: true, result: { nothing: 1 } } },
      ]),
    );
    expect(r.steps.map((s) => s.matches)).toEqual([true, false, false, false]);
    expect(r.steps[1]?.mismatch).toMatch(/^result\.groups: expected 1 element\(s\), got 2/);
    expect(r.steps[2]?.mismatch).toBe(
      'result.groups[1][0]: expected "0000:00:01.1", got "0000:00:01.0"',
    );
    expect(r.steps[3]?.mismatch).toBe('result.nothing: expected 1, got nothing');
  });

  it('reports an unbound "$name" and lets the engine see an id that does not exist', () => {
    const r = replay(
      scenario([{ op: 'iommufd.destroy', id: '$never', expect: { errno: 'ENOENT' } }]),
    );
    expect(r.steps[0]?.notes?.[0]).toMatch(
      /id: "\$never" is not bound by an earlier successful step's "as"; the engine saw an id that does not exist/,
    );
    expect(r.steps[0]?.ok).toBe(false);
  });

  it('reports an op the engine does not know as a refused step (ENOTTY) and goes on', () => {
    // An op name no entry declares can only come from a bug or a hand-made action: the engine
    // answers it like an unknown ioctl instead of throwing.
    const s = scenario([{ op: 'iommu.groups' }, { op: 'iommu.groups', expect: { ok: true } }]);
    const broken = {
      ...s,
      steps: [{ op: 'no.such_op' } as unknown as Scenario['steps'][number], ...s.steps],
    };
    const r = replay(broken);
    expect(r.steps).toHaveLength(3);
    expect(r.steps[0]).toMatchObject({
      index: 0,
      op: 'no.such_op',
      ok: false,
      errno: 'ENOTTY',
      rule: 'iommufd_fops_ioctl',
      message: expect.stringContaining('unknown op "no.such_op"'),
    });
    expect(r.steps[1]?.matches).toBe(true);
    expect(r.steps[2]?.matches).toBe(true);
  });

  it('binds "as" to result.id, resolves "$name", and compares pt_same_as / pt_not_same_as', () => {
    const r = replay(
      scenario(
        [
          { op: 'iommufd.ioas_alloc', as: 'ioas1', expect: { ok: true } },
          { op: 'iommufd.ioas_alloc', as: 'ioas2', expect: { ok: true } },
          {
            op: 'iommufd.ioas_iova_ranges',
            ioas: '$ioas2',
            expect: { ok: true, result: { num_iovas: 1 } },
          },
          { op: 'iommufd.destroy', id: '$ioas1', expect: { ok: true } },
          { op: 'iommufd.ioas_alloc', expect: { ok: true, result: { pt_same_as: '$ioas1' } } },
          { op: 'iommufd.ioas_alloc', expect: { ok: true, result: { pt_not_same_as: '$ioas2' } } },
          { op: 'iommufd.ioas_alloc', expect: { ok: true, result: { pt_same_as: '$ioas2' } } },
        ],
        {},
      ),
    );
    expect(r.bindings.get('ioas1')).toBe(1);
    expect(r.bindings.get('ioas2')).toBe(2);
    expect(r.steps.map((s) => s.matches)).toEqual([true, true, true, true, true, true, false]);
    expect(r.steps[6]?.mismatch).toBe('result.id: expected the same object as $ioas2 (2), got 4');
  });

  it('notes an "as" that bound nothing', () => {
    const r = replay(
      scenario([
        { op: 'iommu.group_resv_regions', group: 99, as: 'x' },
        { op: 'iommu.groups', as: 'y' },
      ]),
    );
    expect(r.steps[0]?.notes).toEqual(['"as": "x" bound nothing: the step failed']);
    expect(r.steps[1]?.notes).toEqual(['"as": "y" bound nothing: the result has no id']);
    expect(r.bindings.size).toBe(0);
  });

  it('returns the final state and leaves the input untouched', () => {
    const s = scenario([{ op: 'iommufd.ioas_alloc', as: 'a' }], {});
    const before = JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const r = replay(s);
    expect(r.state.iommufd).toBeDefined();
    expect(JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(before);
    const again = replay({ steps: [{ op: 'iommufd.ioas_alloc' }] }, { initialState: r.state });
    expect(again.steps[0]?.result?.['id']).toBe(2);
  });
});

describe('compareValue and compareWithExpect', () => {
  const ok = (result?: Record<string, unknown>): Outcome => ({
    ok: true,
    warnings: [],
    ...(result ? { result: result as never } : {}),
  });
  const fail: Outcome = {
    ok: false,
    errno: 'EINVAL',
    rule: 'iopt_check_iova',
    message: 'm',
    warnings: [],
    result: { num_iovas: 2 },
  };

  it('compares hex and decimal strings with bigints, integers with numbers and bigints', () => {
    expect(compareValue('0x1000', 4096n, 'x')).toBeUndefined();
    expect(compareValue('4K', 4096n, 'x')).toBeUndefined();
    expect(compareValue('0xffffffffffffffff', (1n << 64n) - 1n, 'x')).toBeUndefined();
    expect(compareValue('0x1001', 4096n, 'x')).toBe('x: expected "0x1001", got "0x1000"');
    expect(compareValue('not hex', 4096n, 'x')).toBeDefined();
    expect(compareValue(65535, 65535, 'x')).toBeUndefined();
    expect(compareValue(1, 1n, 'x')).toBeUndefined();
    expect(compareValue(1.5, 1n, 'x')).toBeDefined();
    expect(compareValue(1, 2, 'x')).toBe('x: expected 1, got 2');
    expect(compareValue('0x1', 1, 'x')).toBeUndefined();
    expect(compareValue('msi', 'msi', 'x')).toBeUndefined();
    expect(compareValue(true, true, 'x')).toBeUndefined();
    expect(compareValue(null, 0, 'x')).toBeDefined();
  });

  it('compares arrays elementwise and objects as subsets', () => {
    const got = {
      ranges: [
        { start: 0n, last: 0xfedfffffn },
        { start: 0xfef00000n, last: 0xffffffffffffn },
      ],
      extra: 'ignored',
    };
    expect(
      compareValue(
        { ranges: [{ start: '0x0', last: '0xfedfffff' }, { last: '0xffffffffffff' }] },
        got,
        'result',
      ),
    ).toBeUndefined();
    expect(compareValue({ ranges: [{ start: '0x0' }] }, got, 'result')).toMatch(
      /^result\.ranges: expected 1 element\(s\), got 2/,
    );
    expect(compareValue({ ranges: [{}, { last: '0xfffffffff' }] }, got, 'result')).toBe(
      'result.ranges[1].last: expected "0xfffffffff", got "0xffffffffffff"',
    );
    expect(compareValue([1], { 0: 1 }, 'x')).toBeDefined();
    expect(compareValue({ a: 1 }, [1], 'x')).toBeDefined();
  });

  it('checks errno and result together; a failure may carry a result', () => {
    const b = new Map<string, number>();
    expect(
      compareWithExpect({ errno: 'EINVAL', result: { num_iovas: 2 } }, fail, b),
    ).toBeUndefined();
    expect(compareWithExpect({ errno: 'EINVAL', result: { num_iovas: 3 } }, fail, b)).toBe(
      'result.num_iovas: expected 3, got 2',
    );
    expect(compareWithExpect({ errno: 'EPERM' }, fail, b)).toBe('expected EPERM, got EINVAL');
    expect(compareWithExpect({ ok: true, result: { a: 1 } }, ok(), b)).toBe(
      'result.a: expected 1, got nothing',
    );
    expect(compareWithExpect({ ok: true, result: {} }, ok(), b)).toBeUndefined();
    expect(compareWithExpect({ ok: true, result: { pt_same_as: '$x' } }, ok({ id: 3 }), b)).toMatch(
      /"\$x" is not bound/,
    );
    b.set('x', 3);
    expect(
      compareWithExpect({ ok: true, result: { pt_same_as: '$x' } }, ok({ id: 3 }), b),
    ).toBeUndefined();
    expect(
      compareWithExpect({ ok: true, result: { pt_not_same_as: '$x' } }, ok({ id: 3 }), b),
    ).toMatch(/expected an object other than \$x/);
    expect(compareWithExpect({ ok: true, result: { pt_same_as: '$x' } }, ok({}), b)).toMatch(
      /no id/,
    );
  });
});
