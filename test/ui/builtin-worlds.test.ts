import { describe, expect, it } from 'vitest';
import { load } from '../../src/core/scenario/index.ts';
import { replay } from '../../src/core/scenario/replay.ts';
import type { EngineState } from '../../src/core/state.ts';
import { builtinScenarios } from '../../src/store/scenarios/builtin.ts';
import { rankCandidates } from '../../src/view/actions/form-defaults.ts';

/** The engine state after the first `steps` steps of the scenario `text`. */
function engineStateOf(text: string, steps: number): EngineState {
  const l = load(text);
  if (!l.ok || l.kind !== 'scenario') throw new Error('does not load');
  return replay({ ...l.scenario, steps: l.scenario.steps.slice(0, steps) }).state;
}

const worlds = builtinScenarios().filter((b) => b.lessonId === undefined);
const textOf = new Map(await Promise.all(worlds.map(async (b) => [b.id, await b.text()] as const)));
const text = (id: string) => textOf.get(id) as string;

describe('the built-in worlds', () => {
  it('are a VT-d host on type1 and on iommufd, an AMD host and an Arm SMMUv3 host, each saying what it shows', () => {
    const kinds = worlds.map((b) => {
      const l = load(text(b.id));
      if (!l.ok || l.kind !== 'scenario') throw new Error(`${b.id} does not load`);
      const ops = new Set(l.scenario.steps.map((s) => s.op.split('.')[0]));
      return `${[...new Set(l.scenario.platform?.iommus?.map((i) => i.kind))].join('+')}/${[...ops].join('+')}`;
    });
    expect(kinds.sort()).toEqual(['amd/vfio', 'smmuv3/vfio', 'vtd/iommufd', 'vtd/vfio']);
    for (const b of worlds) expect(b.shows, b.id).toMatch(/\w{3}/);
  });

  it.each(worlds.map((b) => [b.id, text(b.id)] as const))(
    '%s replays every step as expected',
    (_, text) => {
      const l = load(text);
      if (!l.ok || l.kind !== 'scenario') throw new Error('does not load');
      const r = replay(l.scenario);
      expect(r.steps.filter((s) => !s.matches)).toEqual([]);
      expect(r.mismatches).toBe(0);
      expect(r.steps.length).toBeGreaterThan(3);
    },
  );
});

describe('form defaults pick the object the op is for', () => {
  const vtd = worlds.find((b) => b.id === 'q35-gpu-vtd')!;
  const iommufd = worlds.find((b) => b.id === 'iommufd-first-vtd')!;

  it('a bind starts on a vfio-pci device not yet bound, not on the host bridge', () => {
    const none = engineStateOf(text(vtd.id), 0);
    const devices = [...none.index.devices.keys()];
    expect(devices[0]).toBe('0000:00:00.0');
    expect(rankCandidates(none, 'iommufd.device_bind', 'bdf', devices)[0]).toBe('0000:01:00.0');
    // Once the GPU is bound, its audio function (also on vfio-pci) comes first.
    const bound = engineStateOf(text(iommufd.id), 2);
    expect(rankCandidates(bound, 'iommufd.device_bind', 'bdf', devices)[0]).toBe('0000:01:00.1');
  });

  it('unset starts on a group in a container; set on a viable group in none', () => {
    const before = engineStateOf(text(vtd.id), 1);
    const groups = [...before.index.groups.keys()].map(String);
    expect(rankCandidates(before, 'vfio.group_set_container', 'group', groups)[0]).toBe('4');
    const after = engineStateOf(text(vtd.id), 2);
    expect(groups[0]).not.toBe('4');
    expect(rankCandidates(after, 'vfio.group_unset_container', 'group', groups)[0]).toBe('4');
  });
});
