import { describe, expect, it } from 'vitest';
import { accept, lazyMessage } from '../../src/core/op-result.ts';
import { createState } from '../../src/core/engine.ts';

/** A success message worked out when read reads like a plain one everywhere it goes. */

describe('lazy success messages', () => {
  it('is formatted once, when first read, and is there for spread, JSON and structured clone', () => {
    let calls = 0;
    const format = (a: { n: number }) => {
      calls++;
      return `mapped ${a.n}`;
    };
    const { outcome } = accept(
      createState({ iommus: [], devices: [] }),
      lazyMessage(format, { n: 3 }),
      {
        iova: 1n,
      },
    );
    expect(calls).toBe(0);
    expect(outcome.message).toBe('mapped 3');
    expect(outcome.message).toBe('mapped 3');
    expect(calls).toBe(1);
    expect({ ...outcome }).toEqual({
      ok: true,
      message: 'mapped 3',
      warnings: [],
      result: { iova: 1n },
    });
    expect(structuredClone(outcome)).toEqual({ ...outcome });
    expect(JSON.parse(JSON.stringify({ ...outcome, result: undefined }))).toEqual({
      ok: true,
      message: 'mapped 3',
      warnings: [],
    });
  });
});
