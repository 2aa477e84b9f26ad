import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply, createState } from '../../../src/core/engine.ts';
import { OP_NAMES, OP_SPECS } from '../../../src/core/ops/registry.ts';

/**
 * The engine never throws on an action value, whatever reaches `apply` without passing the
 * scenario schema: every malformed field is refused with EINVAL naming the field, an unknown op
 * with ENOTTY, and the state is returned untouched.
 */

const state = createState({
  iommus: [{ id: 'dmar0', kind: 'vtd' }],
  devices: [{ bdf: '0000:01:00.0', iommu: 'dmar0', group: 1 }],
});

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
  fc.constantFrom(-1n, 1n << 64n, 0n, (1n << 64n) - 1n),
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -0, null, true, '', '0xzz', '$gone', 'BOGUS'),
  fc.string(),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
  fc.array(fc.record({ start: fc.bigInt(), last: fc.bigInt() }), { maxLength: 3 }),
  fc.object(),
);

describe('malformed actions are refused, never thrown', () => {
  it('random values in every field of every op', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OP_NAMES),
        fc.dictionary(fc.constantFrom('x'), anyValue),
        fc.array(anyValue, { minLength: 6, maxLength: 6 }),
        (op, _extra, values) => {
          const fields = Object.keys(OP_SPECS[op].fields);
          const action = Object.fromEntries([
            ['op', op],
            ...fields.map((f, i) => [f, values[i % values.length]]),
          ]) as unknown as Action;
          const r = apply(state, action);
          if (!r.outcome.ok) expect(r.state).toBe(state);
        },
      ),
      { seed: 14, numRuns: 3000 },
    );
  });

  it('names the field and its expected kind', () => {
    const r = apply(state, {
      op: 'iommufd.ioas_map',
      ioas: 1,
      iova: 0x1000,
      length: 0x1000n,
      flags: [],
    } as unknown as Action);
    expect(r.outcome).toMatchObject({ ok: false, errno: 'EINVAL', rule: 'iommufd_fops_ioctl' });
    expect(!r.outcome.ok && r.outcome.message).toContain('field iova must be a u64');
    const neg = apply(state, {
      op: 'vfio.map_dma',
      container: 1,
      iova: -4096n,
      size: 0x1000n,
      flags: [],
    } as unknown as Action);
    expect(neg.outcome).toMatchObject({ ok: false, errno: 'EINVAL', rule: 'vfio_fops_unl_ioctl' });
    expect(!neg.outcome.ok && neg.outcome.message).toContain('field iova');
    const missing = apply(state, { op: 'vfio.unmap_dma', container: 1 } as unknown as Action);
    expect(!missing.outcome.ok && missing.outcome.message).toContain('field iova is missing');
  });

  it('an unknown op or a non-object is ENOTTY', () => {
    for (const a of [{ op: 'vfio.nope' }, { op: 7 }, null, 'iommufd.ioas_alloc']) {
      const r = apply(state, a as unknown as Action);
      expect(r.outcome).toMatchObject({ ok: false, errno: 'ENOTTY' });
      expect(r.state).toBe(state);
    }
  });

  it('an IOAS range list with start > last is the op own EINVAL, after the IOAS lookup', () => {
    const r = apply(state, {
      op: 'iommufd.ioas_allow_iovas',
      ioas: 1,
      ranges: [{ start: 0x2000n, last: 0x1000n }],
    } as unknown as Action);
    expect(r.outcome).toMatchObject({ ok: false, errno: 'ENOENT' });
    const ioas = apply(state, { op: 'iommufd.ioas_alloc' });
    const bad = apply(ioas.state, {
      op: 'iommufd.ioas_allow_iovas',
      ioas: 1,
      ranges: [{ start: 0x2000n, last: 0x1000n }],
    });
    expect(bad.outcome).toMatchObject({
      ok: false,
      errno: 'EINVAL',
      rule: 'iommufd_ioas_load_iovas',
    });
  });
});
