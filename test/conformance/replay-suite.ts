import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatLoadError,
  load,
  replay,
  type ConformanceScenario,
  type ReplayReport,
} from '../../src/core/scenario/index.ts';
import { stepLine } from '../../src/cli/commands/replay.ts';

/** What failed, step by step, as the CLI prints it: enough to debug without re-running. */
function explain(s: ConformanceScenario, r: ReplayReport): string {
  const lines = [`${s.id}: ${r.mismatches} mismatch(es)`, `  source: ${s.source ?? '?'}`];
  if (s.note) lines.push(`  note: ${s.note}`);
  if (r.setupError) lines.push(`  ${r.setupError}`);
  for (const step of r.steps) lines.push(stepLine(step).trimEnd());
  return lines.join('\n');
}

/**
 * Declares one vitest suite for a conformance file (a JSON array of scenarios with expectations):
 * it must load, its ids must be unique, and every scenario must replay through the engine with
 * zero mismatches — one test per scenario, named by its id.
 */
export function describeConformanceFile(title: string, path: string): void {
  describe(title, () => {
    const loaded = load(readFileSync(path, 'utf8'));
    const scenarios: ConformanceScenario[] =
      loaded.ok && loaded.kind === 'conformance' ? loaded.scenarios : [];

    it('loads as a conformance array', () => {
      expect(loaded.ok ? [] : loaded.errors.map(formatLoadError)).toEqual([]);
      expect(loaded.ok && loaded.kind).toBe('conformance');
      expect(scenarios.length).toBeGreaterThan(0);
    });

    it('has unique scenario ids', () => {
      const ids = scenarios.map((s) => s.id);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    });

    for (const scenario of scenarios) {
      it(scenario.id, () => {
        const report = replay(scenario);
        expect(report.setupError).toBeUndefined();
        expect(report.steps).toHaveLength(scenario.steps.length);
        expect(report.mismatches, explain(scenario, report)).toBe(0);
      });
    }
  });
}
