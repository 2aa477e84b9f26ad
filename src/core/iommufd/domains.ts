import { smallestPage } from '../iommu/pgsize.ts';
import { isRefusal, refusal, type Refusal } from '../refusal.ts';
import { hex, U64_MAX, type U64 } from '../u64.ts';
import { checkAreasAligned, computeAlignment, removeReservedOwner, reserveIova } from './iopt.ts';
import { type PinCandidate, pagesOfAreas, withAreasPinned } from './pages.ts';
import { ioasWith, type HwptObject, type IoasObject, type IommufdState } from './state.ts';
import { hwptIn, ioasIn, withObjects } from './table.ts';

/**
 * Domains in an IOAS (io_pagetable.c: `iopt_table_add_domain`, `iopt_table_remove_domain`), as
 * pure functions: the IOAS's alignment, its aperture reservations and the pinning of its areas
 * follow the set of HWPTs that map it.
 */

/** What adding a domain built, and the pages objects it may have pinned (for `checkPins`). */
export interface DomainAdded {
  readonly state: IommufdState;
  readonly pinned: readonly PinCandidate[];
}

/** `iopt_table_add_domain`: alignment raise, aperture reservations, fill (pin). */
export function withDomainAdded(
  s: IommufdState,
  pageSize: U64,
  ioasId: number,
  hwptId: number,
): DomainAdded | Refusal {
  const ioas = ioasIn(s, ioasId);
  const hwpt = hwptIn(s, hwptId);
  if (!ioas || !hwpt) throw new Error(`iommufd model: IOAS ${ioasId} or hwpt ${hwptId} missing`);
  const minPage = smallestPage(hwpt.pgsizeBitmap);
  const newAlign = minPage > ioas.iovaAlignment ? minPage : ioas.iovaAlignment;
  if (newAlign > pageSize) {
    return refusal(
      'EINVAL',
      'iopt_table_add_domain',
      `hwpt ${hwpt.id}'s smallest IO page ${hex(minPage)} would make IOAS ${ioas.id}'s iova_alignment ${hex(newAlign)}, larger than PAGE_SIZE ${hex(pageSize)}`,
    );
  }
  if (newAlign !== ioas.iovaAlignment) {
    const e = checkAreasAligned(
      ioas,
      newAlign,
      pageSize,
      'iopt_check_iova_alignment',
      `adding hwpt ${hwpt.id} (${hwpt.iommu})`,
    );
    if (e) return e;
  }
  const reserved = reserveAperture(ioas, hwpt);
  if (isRefusal(reserved)) return reserved;
  const next: IoasObject = {
    ...reserved,
    iovaAlignment: newAlign,
    hwpts: Object.freeze([...ioas.hwpts, hwpt.id]),
  };
  const stored = withObjects(s, next);
  if (ioas.hwpts.length > 0) return { state: stored, pinned: [] };
  return { state: withAreasPinned(stored, next, 1), pinned: pagesOfAreas(next) };
}

/** The IOVA outside the domain's aperture reserved in the IOAS, owned by the domain. */
function reserveAperture(ioas: IoasObject, hwpt: HwptObject): IoasObject | Refusal {
  const owner = { kind: 'domain', hwpt: hwpt.id } as const;
  let next: IoasObject | Refusal = ioas;
  if (hwpt.aperture.start !== 0n) {
    next = reserveIova(
      next,
      { start: 0n, last: hwpt.aperture.start - 1n },
      owner,
      'aperture',
      `below ${hwpt.iommu}'s aperture`,
      'iopt_table_add_domain',
    );
    if (isRefusal(next)) return next;
  }
  if (hwpt.aperture.last !== U64_MAX) {
    next = reserveIova(
      next,
      { start: hwpt.aperture.last + 1n, last: U64_MAX },
      owner,
      'aperture',
      `above ${hwpt.iommu}'s aperture`,
      'iopt_table_add_domain',
    );
  }
  return next;
}

/** `iopt_table_remove_domain`: drops the aperture reservations, recomputes alignment, unpins with the last domain. */
export function withDomainRemoved(
  s: IommufdState,
  pageSize: U64,
  ioasId: number,
  hwptId: number,
): IommufdState {
  const ioas = ioasIn(s, ioasId);
  if (!ioas) return s;
  const hwpts = ioas.hwpts.filter((h) => h !== hwptId);
  const stripped = removeReservedOwner(ioas, { kind: 'domain', hwpt: hwptId });
  const pgsizes = hwpts.map((h) => hwptIn(s, h)?.pgsizeBitmap ?? 1n);
  const align = computeAlignment(ioas.disableLargePages, pgsizes, pageSize);
  const next = ioasWith(stripped, { hwpts: Object.freeze(hwpts), iovaAlignment: align });
  const stored = withObjects(s, next);
  return hwpts.length === 0 && ioas.hwpts.length > 0 ? withAreasPinned(stored, next, -1) : stored;
}
