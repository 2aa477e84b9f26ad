import { describe, expect, it } from 'vitest';
import { analyze, type Finding } from '../../../src/core/analysis/index.ts';
import { entityLabel } from '../../../src/core/entity-ref.ts';
import { importBundle } from '../../../src/core/importers/bundle.ts';
import { importText, mergeImports } from '../../../src/core/importers/index.ts';
import { collect, fixture } from '../importers/fixtures.ts';

/** The Intel client host with its lspci: a non-viable group, a large group, RMRRs and faults. */
function intelClient() {
  const parts = [importBundle(collect('intel-client').stdout)];
  const r = importText(fixture('intel-client/lspci-vvv.txt'));
  if (!r.ok) throw new Error(r.error);
  parts.push(r.result);
  const m = mergeImports(parts.map((p) => ({ scenario: p.scenario, events: p.events })));
  return analyze({ platform: m.scenario.platform ?? {}, host: m.host, events: m.events });
}

describe('findings carry what they are about as data', () => {
  const findings: Finding[] = intelClient().findings;

  it('every finding has references, and its words are derived from them', () => {
    expect(findings.length).toBeGreaterThan(2);
    for (const f of findings) {
      expect(f.refs.length).toBe(f.objects.length);
      expect(f.objects).toEqual(f.refs.map(entityLabel));
    }
  });

  it('the group of a non-viable group finding is a number, its devices BDFs', () => {
    const nv = findings.find((f) => f.kind === 'group-not-viable');
    expect(nv?.refs[0]).toEqual({ kind: 'group', group: 8 });
    expect(nv?.refs.slice(1).every((r) => r.kind === 'device')).toBe(true);
    expect(nv?.refs.slice(1).map((r) => (r.kind === 'device' ? r.bdf : ''))).toContain(
      '0000:00:1f.4',
    );
  });
});

describe('entityLabel', () => {
  it('says each kind the way findings and hover cards print it', () => {
    expect(entityLabel({ kind: 'group', group: 3 })).toBe('group 3');
    expect(entityLabel({ kind: 'device', bdf: '0000:01:00.0' })).toBe('0000:01:00.0');
    expect(entityLabel({ kind: 'line', line: 7, trace: true })).toBe('trace line 7');
    expect(entityLabel({ kind: 'object', objectType: 'hwpt', id: 4 })).toBe('HWPT 4');
    expect(entityLabel({ kind: 'bar', bdf: '0000:04:00.0', bar: 2, own: true })).toBe(
      "0000:04:00.0's own BAR 2",
    );
    expect(entityLabel({ kind: 'module-param', name: 'dma_entry_limit', value: '10' })).toBe(
      'dma_entry_limit=10',
    );
  });
});
