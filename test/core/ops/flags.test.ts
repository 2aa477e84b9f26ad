import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply, createState, type EngineState } from '../../../src/core/engine.ts';
import { parseFlags } from '../../../src/core/flag-bits.ts';
import { type FlagOpName, flagsFieldOf, parseOpFlags } from '../../../src/core/ops/flags.ts';
import { OP_NAMES, OP_SPECS } from '../../../src/core/ops/registry.ts';
import { FLAG_NAMES } from '../../../src/core/scenario/index.ts';
import { ok, vtdPlatform } from '../iommufd/helpers.ts';
import { platform, VA } from '../vfio/helpers.ts';

/** Raw flag text that is neither a name nor a number, and a name no ioctl defines. */
const UNREADABLE = ['0xzz', '0x_', '0x', '', '  ', '0x1g', 'NOPE'];

/** The flag-taking ops of today, each with a state where its only fault can be its flags. */
const REACHED = [
  'vfio.map_dma',
  'vfio.unmap_dma',
  'iommufd.ioas_alloc',
  'iommufd.ioas_map',
  'iommufd.ioas_copy',
  'iommufd.hwpt_alloc',
] as const satisfies readonly FlagOpName[];

/** Each op's action with the given flags, from a state where only the flags can be wrong. */
function reachFlags(): Record<
  (typeof REACHED)[number],
  (flags: string[]) => [EngineState, Action]
> {
  let vfio = createState(platform());
  for (const a of [
    { op: 'vfio.container_create' },
    { op: 'vfio.group_set_container', group: 10, container: 1 },
    { op: 'vfio.set_iommu', container: 1, type: 'type1v2' },
  ] as const)
    vfio = ok(vfio, a).state;
  const bound = ok(createState(vtdPlatform()), {
    op: 'iommufd.device_bind',
    device: '0000:01:00.0',
  });
  const a = ok(bound.state, { op: 'iommufd.ioas_alloc' });
  const b = ok(a.state, { op: 'iommufd.ioas_alloc' });
  const mapped = ok(b.state, {
    op: 'iommufd.ioas_map',
    ioas: a.id,
    iova: 0x100000n,
    length: 0x1000n,
    user_va: VA,
    flags: ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
  });
  return {
    'vfio.map_dma': (flags) => [
      vfio,
      { op: 'vfio.map_dma', container: 1, iova: 0x100000n, size: 0x1000n, vaddr: VA, flags },
    ],
    'vfio.unmap_dma': (flags) => [
      vfio,
      { op: 'vfio.unmap_dma', container: 1, iova: 0x100000n, size: 0x1000n, flags },
    ],
    'iommufd.ioas_alloc': (flags) => [b.state, { op: 'iommufd.ioas_alloc', flags }],
    'iommufd.ioas_map': (flags) => [
      b.state,
      { op: 'iommufd.ioas_map', ioas: a.id, iova: 0x200000n, length: 0x1000n, user_va: VA, flags },
    ],
    'iommufd.ioas_copy': (flags) => [
      mapped.state,
      {
        op: 'iommufd.ioas_copy',
        src_ioas: a.id,
        dst_ioas: b.id,
        src_iova: 0x100000n,
        length: 0x1000n,
        flags,
      },
    ],
    'iommufd.hwpt_alloc': (flags) => [
      b.state,
      { op: 'iommufd.hwpt_alloc', dev: bound.id, pt: a.id, flags },
    ],
  };
}

const FLAG_OPS = OP_NAMES.filter((op) => flagsFieldOf(OP_SPECS[op])) as FlagOpName[];

describe('flag parsing derived from the entries', () => {
  it('knows the flag-taking ops and their names', () => {
    expect(FLAG_OPS).toEqual(expect.arrayContaining([...REACHED]));
    expect(FLAG_NAMES['vfio.map_dma']).toEqual(['READ', 'WRITE', 'VADDR']);
    expect(FLAG_NAMES['iommufd.ioas_alloc']).toEqual([]);
    expect(FLAG_NAMES['iommufd.hwpt_alloc']).toEqual([
      'NEST_PARENT',
      'DIRTY_TRACKING',
      'FAULT_ID_VALID',
      'PASID',
    ]);
  });

  it('type1 answers EINVAL and iommufd EOPNOTSUPP for flags it does not define', () => {
    for (const op of FLAG_OPS)
      expect(flagsFieldOf(OP_SPECS[op])?.unknownErrno, op).toBe(
        op.startsWith('vfio.') ? 'EINVAL' : 'EOPNOTSUPP',
      );
  });

  it('reads names and raw bits, and turns anything else into the entry errno', () => {
    expect(parseOpFlags('vfio.map_dma', ['READ', 'write', '0x4'])).toEqual({ ok: true, bits: 7n });
    expect(parseOpFlags('iommufd.ioas_map', ['0x_4', 'FIXED_IOVA'])).toEqual({
      ok: true,
      bits: 5n,
    });
    expect(parseOpFlags('iommufd.ioas_alloc', undefined)).toEqual({ ok: true, bits: 0n });
    expect(parseOpFlags('vfio.unmap_dma', ['0x8'])).toEqual({
      ok: false,
      errno: 'EINVAL',
      message:
        'unknown VFIO_IOMMU_UNMAP_DMA flag bits 0x8 (known: GET_DIRTY_BITMAP=0x1, ALL=0x2, VADDR=0x4)',
    });
    expect(parseOpFlags('iommufd.ioas_alloc', ['0xzz'])).toEqual({
      ok: false,
      errno: 'EOPNOTSUPP',
      message: 'unknown IOMMU_IOAS_ALLOC flag "0xzz" (known: none)',
    });
    for (const op of FLAG_OPS)
      for (const text of UNREADABLE)
        expect(parseOpFlags(op, ['0x1', text]), `${op} ${JSON.stringify(text)}`).toMatchObject({
          ok: false,
          errno: flagsFieldOf(OP_SPECS[op])?.unknownErrno,
        });
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.constantFrom(...FLAG_OPS), (flags, op) => {
        expect(() => parseOpFlags(op, flags)).not.toThrow();
        expect(() => parseFlags(flags, {})).not.toThrow();
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it("the engine answers each op's unreadable flags with the entry's errno, never an exception", () => {
    const reach = reachFlags();
    for (const op of REACHED) {
      const field = flagsFieldOf(OP_SPECS[op]);
      const known = [...(field?.formDefault ?? [])];
      const [state, good] = reach[op](known);
      expect(
        apply(state, good).outcome,
        `${op} with ${known.join('|') || 'no flags'}`,
      ).toMatchObject({ ok: true });
      for (const text of UNREADABLE) {
        const [s, action] = reach[op]([...known, text]);
        const out = apply(s, action).outcome;
        expect(out, `${op} ${JSON.stringify(text)}`).toMatchObject({
          ok: false,
          errno: field?.unknownErrno,
        });
      }
    }
  });
});
