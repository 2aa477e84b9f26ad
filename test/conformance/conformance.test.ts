import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeConformanceFile } from './replay-suite.ts';

/**
 * Every scenario of the conformance files (copies of ../shared/conformance, DESIGN.md §8)
 * replayed through the engine: each must match its expectations step by step.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = join(REPO, 'test/conformance');
const SHARED = resolve(REPO, '../shared/conformance');
const FILES = ['vfio.json', 'iommufd.json', 'iommu.json'] as const;

for (const file of FILES) describeConformanceFile(file, join(HERE, file));
describe('copy of ../shared/conformance', () => {
  it('is identical to the shared conformance files whenever that folder exists', () => {
    if (!existsSync(SHARED)) {
      // A fresh clone has no ../shared: nothing to compare, and the copy in test/ is the reference.
      console.info(
        `conformance: ${SHARED} does not exist; comparison not applicable (fresh clone)`,
      );
      expect(existsSync(SHARED)).toBe(false);
      return;
    }
    const shared = readdirSync(SHARED)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const copied = readdirSync(HERE)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(
      copied,
      'test/conformance must hold exactly the JSON files of ../shared/conformance',
    ).toEqual(shared);
    for (const f of shared) {
      const a = readFileSync(join(SHARED, f), 'utf8');
      const b = readFileSync(join(HERE, f), 'utf8');
      expect(b === a, `test/conformance/${f} differs from ${join(SHARED, f)}: copy it again`).toBe(
        true,
      );
    }
    expect([...FILES].sort()).toEqual(shared);
  });
});
