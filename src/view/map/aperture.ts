import { hexGrouped, type Range, U64_MAX } from '../../core/u64.ts';

/**
 * Where a lane's usable IOVA window lies: the paging domain's aperture (`domain->geometry`, the
 * range `iommu_paging_domain_alloc` gives a VFIO domain or an iommufd HWPT; kernel-semantics §7),
 * or for a container / IOAS the part every one of its domains can reach (type1 narrows the
 * container's IOVA list to each domain's aperture in `vfio_iommu_aper_resize`; iommufd reserves
 * what lies outside a domain's aperture in `iopt_table_add_domain`). The map
 * shades what lies outside and draws where it ends.
 */
export interface LaneAperture extends Range {
  /** "dmar0: 48-bit aperture ends at 0xffff_ffff_ffff" */
  readonly label: string;
}

/** The width in bits when the aperture is [0, 2^bits - 1], else undefined. */
function bitsOf(r: Range): number | undefined {
  if (r.start !== 0n) return undefined;
  const size = r.last + 1n;
  if ((size & (size - 1n)) !== 0n) return undefined;
  return size.toString(2).length - 1;
}

/** The sentence the map prints at the aperture's end, naming the IOMMU unit it comes from. */
export function apertureLabel(unit: string, r: Range): string {
  const bits = bitsOf(r);
  if (bits === 64) return `${unit}: 64-bit aperture, the whole IOVA space`;
  if (bits !== undefined) return `${unit}: ${bits}-bit aperture ends at ${hexGrouped(r.last)}`;
  return `${unit}: aperture ${hexGrouped(r.start)} – ${hexGrouped(r.last)}`;
}

export function laneAperture(unit: string, r: Range): LaneAperture {
  return { start: r.start, last: r.last, label: apertureLabel(unit, r) };
}

/**
 * The window every domain of a container (or HWPT of an IOAS) can reach: the intersection of their
 * apertures, labelled by the unit whose aperture ends first. Undefined with no domain (nothing
 * can be mapped yet: the lane's valid list is empty) or when they share no byte.
 */
export function narrowestAperture(
  domains: readonly { readonly iommu: string; readonly aperture: Range }[],
): LaneAperture | undefined {
  let start = 0n;
  let last = U64_MAX;
  let narrowest: { readonly iommu: string; readonly aperture: Range } | undefined;
  for (const d of domains) {
    if (d.aperture.start > start) start = d.aperture.start;
    if (narrowest === undefined || d.aperture.last < last) {
      last = d.aperture.last;
      narrowest = d;
    }
  }
  if (!narrowest || start > last) return undefined;
  const r = { start, last };
  return { ...r, label: apertureLabel(narrowest.iommu, r) };
}

/** What lies outside the aperture: at most one range below it and one above. */
export function outsideAperture(a: Range): Range[] {
  const out: Range[] = [];
  if (a.start > 0n) out.push({ start: 0n, last: a.start - 1n });
  if (a.last < U64_MAX) out.push({ start: a.last + 1n, last: U64_MAX });
  return out;
}
