import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatLoadError, load, replay, type ConformanceScenario } from '../../src/core/scenario/index.ts';

/**
 * Independent audit of the VFIO type1 model (kernel-semantics §3, §4, §10, Appendix A): each
 * scenario of vfio-audit.json replayed through the engine must match every step's expectation.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const loaded = load(readFileSync(join(HERE, 'vfio-audit.json'), 'utf8'));
const scenarios: ConformanceScenario[] = loaded.ok && loaded.kind === 'conformance' ? loaded.scenarios : [];

describe('vfio-audit.json', () => {
  it('loads as a conformance array with unique ids', () => {
    expect(loaded.ok ? [] : loaded.errors.map(formatLoadError)).toEqual([]);
    expect(scenarios.length).toBeGreaterThan(0);
    const ids = scenarios.map((s) => s.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  for (const scenario of scenarios) {
    it(scenario.id, () => {
      const report = replay(scenario);
      const bad = report.steps
        .filter((s) => !s.matches)
        .map((s) => `step ${s.index} ${s.op}: ${s.mismatch ?? ''} (${s.errno ?? 'ok'}: ${s.message ?? ''})`);
      expect(report.setupError).toBeUndefined();
      expect(report.steps).toHaveLength(scenario.steps.length);
      expect(report.mismatches, [scenario.id, ...bad].join('\n')).toBe(0);
    });
  }
});
