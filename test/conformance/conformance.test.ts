import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatLoadError,
  load,
  replay,
  type ConformanceScenario,
  type ReplayReport,
} from '../../src/core/scenario/index.ts';
import { stepLine } from '../../src/cli/commands/replay.ts';

/**
 * Every scenario of the conformance files (copies of ../shared/conformance, DESIGN.md §8)
 * replayed through the engine: each must match its expectations step by step.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = join(REPO, 'test/conformance');
const SHARED = resolve(REPO, '../shared/conformance');
const FILES = ['vfio.json', 'iommufd.json', 'iommu.json'] as const;

function scenariosOf(file: string): { scenarios: ConformanceScenario[]; errors: string[] } {
  const loaded = load(readFileSync(join(HERE, file), 'utf8'));
  if (!loaded.ok) return { scenarios: [], errors: loaded.errors.map(formatLoadError) };
  if (loaded.kind !== 'conformance')
    return { scenarios: [], errors: [`${file} is a single scenario, not a conformance array`] };
  return { scenarios: loaded.scenarios, errors: [] };
}

/** What failed, step by step, as the CLI prints it: enough to debug without re-running. */
function explain(s: ConformanceScenario, r: ReplayReport): string {
  const lines = [`${s.id}: ${r.mismatches} mismatch(es)`, `  source: ${s.source ?? '?'}`];
  if (s.note) lines.push(`  note: ${s.note}`);
  if (r.setupError) lines.push(`  ${r.setupError}`);
  for (const step of r.steps) lines.push(stepLine(step).trimEnd());
  return lines.join('\n');
}

for (const file of FILES) {
  describe(file, () => {
    const { scenarios, errors } = scenariosOf(file);

    it('loads without errors', () => {
      expect(errors).toEqual([]);
      expect(scenarios.length).toBeGreaterThan(0);
    });

    it('has unique scenario ids', () => {
      const ids = scenarios.map((s) => s.id);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    });

    for (const scenario of scenarios) {
      it(scenario.id, () => {
        const report = replay(scenario);
        expect(report.steps).toHaveLength(scenario.steps.length);
        expect(report.mismatches, explain(scenario, report)).toBe(0);
      });
    }
  });
}

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
