import { describe, expect, it } from 'vitest';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { foldAlikeLanes, type FoldedLane } from '../../src/view/map/fold-lanes.ts';
import { defaultStore } from './app-fixture.tsx';

describe('folding group lanes that show the same regions', () => {
  const present = defaultStore().getState().history!.present;
  const lanes = lanesOf(present);

  it('folds groups 0, 1 and 4 (only the MSI window) into one lane with a count; 2 and 3 differ', () => {
    const folded = lanesOf(present, true) as FoldedLane[];
    const groupLabels = (ls: readonly FoldedLane[]) =>
      ls.filter((l) => l.kind === 'group').map((l) => `${l.label} (${l.detail})`);
    expect(groupLabels(lanes).length).toBe(5);
    const shown = groupLabels(folded);
    expect(shown[0]).toBe('groups 0, 1, 4 reserved (3 groups · same regions)');
    expect(shown.slice(1).map((l) => l.split(' (')[0])).toEqual([
      'group 2 reserved',
      'group 3 reserved',
    ]);
    const one = folded.find((l) => l.members)!;
    expect(one.members).toEqual([0, 1, 4]);
    expect(one.id).toBe('group:0');
    // Hovering its MSI window names every member.
    expect(one.spans[0]?.owner).toBe('groups 0, 1, 4');
    expect(one.spans[0]?.owners).toHaveLength(3);
    // Every other lane is the same object, in the same order.
    expect(folded.filter((l) => l.kind !== 'group')).toEqual(
      lanes.filter((l) => l.kind !== 'group'),
    );
    expect(lanesOf(present, true)).toBe(folded);
  });

  it('keeps lanes that differ in a region or the aperture apart, and leaves a single lane as it is', () => {
    const group = lanes.filter((l) => l.kind === 'group');
    const [a, b] = group as [FoldedLane, FoldedLane];
    const shifted = { ...b, aperture: { start: 0n, last: 0xffffffffn, label: '32-bit' } };
    expect(foldAlikeLanes([a, shifted]).map((l) => l.label)).toEqual([a.label, b.label]);
    expect(foldAlikeLanes([a])).toEqual([a]);
  });
});
