import { foldAlikeLanes } from '../view/map/fold-lanes.ts';
import type { EngineState } from '../core/state.ts';
import type { AddressSpacesView } from '../core/view-types.ts';
import { describeIommufd } from '../core/iommufd/view.ts';
import { describeVfio } from '../core/vfio/view.ts';
import { buildLanes, type GuestLayout, type Lane } from '../view/map/lanes.ts';
import type { Snapshot } from './workspace.ts';

/** The engine's read contract for one state, computed once per state object (states are immutable). */
const spacesCache = new WeakMap<EngineState, AddressSpacesView>();

export function addressSpaces(state: EngineState): AddressSpacesView {
  let v = spacesCache.get(state);
  if (!v) {
    const fd = describeIommufd(state.iommufd);
    v = { containers: describeVfio(state), ioas: fd.ioas, iommufdDevices: fd.devices };
    spacesCache.set(state, v);
  }
  return v;
}

export function guestLayout(s: Snapshot): GuestLayout | undefined {
  const g = s.scenario.guest;
  if (!g?.memory) return undefined;
  return {
    ...(g.machine !== undefined ? { machine: g.machine } : {}),
    memory: g.memory.map((m) => ({
      start: m.start,
      last: m.last,
      kind: m.kind ?? 'ram',
      ...(m.name !== undefined ? { name: m.name } : {}),
    })),
  };
}

const lanesCache = new WeakMap<Snapshot, Lane[]>();
const foldedCache = new WeakMap<Snapshot, Lane[]>();

/**
 * The map's lanes for a snapshot, with group lanes that show the same regions folded into one
 * when `foldAlike` (fold-lanes.ts); memoised so every frame reuses them.
 */
export function lanesOf(s: Snapshot, foldAlike = false): Lane[] {
  let lanes = lanesCache.get(s);
  if (!lanes) {
    lanes = buildLanes(s.state, addressSpaces(s.state), guestLayout(s));
    lanesCache.set(s, lanes);
  }
  if (!foldAlike) return lanes;
  let folded = foldedCache.get(s);
  if (!folded) {
    folded = foldAlikeLanes(lanes);
    foldedCache.set(s, folded);
  }
  return folded;
}
