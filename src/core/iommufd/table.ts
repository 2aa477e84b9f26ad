import { withEntryOrWithout, withoutEntry } from '../frozen-map.ts';
import { lowestFreeId } from '../iommu/ids.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import type { IommuUnit } from '../platform/types.ts';
import { engineWith, type EngineState } from '../state.ts';
import {
  iommufdWith,
  type DeviceObject,
  type HwptObject,
  type IoasObject,
  type IommufdObject,
  type IommufdState,
} from './state.ts';

/**
 * The object table of one iommufd (`ictx->objects`, `igroup->hwpt`, the bound-device list) as
 * pure functions: each returns a new frozen IommufdState and shares everything it did not change,
 * the way the VFIO model builds its containers. An op that fails simply drops what it built and
 * hands back its input state, so a refusal can never leak a half-made change.
 */

export function ioasIn(s: IommufdState, id: number | undefined): IoasObject | undefined {
  const o = id === undefined ? undefined : s.objects.get(id);
  return o?.kind === 'ioas' ? o : undefined;
}

export function hwptIn(s: IommufdState, id: number | undefined): HwptObject | undefined {
  const o = id === undefined ? undefined : s.objects.get(id);
  return o?.kind === 'hwpt' ? o : undefined;
}

export function deviceIn(s: IommufdState, id: number | undefined): DeviceObject | undefined {
  const o = id === undefined ? undefined : s.objects.get(id);
  return o?.kind === 'device' ? o : undefined;
}

/** The id `iommufd_object_alloc` hands out next (`xa_alloc`, lowest free from 1). */
export function nextObjectId(s: IommufdState): number {
  return lowestFreeId(s.objects);
}

/** `s` with each object stored (frozen) under its id, replacing what was there. */
export function withObjects(s: IommufdState, ...objs: readonly IommufdObject[]): IommufdState {
  const objects = new Map(s.objects);
  for (const o of objs) objects.set(o.id, Object.freeze(o));
  return iommufdWith(s, { objects });
}

export function withoutObject(s: IommufdState, id: number): IommufdState {
  return s.objects.has(id) ? iommufdWith(s, { objects: withoutEntry(s.objects, id) }) : s;
}

/** `igroup->hwpt` set (or cleared with `undefined`) for one iommu_group. */
export function withGroupHwpt(
  s: IommufdState,
  group: number,
  hwpt: number | undefined,
): IommufdState {
  return iommufdWith(s, { groupHwpt: withEntryOrWithout(s.groupHwpt, group, hwpt) });
}

/** The bound-device list with `bdf` bound as device `id` (or unbound with `undefined`). */
export function withBoundDevice(
  s: IommufdState,
  bdf: string,
  id: number | undefined,
): IommufdState {
  return iommufdWith(s, { boundDevices: withEntryOrWithout(s.boundDevices, bdf, id) });
}

/** The engine state holding `next` as its iommufd; everything else shared. */
export function withIommufd(state: EngineState, next: IommufdState): EngineState {
  return engineWith(state, { iommufd: next });
}

export function unitOfDevice(index: PlatformIndex, bdf: string): IommuUnit | undefined {
  const dev = index.devices.get(bdf);
  return dev?.iommu !== undefined ? index.units.get(dev.iommu) : undefined;
}

/** Devices of `group` attached to the group's HWPT (`igroup->device_list`). */
export function attachedGroupDevices(s: IommufdState, group: number): DeviceObject[] {
  const out: DeviceObject[] = [];
  for (const o of s.objects.values())
    if (o.kind === 'device' && o.group === group && o.hwpt !== undefined) out.push(o);
  return out;
}
