import { hex, isPowerOfTwo, type U64 } from '../u64.ts';
import type { PlatformInput } from './normalize.ts';

/**
 * Platforms no host can have, refused when a scenario loads (each with the JSON path of the
 * field): the engine would otherwise answer for hardware that does not exist — a page size of 0,
 * an aperture that ends before it starts, one IOMMU group behind two IOMMU units (a group is
 * made by one unit's driver, iommu_group_get_for_dev; every device in it shares that unit).
 * What a step does with such a platform is the engine's business; these are not steps.
 */

export interface PlatformProblem {
  /** Relative to the platform object, such as `iommus[0].pageSizes[1]`. */
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

interface Span {
  readonly start: U64;
  readonly last: U64;
}

export function platformProblems(p: PlatformInput): PlatformProblem[] {
  const out: PlatformProblem[] = [];
  const span = (path: PropertyKey[], r: Span, what: string) => {
    if (r.last < r.start)
      out.push({
        path,
        message: `${what} ends at ${hex(r.last)}, before it starts at ${hex(r.start)} (last is the inclusive last byte)`,
      });
  };
  const pageSize = (path: PropertyKey[], size: U64, what: string) => {
    if (!isPowerOfTwo(size))
      out.push({ path, message: `${what} ${hex(size)} is not a power of two` });
  };

  p.iommus?.forEach((u, i) => {
    const at = (...rest: PropertyKey[]) => ['iommus', i, ...rest];
    if (u.addressWidth !== undefined && (u.addressWidth < 1 || u.addressWidth > 64))
      out.push({
        path: at('addressWidth'),
        message: `an address width of ${u.addressWidth} bits does not exist: IOMMU units address 1 to 64 bits`,
      });
    if (u.aperture) span(at('aperture'), u.aperture, `the aperture of ${u.id}`);
    if (u.pageSizes?.length === 0)
      out.push({
        path: at('pageSizes'),
        message: `${u.id} lists no page size: it could map nothing`,
      });
    u.pageSizes?.forEach((s, j) => pageSize(at('pageSizes', j), s, `page size`));
    if (u.pgsizeBitmap === 0n)
      out.push({
        path: at('pgsizeBitmap'),
        message: `${u.id} has no page size: it could map nothing`,
      });
  });

  if (p.kernel?.kernelPageSize !== undefined)
    pageSize(['kernel', 'kernelPageSize'], p.kernel.kernelPageSize, 'the kernel page size');
  if (p.kernel?.HPAGE_SIZE !== undefined)
    pageSize(['kernel', 'HPAGE_SIZE'], p.kernel.HPAGE_SIZE, 'the huge page size');

  const unitOfGroup = new Map<number, { iommu: string; bdf: string }>();
  p.devices?.forEach((d, i) => {
    if (d.group === undefined || d.iommu === undefined) return;
    const first = unitOfGroup.get(d.group);
    if (!first) unitOfGroup.set(d.group, { iommu: d.iommu, bdf: d.bdf });
    else if (first.iommu !== d.iommu)
      out.push({
        path: ['devices', i, 'iommu'],
        message: `group ${d.group} would span two IOMMU units: ${first.bdf} is behind ${first.iommu}, ${d.bdf} behind ${d.iommu} (a group belongs to one unit)`,
      });
  });
  return out;
}
