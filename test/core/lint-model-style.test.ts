import { ESLint } from 'eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * VFIO type1, iommufd and the IOMMU layer under them share one way of building state: pure
 * functions over frozen values, so a failed op returns its input state object and the one
 * non-atomic op (IOAS_UNMAP) says exactly which part it kept. The lint rule that keeps a mutable
 * working-copy class out of those folders must fire.
 */
describe('one state-building style in the models', () => {
  it('a class in a model folder is a lint error', async () => {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const eslint = new ESLint({ cwd: repo });
    const code = 'export class Draft {\n  n = 0;\n}\n';
    for (const file of [
      'src/core/vfio/probe.ts',
      'src/core/iommufd/probe.ts',
      'src/core/iommu/probe.ts',
    ]) {
      const [result] = await eslint.lintText(code, { filePath: resolve(repo, file) });
      expect(result?.messages.map((m) => m.ruleId)).toContain('no-restricted-syntax');
    }
  });

  it('pure functions in the same folders pass', async () => {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const eslint = new ESLint({ cwd: repo });
    const code = 'export const next = (n: number): number => n + 1;\n';
    const [result] = await eslint.lintText(code, {
      filePath: resolve(repo, 'src/core/iommufd/probe.ts'),
    });
    expect(result?.messages).toEqual([]);
  });
});
