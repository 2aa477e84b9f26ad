import type { EngineState } from '../state.ts';
import type { HwptView, IoasView, IommufdDeviceView, ReservedView } from '../view-types.ts';
import { validIovaRanges } from './iopt.ts';
import type { EntityRef } from '../entity-ref.ts';
import { describeOwner, type IommufdState, type ReservationOwner } from './state.ts';

/** A reservation's owner as a reference: the HWPT of a domain's aperture, a device, the selftest. */
function ownerRef(o: ReservationOwner): EntityRef {
  if (o.kind === 'domain') return { kind: 'object', objectType: 'hwpt', id: o.hwpt };
  if (o.kind === 'device') return { kind: 'device', bdf: o.bdf };
  return { kind: 'selftest' };
}

/**
 * The read-only description of every IOAS and bound device for the map, inspector and CLI.
 * O(objects + reservations): the area trees are the engine's own copy-on-write maps, shared.
 */
export function describeIommufd(input: EngineState | IommufdState): {
  ioas: IoasView[];
  devices: IommufdDeviceView[];
} {
  const state: IommufdState = 'iommufd' in input ? input.iommufd : input;
  const ioas: IoasView[] = [];
  const devices: IommufdDeviceView[] = [];
  const ids = [...state.objects.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    const o = state.objects.get(id);
    if (!o) continue;
    if (o.kind === 'device') {
      devices.push({ id: o.id, bdf: o.bdf, hwpt: o.hwpt });
    } else if (o.kind === 'ioas') {
      const hwpts: HwptView[] = [];
      for (const h of o.hwpts) {
        const hw = state.objects.get(h);
        if (hw?.kind !== 'hwpt') continue;
        hwpts.push({
          id: hw.id,
          auto: hw.auto,
          iommu: hw.iommu,
          devices: hw.devices.map((d) => {
            const dev = state.objects.get(d);
            return dev?.kind === 'device' ? dev.bdf : String(d);
          }),
          aperture: hw.aperture,
          enforceCacheCoherency: hw.enforceCacheCoherency,
          pgsizeBitmap: hw.pgsizeBitmap,
        });
      }
      const reserved: ReservedView[] = o.reserved.map((r) => ({
        start: r.start,
        last: r.last,
        type: r.type,
        owner: describeOwner(r.owner),
        ownerRef: ownerRef(r.owner),
        ...(r.origin ? { origin: r.origin } : {}),
      }));
      ioas.push({
        kind: 'iommufd-ioas',
        id: o.id,
        label: `IOAS ${o.id}`,
        hwpts,
        validIova: validIovaRanges(o),
        allowed: o.allowed,
        reserved,
        areas: o.areas,
        iovaAlignment: o.iovaAlignment,
      });
    }
  }
  return { ioas, devices };
}
