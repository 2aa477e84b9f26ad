import { describe, expect, it } from 'vitest';
import type { EntityRef } from '../../src/core/entity-ref.ts';
import { lessonById } from '../../src/core/lessons/index.ts';
import type { AddressSpacesView } from '../../src/core/view-types.ts';
import { addressSpaces, lanesOf } from '../../src/store/address-spaces.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { openLesson } from '../../src/store/lesson.ts';
import { laneIoas } from '../../src/view/map/lane-objects.ts';
import { buildLanes, type Lane } from '../../src/view/map/lanes.ts';
import { defaultStore } from './app-fixture.tsx';

const LESSON = 'iommufd-bind-attach-msi';

/** Lesson 001 at the step where two functions are bound and attached to one auto HWPT. */
function attachedIommufd() {
  const step = lessonById(LESSON)?.steps.find((x) => x.title === 'Which is enforced');
  if (!step) throw new Error('no such step');
  const store = createAppStore();
  openLesson(store, LESSON, step.index);
  const present = store.getState().history!.present;
  return { present, lanes: lanesOf(present) };
}

const devices = (refs: readonly EntityRef[]) =>
  refs.map((r) => (r.kind === 'device' ? r.bdf : `not a device: ${r.kind}`));

describe('lanes and their spans say what they draw as data', () => {
  it('IOAS and HWPT lanes name their objects, the HWPT its IOAS; spans name their devices', () => {
    const { lanes } = attachedIommufd();
    const io = lanes.find((l) => l.kind === 'ioas')!;
    const hw = lanes.find((l) => l.kind === 'hwpt')!;
    expect(io.ref).toMatchObject({ kind: 'object', objectType: 'ioas' });
    expect(hw.ref).toMatchObject({ kind: 'object', objectType: 'hwpt' });
    expect(hw.parent).toEqual(io.ref);
    const msi = io.spans.find((s) => s.start === 0x8000000n)!;
    expect(devices(msi.owners)).toEqual(['0000:01:00.0', '0000:01:00.1']);
    expect(hw.background[0]?.owners).toEqual([hw.ref]);
  });

  it("a HWPT lane's reservations follow the owning devices, not the owner wording", () => {
    const { present, lanes } = attachedIommufd();
    const spaces = addressSpaces(present.state);
    const reworded: AddressSpacesView = {
      ...spaces,
      ioas: spaces.ioas.map((io) => ({
        ...io,
        reserved: io.reserved.map((r) => ({ ...r, owner: 'worded another way' })),
      })),
    };
    const hwptSpans = (ls: Lane[]) => ls.find((l) => l.kind === 'hwpt')?.spans.map((s) => s.start);
    expect(hwptSpans(lanes)).toEqual([0x8000000n, 0x20000000n]);
    expect(hwptSpans(buildLanes(present.state, reworded, undefined))).toEqual([
      0x8000000n,
      0x20000000n,
    ]);
  });

  it('group and container lanes: group numbers and container ids, reservations owned by groups', () => {
    const present = defaultStore().getState().history!.present;
    const lanes = lanesOf(present);
    for (const l of lanes.filter((x) => x.kind === 'group'))
      expect(l.ref).toEqual({ kind: 'group', group: l.group });
    const c = lanes.find((l) => l.kind === 'container');
    expect(c?.ref).toMatchObject({ kind: 'object', objectType: 'container' });
    expect(c?.spans.length).toBeGreaterThan(0);
    for (const s of c?.spans ?? []) expect(s.owners[0]?.kind).toBe('group');
  });
});

describe('laneIoas (what the inspector shows for an IOAS or HWPT lane)', () => {
  const lane = (ref: EntityRef, parent?: EntityRef): Lane => ({
    id: 'an id that is not parsed',
    kind: 'hwpt',
    ref,
    ...(parent ? { parent } : {}),
    label: '',
    detail: '',
    nested: true,
    background: [],
    spans: [],
  });

  it('reads the IOAS and HWPT ids from the references, whatever the lane id says', () => {
    expect(laneIoas(lane({ kind: 'object', objectType: 'ioas', id: 3 }))).toEqual({
      ioas: 3,
      hwpt: undefined,
    });
    expect(
      laneIoas(
        lane(
          { kind: 'object', objectType: 'hwpt', id: 5 },
          { kind: 'object', objectType: 'ioas', id: 3 },
        ),
      ),
    ).toEqual({ ioas: 3, hwpt: 5 });
    expect(laneIoas(lane({ kind: 'object', objectType: 'container', id: 3 }))).toBeUndefined();
    expect(laneIoas(lane({ kind: 'group', group: 3 }))).toBeUndefined();
  });

  it('the lanes built for an attached IOAS resolve to their own ids', () => {
    const { present, lanes } = attachedIommufd();
    const io = addressSpaces(present.state).ioas[0]!;
    expect(lanes.filter((l) => l.kind === 'ioas' || l.kind === 'hwpt').map(laneIoas)).toEqual([
      { ioas: io.id, hwpt: undefined },
      { ioas: io.id, hwpt: io.hwpts[0]!.id },
    ]);
  });
});
