import { groupRef } from '../entity-ref.ts';
import { RangeMap } from '../ranges/range-map.ts';
import type { EngineState } from '../state.ts';
import type {
  MappingValue,
  ReservedView,
  VfioContainerView,
  VfioDomainView,
} from '../view-types.ts';
import { enforcedRegions } from './iova-list.ts';
import { asPgsizeBitmap } from '../u64.ts';

const EMPTY_MAPPINGS = RangeMap.empty<MappingValue>();

/**
 * The read-only description of every VFIO container, in container id order. O(containers +
 * domains + reserved regions): the mapping tree is the engine's own copy-on-write map, shared.
 */
export function describeVfio(state: EngineState): VfioContainerView[] {
  const vfio = state.vfio;
  const idx = state.index;
  const out: VfioContainerView[] = [];
  for (const c of [...vfio.containers.values()].sort((a, b) => a.id - b.id)) {
    const d = c.driver;
    const domains: VfioDomainView[] = (d?.domains ?? []).map((x) =>
      Object.freeze({
        id: x.id,
        iommu: x.iommu,
        groups: x.groups,
        aperture: x.aperture,
        enforceCacheCoherency: x.enforceCacheCoherency,
        pgsizeBitmap: x.pgsizeBitmap,
      }),
    );
    const reserved: ReservedView[] = [];
    if (d) {
      for (const dom of d.domains) {
        for (const g of dom.groups) {
          for (const r of enforcedRegions(idx.groups.get(g)?.resvRegions ?? [])) {
            reserved.push(
              Object.freeze({
                start: r.start,
                last: r.last,
                type: r.type,
                owner: `group ${g}`,
                ownerRef: groupRef(g),
                ...(r.origin ? { origin: r.origin } : {}),
              }),
            );
          }
        }
      }
    }
    out.push(
      Object.freeze({
        kind: 'vfio-container',
        id: c.id,
        label: `container ${c.id}${d ? ` (${d.v2 ? 'type1v2' : 'type1'})` : ''}`,
        iommuType: d ? (d.v2 ? 'type1v2' : 'type1') : undefined,
        groups: c.groups,
        domains,
        validIova: d?.iovaList ?? [],
        reserved,
        mappings: d ? (d.dma as RangeMap<MappingValue>) : EMPTY_MAPPINGS,
        dmaAvail: d?.dmaAvail ?? 0,
        pgsizeBitmap: d?.pgsizeBitmap ?? asPgsizeBitmap(0n),
        lockedBytes: d?.lockedBytes ?? 0n,
      }),
    );
  }
  return out;
}
