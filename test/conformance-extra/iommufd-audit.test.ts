import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatLoadError, load, replay, type ConformanceScenario, type ReplayReport } from '../../src/core/scenario/index.ts';

/**
 * Independent audit of the iommufd model against the kernel (drivers/iommu/iommufd/*.c and the
 * iommufd selftest): every scenario of iommufd-audit.json must replay with zero mismatches.
 */

const FILE = join(dirname(fileURLToPath(import.meta.url)), 'iommufd-audit.json');

function explain(s: ConformanceScenario, r: ReplayReport): string {
  const lines = [`${s.id}: ${r.mismatches} mismatch(es)`, `  source: ${s.source ?? '?'}`];
  if (r.setupError) lines.push(`  ${r.setupError}`);
  for (const step of r.steps) {
    if (step.matches) continue;
    lines.push(`  step ${step.index} ${step.op}: ${step.mismatch ?? ''} (${step.ok ? 'ok' : `${step.errno ?? ''} ${step.rule ?? ''}`}: ${step.message ?? ''})`);
  }
  return lines.join('\n');
}

describe('iommufd-audit.json', () => {
  const loaded = load(readFileSync(FILE, 'utf8'));
  const scenarios = loaded.ok && loaded.kind === 'conformance' ? loaded.scenarios : [];

  it('loads as a conformance array', () => {
    expect(loaded.ok ? [] : loaded.errors.map(formatLoadError)).toEqual([]);
    expect(loaded.ok && loaded.kind).toBe('conformance');
    expect(scenarios.length).toBeGreaterThan(50);
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

  it('has zero mismatches in total', () => {
    const total = scenarios.reduce((n, s) => n + replay(s).mismatches, 0);
    expect(total).toBe(0);
  });
});
