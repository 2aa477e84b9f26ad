import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entityLabel, type EntityRef } from '../../src/core/entity-ref.ts';
import { REPO, run } from './run-cli.ts';

describe('iova-explorer check --json', () => {
  it("prints each finding's references beside the words derived from them", async () => {
    const file = join(REPO, 'src/store/scenarios/q35-gpu-vtd.scenario.json');
    const { out } = await run('check', file, '--json');
    const report = JSON.parse(out) as {
      findings: Array<{ kind: string; refs: EntityRef[]; objects: string[] }>;
    };
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) expect(f.refs.map(entityLabel)).toEqual(f.objects);
    expect(report.findings.some((f) => f.refs.some((r) => r.kind === 'group'))).toBe(true);
  });
});
