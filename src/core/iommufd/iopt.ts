import { misalignment } from '../iommu/pgsize.ts';
import { refusal, type Refusal } from '../refusal.ts';
import type { RuleName } from '../rules.ts';
import {
  alignUp,
  formatRange,
  hex,
  intersection,
  lowestSetBit,
  roundUpPowerOfTwo,
  U64_MAX,
  type Range,
  type U64,
  asIova,
  type Iova,
  type UserVa,
} from '../u64.ts';
import {
  describeOwner,
  insertReservation,
  ioasWith,
  sameOwner,
  type IoasObject,
  type Reservation,
  type ReservationOwner,
} from './state.ts';

/**
 * The io_pagetable rules (drivers/iommu/iommufd/io_pagetable.c), restated over the immutable
 * IOAS value: IOVA checks, automatic allocation, reservations and alignment.
 */

export function firstReservedIn(ioas: IoasObject, r: Range): Reservation | undefined {
  return ioas.reserved.find((x) => x.start <= r.last && r.start <= x.last);
}

export function firstAllowedIn(ioas: IoasObject, r: Range): Range | undefined {
  return ioas.allowed.find((x) => x.start <= r.last && r.start <= x.last);
}

export function describeReservation(r: Reservation): string {
  const what =
    r.type === 'aperture'
      ? 'aperture reservation'
      : r.type === 'test'
        ? 'test reservation'
        : `${r.type} region`;
  const owner =
    r.owner.kind === 'device'
      ? `device ${r.owner.bdf}'s ${what}`
      : `${describeOwner(r.owner)} (${what})`;
  return `${owner} ${formatRange(r)}`;
}

/** Merged reserved ranges, ascending. */
export function mergedReserved(ioas: IoasObject): Range[] {
  const sorted = [...ioas.reserved].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const out: Range[] = [];
  for (const r of sorted) {
    const top = out[out.length - 1];
    if (top && r.start <= top.last + 1n) {
      if (r.last > top.last) out[out.length - 1] = { start: top.start, last: r.last };
    } else out.push({ start: r.start, last: r.last });
  }
  return out;
}

/** `iommufd_ioas_iova_ranges`: the holes of the reserved tree over [0, ULONG_MAX]. */
export function validIovaRanges(ioas: IoasObject): Range[] {
  const holes: Range[] = [];
  let cursor = 0n;
  for (const r of mergedReserved(ioas)) {
    if (r.start > cursor) holes.push({ start: cursor, last: r.start - 1n });
    cursor = r.last + 1n;
  }
  if (cursor <= U64_MAX) holes.push({ start: cursor, last: U64_MAX });
  return holes;
}

/** `iopt_check_iova`: a FIXED_IOVA request. */
export function checkIova(ioas: IoasObject, iova: Iova, length: U64): Refusal | undefined {
  if (iova % ioas.iovaAlignment !== 0n) {
    return refusal(
      'EINVAL',
      'iopt_check_iova',
      `iova ${hex(iova)} is not a multiple of IOAS ${ioas.id}'s iova_alignment ${hex(ioas.iovaAlignment)}`,
    );
  }
  const last = iova + length - 1n;
  if (last > U64_MAX) {
    return refusal(
      'EOVERFLOW',
      'iopt_check_iova',
      `iova ${hex(iova)} + length ${hex(length)} - 1 overflows 64 bits`,
    );
  }
  const r = { start: iova, last };
  const resv = firstReservedIn(ioas, r);
  if (resv) {
    return refusal(
      'EINVAL',
      'iopt_check_iova',
      `iova ${formatRange(r)} intersects the reserved range ${describeReservation(resv)} in IOAS ${ioas.id}`,
    );
  }
  const area = ioas.areas.conflicting(r);
  if (area) {
    return refusal(
      'EEXIST',
      'iopt_check_iova',
      `iova ${formatRange(r)} overlaps the existing area ${formatRange(area)} in IOAS ${ioas.id}`,
    );
  }
  return undefined;
}

/** Holes of (reserved ∪ areas) inside [lo, hi], ascending (`interval_tree_for_each_double_span`). */
function* usedHoles(ioas: IoasObject, lo: U64, hi: U64): Generator<Range> {
  const resv = mergedReserved(ioas).filter((r) => r.last >= lo && r.start <= hi);
  const areas = ioas.areas.overlapping({ start: lo, last: hi });
  let nextArea = areas.next();
  let ri = 0;
  let cursor = lo;
  for (;;) {
    const a = nextArea.done ? undefined : nextArea.value;
    const r = resv[ri];
    let used: Range | undefined;
    if (a && (!r || a.start <= r.start)) {
      used = a;
      nextArea = areas.next();
    } else if (r) {
      used = r;
      ri++;
    }
    if (!used) break;
    if (used.start > cursor) yield { start: cursor, last: used.start - 1n };
    if (used.last + 1n > cursor) cursor = used.last + 1n;
    if (cursor > hi) return;
  }
  if (cursor <= hi) yield { start: cursor, last: hi };
}

/**
 * `__alloc_iova_check_range`: `ALIGN(start, align) | page_offset` (no fit when the ALIGN
 * overflows), then `aligned_start >= last` or `last - aligned_start < length - 1` means no fit.
 * Note the `>=`: a block may not start on the span's last byte, even for a 1-byte length.
 */
function fitIn(span: Range, length: U64, align: U64, pageOffset: U64): U64 | undefined {
  if (span.start + align - 1n > U64_MAX) return undefined;
  const start = alignUp(span.start, align) | pageOffset;
  if (start >= span.last || span.last - start < length - 1n) return undefined;
  return start;
}

/**
 * The used spans of the allowed tree inside [lo, hi] (`interval_tree_for_each_span`): overlapping
 * or touching ranges (`last + 1 == next.start`) form one span, clipped to [lo, hi].
 */
function allowedSpans(allowed: readonly Range[], lo: U64, hi: U64): Range[] {
  const sorted = allowed
    .filter((a) => a.last >= lo && a.start <= hi)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const a of sorted) {
    const r = { start: a.start > lo ? a.start : lo, last: a.last < hi ? a.last : hi };
    const top = out[out.length - 1];
    if (top && r.start <= top.last + 1n) {
      if (r.last > top.last) out[out.length - 1] = { start: top.start, last: r.last };
    } else out.push(r);
  }
  return out;
}

export interface AllocParams {
  readonly pageSize: U64;
  /** HPAGE_SIZE with CONFIG_TRANSPARENT_HUGEPAGE, else PAGE_SIZE. */
  readonly maxAlignment: U64;
}

/**
 * `iopt_alloc_iova`: first fit of an aligned block for `length` bytes whose user address is
 * `uptr`. Never returns IOVA 0 or the top page; keeps the VA's page offset; alignment is
 * min(roundup_pow_of_two(length), lowest set bit of uptr, max alignment).
 */
export function allocIova(
  ioas: IoasObject,
  uptr: UserVa,
  length: U64,
  p: AllocParams,
): Iova | Refusal {
  if (length === 0n || length >= U64_MAX / 2n) {
    return refusal(
      'EOVERFLOW',
      'iopt_alloc_iova',
      `length ${hex(length)} is too large for automatic IOVA allocation (>= ULONG_MAX / 2)`,
    );
  }
  const pageOffset = uptr % p.pageSize;
  let align = roundUpPowerOfTwo(length);
  if (uptr !== 0n) {
    const vaBit = lowestSetBit(uptr);
    if (vaBit < align) align = vaBit;
  }
  if (align >= p.maxAlignment) align = p.maxAlignment;
  if (align < ioas.iovaAlignment) {
    return refusal(
      'EINVAL',
      'iopt_alloc_iova',
      `the alignment automatic allocation can honour for user_va ${hex(uptr)} and length ${hex(length)} is ${hex(align)}, ` +
        `below IOAS ${ioas.id}'s iova_alignment ${hex(ioas.iovaAlignment)}`,
    );
  }
  const window: Range = { start: p.pageSize, last: U64_MAX - p.pageSize };
  const spans: Range[] =
    ioas.allowed.length === 0 ? [window] : allowedSpans(ioas.allowed, window.start, window.last);
  for (const span of spans) {
    const start = fitIn(span, length, align, pageOffset);
    if (start === undefined) continue;
    for (const hole of usedHoles(ioas, start, span.last)) {
      const at = fitIn(hole, length, align, pageOffset);
      if (at !== undefined) return asIova(at);
    }
  }
  const where =
    ioas.allowed.length === 0
      ? `[${formatRange(window)}]`
      : `the allowed ranges ${ioas.allowed.map(formatRange).join(', ')}`;
  return refusal(
    'ENOSPC',
    'iopt_alloc_iova',
    `no free block of ${hex(length)} bytes aligned to ${hex(align)} (page offset ${hex(pageOffset)}) in ${where} of IOAS ${ioas.id}`,
  );
}

/** `iopt_reserve_iova`: refuses to reserve over an area or an allowed range. */
export function reserveIova(
  ioas: IoasObject,
  r: Range,
  owner: ReservationOwner,
  type: Reservation['type'],
  origin: string | undefined,
  rule: RuleName = 'iopt_reserve_iova',
): IoasObject | Refusal {
  const resv: Reservation = {
    start: r.start,
    last: r.last,
    owner,
    type,
    ...(origin ? { origin } : {}),
  };
  const area = ioas.areas.firstOverlapping(r);
  if (area) {
    return refusal(
      'EADDRINUSE',
      rule,
      `iova ${formatRange(intersection(area, r) ?? area)} (area ${formatRange(area)}) overlaps ${describeReservation(resv)} in IOAS ${ioas.id}`,
    );
  }
  const allowed = firstAllowedIn(ioas, r);
  if (allowed) {
    return refusal(
      'EADDRINUSE',
      rule,
      `the allowed range ${formatRange(allowed)} of IOAS ${ioas.id} (IOMMU_IOAS_ALLOW_IOVAS) overlaps ${describeReservation(resv)}; allowed ranges can never be narrowed`,
    );
  }
  return ioasWith(ioas, { reserved: insertReservation(ioas.reserved, resv) });
}

/** `__iopt_remove_reserved_iova`: drops every reservation of one owner. */
export function removeReservedOwner(ioas: IoasObject, owner: ReservationOwner): IoasObject {
  if (!ioas.reserved.some((r) => sameOwner(r.owner, owner))) return ioas;
  return ioasWith(ioas, {
    reserved: Object.freeze(ioas.reserved.filter((r) => !sameOwner(r.owner, owner))),
  });
}

/** `iopt_check_iova_alignment`: every area must conform to a raised alignment. */
export function checkAreasAligned(
  ioas: IoasObject,
  align: U64,
  pageSize: U64,
  rule: RuleName,
  why: string,
): Refusal | undefined {
  if (align <= 1n) return undefined;
  for (const a of ioas.areas.entries()) {
    const length = a.last - a.start + 1n;
    const pageOffset = a.value.vaddr % pageSize;
    const part = misalignment(a, align);
    if (part || pageOffset % align !== 0n) {
      const what =
        part === 'iova'
          ? `its iova ${hex(a.start)}`
          : part === 'length'
            ? `its length ${hex(length)}`
            : `its user address page offset ${hex(pageOffset)}`;
      return refusal(
        'EADDRINUSE',
        rule,
        `${why} raises IOAS ${ioas.id}'s iova_alignment from ${hex(ioas.iovaAlignment)} to ${hex(align)}, but the area ${formatRange(a)} is misaligned (${what})`,
      );
    }
  }
  return undefined;
}

/** `iopt_calculate_iova_alignment`: PAGE_SIZE without huge pages, else 1; raised by every domain. */
export function computeAlignment(
  disableLargePages: boolean,
  domainPgsizes: readonly U64[],
  pageSize: U64,
): U64 {
  let align = disableLargePages ? pageSize : 1n;
  for (const bitmap of domainPgsizes) {
    const min = lowestSetBit(bitmap);
    if (min > align) align = min;
  }
  return align;
}
