import { describe, expect, it } from 'vitest';
import { load } from '../../../src/core/scenario/index.ts';

/**
 * A wrong or hostile file is refused at the cost of its first errors: the loader stops at 20, and
 * a nesting-depth limit refuses what would otherwise overflow the stack.
 */

const SCENARIO = { format: 'iova-explorer.scenario/1' };

/** Milliseconds to read a text; the best of three. */
function cost(text: string, read: (text: string) => unknown): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    read(text);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('error collection stops at its cap', () => {
  const wrongArray = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => i));
  const wrongSteps = (n: number) =>
    JSON.stringify({ ...SCENARIO, steps: Array.from({ length: n }, () => ({ op: 'vfio.nope' })) });

  it('a huge wrong file reports the same first 20 errors, paths and sentences as a small one', () => {
    for (const make of [wrongArray, wrongSteps]) {
      const small = load(make(25));
      const huge = load(make(100_000));
      expect(small.ok).toBe(false);
      if (small.ok || huge.ok) return;
      expect(small.errors).toHaveLength(20);
      expect(huge.errors).toEqual(small.errors);
    }
    const steps = load(wrongSteps(100_000));
    expect(!steps.ok && steps.errors[19]?.path).toBe('steps[19].op');
  });

  it('refusing a huge wrong file costs about what reading its JSON does', () => {
    // The old loader built every issue before cutting to 20: 40 to 110 times the JSON parse
    // here, and ~600 bytes per input byte. Now the errors beyond the cap are never made (2-5x).
    for (const make of [wrongArray, wrongSteps]) {
      const text = make(300_000);
      load(text);
      const parse = cost(text, (t) => JSON.parse(t));
      const refuse = cost(text, load);
      expect(
        refuse / parse,
        `JSON.parse: ${parse.toFixed(1)} ms, load: ${refuse.toFixed(1)} ms`,
      ).toBeLessThan(15);
    }
  });

  it('a large file with fewer errors than the cap still reports all of them', () => {
    const steps: unknown[] = Array.from({ length: 30_000 }, () => ({ op: 'iommu.groups' }));
    steps[7] = { op: 'iommu.groups', bogus: 1 };
    steps[29_999] = { op: 'vfio.nope' };
    const r = load(JSON.stringify({ ...SCENARIO, steps, extra: true }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(['steps[7].bogus', 'steps[29999].op', 'extra']);
  });
});

describe('nesting depth', () => {
  const nested = (depth: number) =>
    JSON.stringify({
      ...SCENARIO,
      steps: [{ op: 'iommu.groups', expect: { ok: true, result: { deep: 0 } } }],
    }).replace('0', '['.repeat(depth) + ']'.repeat(depth));

  it('a valid file nested past the limit is refused with its path, never a stack overflow', () => {
    for (const depth of [100, 1_000_000]) {
      const r = load(nested(depth));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]?.message).toBe(
        'nested deeper than 64 levels of arrays and objects (the nesting limit): a scenario file needs a few',
      );
      expect(r.errors[0]?.path).toMatch(/^steps\[0\]\.expect\.result\.deep(\[0\])+$/);
    }
    expect(load(nested(50)).ok).toBe(true);
  });

  it('broken JSON nested past the limit is refused with the line and column', () => {
    const r = load('['.repeat(1_000_000));
    expect(r).toEqual({
      ok: false,
      errors: [
        {
          path: '',
          message:
            'invalid JSON: nested deeper than 64 levels of arrays and objects (the nesting limit)',
          line: 1,
          column: 65,
        },
      ],
    });
  });
});
