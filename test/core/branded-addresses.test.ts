import { ESLint } from 'eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { smallestPage } from '../../src/core/iommu/pgsize.ts';
import { allocIova, checkIova } from '../../src/core/iommufd/iopt.ts';
import { emptyIoas } from '../../src/core/iommufd/state.ts';
import { normalizePlatform } from '../../src/core/platform/normalize.ts';
import {
  asIova,
  asPgsizeBitmap,
  asUserVa,
  userVaRange,
  type Iova,
  type UserVa,
} from '../../src/core/u64.ts';
import { pinUserRange } from '../../src/core/vfio/pinning.ts';

/**
 * An IOVA, a user virtual address, a size and a page-size bitmap are different types: mixing them
 * up does not compile (each `@ts-expect-error` below fails `npm run typecheck` if the line stops
 * being an error), and drawing code turns addresses into floats only through toApproxNumber.
 */

const platform = normalizePlatform({ iommus: [], devices: [] });

describe('branded addresses', () => {
  it('a user address range cannot stand in for an IOVA range, nor the reverse', () => {
    // @ts-expect-error: a plain (IOVA) range is not a user-VA range
    pinUserRange(platform, { start: 0x1000n, last: 0x1fffn }, true, 0n);
    const va: UserVa = asUserVa(0x7f0000000000n);
    // @ts-expect-error: a user address is not an IOVA
    const wrong: Iova = va;
    // @ts-expect-error: an IOVA is not a user address
    const wrongBack: UserVa = asIova(0x1000n);
    expect([wrong, wrongBack]).toEqual([0x7f0000000000n, 0x1000n]);
    const ok = pinUserRange(platform, userVaRange(va, 0x1000n), true, 0n);
    expect(ok.ok).toBe(true);
  });

  it('iommufd placement takes a user address and returns an IOVA', () => {
    const ioas = emptyIoas(1);
    const params = { pageSize: 0x1000n, maxAlignment: 0x200000n };
    const placed = allocIova(ioas, asUserVa(0x200000n), 0x1000n, params);
    expect(typeof placed === 'bigint').toBe(true);
    // @ts-expect-error: the user address where the IOVA belongs
    checkIova(ioas, asUserVa(0x1000n), 0x1000n);
    // @ts-expect-error: an IOVA where the user address belongs
    allocIova(ioas, asIova(0x1000n), 0x1000n, params);
  });

  it('a size or a bare number is not a page-size bitmap', () => {
    expect(smallestPage(asPgsizeBitmap(0x40201000n))).toBe(0x1000n);
    // @ts-expect-error: a plain bigint where a pgsize bitmap belongs
    smallestPage(0x40201000n);
  });

  it('drawing code may not call Number() on its own', async () => {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const eslint = new ESLint({ cwd: repo });
    const code = 'export const px = (a: bigint): number => Number(a) / 2;\n';
    for (const file of [
      'src/view/map/probe.ts',
      'src/view/viewport/probe.ts',
      'src/ui/map/probe.ts',
    ]) {
      const [result] = await eslint.lintText(code, { filePath: resolve(repo, file) });
      expect(result?.messages.map((m) => m.ruleId)).toContain('no-restricted-syntax');
    }
  });
});
