import { describe, expect, it } from 'vitest';
import { load } from '../../../src/core/scenario/index.ts';

/** Addresses and sizes in a scenario file mean one thing: hex is digits only, sizes are decimal. */

const SCENARIO = { format: 'iova-explorer.scenario/1' };

describe('u64 strings', () => {
  const mapAt = (iova: string) =>
    JSON.stringify({
      ...SCENARIO,
      steps: [{ op: 'vfio.map_dma', container: 1, iova, size: '4K' }],
    });

  it('hex with a size suffix ("0x1g") is refused with its path, not read as 1 GiB', () => {
    for (const [text, suffix] of [
      ['0x1g', 'g'],
      ['0x1G', 'G'],
      ['0x10 MiB', 'MiB'],
    ]) {
      expect(load(mapAt(text as string))).toEqual({
        ok: false,
        errors: [
          {
            path: 'steps[0].iova',
            message: `"${text}" is not a u64: hex takes no size suffix ("${suffix}"); write hex digits only (0x40000000) or a decimal size (1G)`,
          },
        ],
      });
    }
    for (const text of ['0x1e', '0x4000_0000', '1G', '4KiB'])
      expect(load(mapAt(text)).ok).toBe(true);
  });
});
