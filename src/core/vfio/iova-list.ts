import type { RangeMap, RangeEntry } from '../ranges/range-map.ts';
import { intersect, subtract } from '../ranges/range-set.ts';
import { isEnforcedResv, type ResvRegion } from '../platform/resv-regions.ts';
import { type Range, U64_MAX } from '../u64.ts';

/**
 * The type1 valid IOVA list (`iommu->iova_list`, kernel-semantics §4.4): the intersection of every
 * attach's aperture minus every attached group's non-relaxable reserved region. All helpers are
 * pure and return new arrays; the list holds tens of ranges, so arrays beat a tree.
 */

/** `vfio_iommu_aper_resize`: an empty list becomes the aperture, else the list is clipped to it. */
export function resizeToAperture(list: readonly Range[], aperture: Range): Range[] {
  if (list.length === 0) return [{ start: aperture.start, last: aperture.last }];
  return intersect(list, [aperture]);
}

/** Regions VFIO cuts out of the list: every type but direct-relaxable (`vfio_iommu_resv_exclude`). */
export function enforcedRegions(regions: readonly ResvRegion[]): ResvRegion[] {
  return regions.filter((r) => isEnforcedResv(r.type));
}

/** `vfio_iommu_resv_exclude`: the list minus the enforced regions. */
export function excludeRegions(list: readonly Range[], regions: readonly ResvRegion[]): Range[] {
  return subtract(list, enforcedRegions(regions));
}

/** The node containing `addr` (binary search over the sorted list). */
export function nodeContaining(list: readonly Range[], addr: bigint): Range | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = list[mid] as Range;
    if (addr < n.start) hi = mid - 1;
    else if (addr > n.last) lo = mid + 1;
    else return n;
  }
  return undefined;
}

/** `vfio_iommu_iova_dma_valid`: the whole range must lie inside one node of the list. */
export function inOneNode(list: readonly Range[], r: Range): boolean {
  const n = nodeContaining(list, r.start);
  return n !== undefined && r.last <= n.last;
}

/** The overall span [first.start, last.last] of a non-empty list. */
export function listSpan(list: readonly Range[]): Range | undefined {
  const first = list[0];
  const last = list[list.length - 1];
  return first && last ? { start: first.start, last: last.last } : undefined;
}

export type AperConflict<V> =
  | { readonly kind: 'disjoint'; readonly span: Range }
  | { readonly kind: 'mapping'; readonly span: Range; readonly mapping: RangeEntry<V> };

/**
 * `vfio_iommu_aper_conflict`: a new aperture may not be disjoint from the current list's span, and
 * no existing mapping may lie in the part of the span the new aperture cuts off. O(log n).
 */
export function aperConflict<V>(
  list: readonly Range[],
  dma: RangeMap<V>,
  aperture: Range,
): AperConflict<V> | undefined {
  const span = listSpan(list);
  if (!span) return undefined;
  if (aperture.start > span.last || aperture.last < span.start) return { kind: 'disjoint', span };
  if (aperture.start > span.start) {
    const m = dma.firstOverlapping({ start: span.start, last: aperture.start - 1n });
    if (m) return { kind: 'mapping', span, mapping: m };
  }
  if (aperture.last < span.last) {
    const m = dma.firstOverlapping({ start: aperture.last + 1n, last: span.last });
    if (m) return { kind: 'mapping', span, mapping: m };
  }
  return undefined;
}

/** `vfio_iommu_resv_conflict`: the first enforced region that an existing mapping intersects. */
export function resvConflict<V>(
  dma: RangeMap<V>,
  regions: readonly ResvRegion[],
): { region: ResvRegion; mapping: RangeEntry<V> } | undefined {
  for (const region of enforcedRegions(regions)) {
    const mapping = dma.firstOverlapping(region);
    if (mapping) return { region, mapping };
  }
  return undefined;
}

/**
 * `vfio_iommu_aper_expand`: after a domain is freed, the list's first start and last end are reset
 * to the tightest bounds of the remaining domains' apertures (the whole space when none remain).
 */
export function expandToApertures(list: readonly Range[], apertures: readonly Range[]): Range[] {
  if (list.length === 0) return [];
  let start = 0n;
  let last = U64_MAX;
  for (const a of apertures) {
    if (a.start > start) start = a.start;
    if (a.last < last) last = a.last;
  }
  const out = list.map((r) => ({ start: r.start, last: r.last }));
  (out[0] as { start: bigint }).start = start;
  (out[out.length - 1] as { last: bigint }).last = last;
  return out;
}

/**
 * `vfio_iommu_resv_refresh`: one node spanning the list, minus the reserved regions of every group
 * still attached. Undefined when that leaves nothing (the kernel then keeps the old list).
 */
export function refreshFromRegions(
  list: readonly Range[],
  regions: readonly ResvRegion[],
): Range[] | undefined {
  const span = listSpan(list);
  if (!span || span.start > span.last) return undefined;
  const rebuilt = excludeRegions([span], regions);
  return rebuilt.length > 0 ? rebuilt : undefined;
}
