import { describe, expect, it } from 'vitest';
import {
  load,
  replay,
  replaySteps,
  resolveStepRefs,
  type Scenario,
  type ScenarioStep,
} from '../../../src/core/scenario/index.ts';

function scenario(steps: unknown[]): Scenario {
  const r = load(JSON.stringify({ format: 'iova-explorer.scenario/1', platform: PLATFORM, steps }));
  if (!r.ok || r.kind !== 'scenario') throw new Error(JSON.stringify(r));
  return r.scenario;
}

const PLATFORM = {
  iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 48 }],
  devices: [
    { bdf: '0000:00:01.0', iommu: 'dmar0', pcieType: 'root_port', acs: ['SV', 'RR', 'CR', 'UF'] },
    { bdf: '0000:01:00.0', iommu: 'dmar0', pcieType: 'endpoint', parent: '0000:00:01.0', group: 7 },
  ],
};

describe('resolveStepRefs', () => {
  it('drops as/expect and replaces bound "$name" id fields', () => {
    const step = {
      op: 'iommufd.ioas_map',
      ioas: '$a',
      dst_ioas: '$b',
      as: 'x',
      expect: { ok: true },
      iova: 1n,
    } as unknown as ScenarioStep;
    const r = resolveStepRefs(step, new Map([['a', 3]]));
    expect(r.action).toEqual({ op: 'iommufd.ioas_map', ioas: 3, dst_ioas: '$b', iova: 1n });
    expect(r.unbound).toEqual([{ field: 'dst_ioas', ref: '$b' }]);
  });

  it('leaves fields that are not ids alone, even when they start with "$"', () => {
    const step = { op: 'vfio.set_iommu', container: 1, label: '$a' } as unknown as ScenarioStep;
    expect(resolveStepRefs(step, new Map([['a', 9]])).action).toEqual({
      op: 'vfio.set_iommu',
      container: 1,
      label: '$a',
    });
  });
});

describe('replaySteps', () => {
  const sc = scenario([
    { op: 'iommufd.ioas_alloc', as: 'ioas', expect: { ok: true } },
    { op: 'iommufd.ioas_alloc', as: 'other' },
    { op: 'iommufd.ioas_iova_ranges', ioas: '$ioas', expect: { ok: true } },
    { op: 'iommufd.ioas_iova_ranges', ioas: '$nobody' },
  ]);

  it('yields the start, then every step with the state and the bindings so far', () => {
    const items = [...replaySteps(sc)];
    expect(items.map((i) => i.kind)).toEqual(['start', 'step', 'step', 'step', 'step']);
    const [start, first, second, third, fourth] = items;
    if (
      start?.kind !== 'start' ||
      first?.kind !== 'step' ||
      second?.kind !== 'step' ||
      third?.kind !== 'step' ||
      fourth?.kind !== 'step'
    )
      throw new Error('shape');
    expect(start.bindings.size).toBe(0);
    expect(first.bindings.get('ioas')).toBeTypeOf('number');
    expect(first.bindings.has('other')).toBe(false);
    expect(second.bindings.get('other')).not.toBe(first.bindings.get('ioas'));
    expect(third.report.ok).toBe(true);
    expect(fourth.report.ok).toBe(false);
    expect(fourth.report.notes?.[0]).toContain('"$nobody" is not bound');
    expect(first.state).not.toBe(start.state);
    // replay() is the iterator run to the end.
    const whole = replay(sc);
    expect(whole.steps).toEqual(items.flatMap((i) => (i.kind === 'step' ? [i.report] : [])));
    expect(whole.bindings).toEqual(fourth.bindings);
  });

  it('stops after a setup error', () => {
    const bad = {
      steps: [{ op: 'iommufd.ioas_alloc' }],
      platform: { iommus: [{ id: 'x', kind: 'nonsense' }] },
    } as unknown as Scenario;
    const items = [...replaySteps(bad)];
    expect(items).toHaveLength(1);
    const only = items[0];
    expect(only?.kind).toBe('setup-error');
    expect(replay(bad).setupError).toBe(only?.kind === 'setup-error' ? only.setupError : 'none');
  });
});
