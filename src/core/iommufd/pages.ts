import { checkUserVa, describeVaHole } from '../platform/user-memory.ts';
import { refusal, type Refusal } from '../refusal.ts';
import type { RuleName } from '../rules.ts';
import { lockedBytes as processLockedBytes, type EngineState } from '../state.ts';
import {
  alignDown,
  alignUp,
  formatRange,
  formatSize,
  hex,
  userVaRange,
  type U64,
  type UserVa,
} from '../u64.ts';
import type { RangeEntry } from '../ranges/range-map.ts';
import type { IoasArea, IoasObject, IommufdState, PagesObject } from './state.ts';
import { ioasIn, withObjects } from './table.ts';

/**
 * Pinned-pages objects and the areas that use them (pages.c: `iopt_alloc_pages`,
 * `iopt_area_fill_domains`, `incr_user_locked_vm`), as pure functions over IommufdState. A pages
 * object is pinned while at least one of its areas sits in an IOAS with a domain; its bytes are
 * charged to locked_vm once, however many areas share it (IOAS_COPY).
 */

/**
 * A pages object for `length` bytes of user memory at `va` (`iopt_alloc_pages`), not yet in the
 * state: the first area that uses it stores it (`withArea`), so mapping costs one tree update.
 */
export function newPagesObject(
  s: IommufdState,
  pageSize: U64,
  va: UserVa,
  length: U64,
  writable: boolean,
): PagesObject {
  const first = alignDown(va, pageSize);
  const end = alignUp(va + length, pageSize);
  return Object.freeze({
    id: s.nextPagesId,
    va,
    length,
    writable,
    users: 0,
    pinnedUsers: 0,
    chargeBytes: end - first,
  });
}

/** One change of a pages object's use counts: `users` areas and `pinned` of them in a domain. */
interface PagesDelta {
  readonly id: number;
  readonly users: number;
  readonly pinned: number;
}

/**
 * The use counts of several pages objects changed at once (one tree copy for the lot): a pages
 * object is charged when it gains its first pinned user, uncharged when it loses its last, and
 * freed with its last user.
 */
function withPagesDeltas(
  s: IommufdState,
  deltas: Iterable<PagesDelta>,
  fresh?: PagesObject,
): IommufdState {
  const pages = s.pages.clone();
  if (fresh) pages.set(fresh.id, fresh);
  let locked = s.lockedBytes;
  for (const d of deltas) {
    const p = pages.get(d.id);
    if (!p) throw new Error(`iommufd model: pages ${d.id} missing`);
    const next: PagesObject = {
      ...p,
      users: p.users + d.users,
      pinnedUsers: p.pinnedUsers + d.pinned,
    };
    if (p.pinnedUsers === 0 && next.pinnedUsers > 0) locked += p.chargeBytes;
    else if (p.pinnedUsers > 0 && next.pinnedUsers === 0) locked -= p.chargeBytes;
    if (next.users === 0) pages.delete(d.id);
    else pages.set(d.id, Object.freeze(next));
  }
  const nextPagesId = fresh ? fresh.id + 1 : s.nextPagesId;
  return Object.freeze({ ...s, pages, lockedBytes: locked, nextPagesId });
}

/**
 * An area inserted into IOAS `ioasId`; its pages are pinned when the IOAS has a domain. `fresh`
 * is the area's pages object when it is new (`newPagesObject`), stored along with the area.
 */
export function withArea(
  s: IommufdState,
  ioasId: number,
  start: U64,
  last: U64,
  value: IoasArea,
  fresh?: PagesObject,
): IommufdState {
  const ioas = ioasIn(s, ioasId) as IoasObject;
  const counted = withPagesDeltas(
    s,
    [{ id: value.pages, users: 1, pinned: ioas.hwpts.length > 0 ? 1 : 0 }],
    fresh,
  );
  return withObjects(counted, {
    ...ioas,
    areas: ioas.areas.with({ start, last, value: Object.freeze({ ...value }) }),
  });
}

/**
 * `areas` (entries the caller found in IOAS `ioasId`) removed from it, their pages unpinned and
 * released. Taking the entries, not their starts, spares a second tree lookup per area.
 */
export function withoutAreas(
  s: IommufdState,
  ioasId: number,
  areas: readonly RangeEntry<IoasArea>[],
): IommufdState {
  if (areas.length === 0) return s;
  const ioas = ioasIn(s, ioasId) as IoasObject;
  const pinned = ioas.hwpts.length > 0 ? -1 : 0;
  const deltas: PagesDelta[] = [];
  let left = ioas.areas;
  for (const a of areas) {
    deltas.push({ id: a.value.pages, users: -1, pinned });
    left = left.without(a.start);
  }
  return withObjects(withPagesDeltas(s, deltas), { ...ioas, areas: left });
}

/** Every area of `ioas` pinned (+1) or unpinned (-1): it gained its first / lost its last domain. */
export function withAreasPinned(s: IommufdState, ioas: IoasObject, delta: 1 | -1): IommufdState {
  const deltas: PagesDelta[] = [];
  for (const a of ioas.areas.entries()) deltas.push({ id: a.value.pages, users: 0, pinned: delta });
  return deltas.length ? withPagesDeltas(s, deltas) : s;
}

/** The ids of the pages objects the areas of `ioas` use: what gaining a first domain pins. */
export function pagesOfAreas(ioas: IoasObject): number[] {
  const ids: number[] = [];
  for (const a of ioas.areas.entries()) ids.push(a.value.pages);
  return ids;
}

/**
 * What pinning costs when an op took the iommufd from `base` to `next`: EFAULT when user memory
 * of a pages object that became pinned cannot be pinned (nothing mapped, a PFNMAP'd BAR, read-only
 * memory pinned for write), ENOMEM when RLIMIT_MEMLOCK is exceeded (`iopt_pages_update_pinned` →
 * `incr_user_locked_vm`). `candidates` are the pages objects the op may have pinned.
 */
export function checkPins(
  base: EngineState,
  next: IommufdState,
  candidates: Iterable<number>,
  rule: RuleName,
): Refusal | undefined {
  const platform = base.index.platform;
  const newlyPinned = [...new Set(candidates)]
    .filter(
      (id) =>
        (next.pages.get(id)?.pinnedUsers ?? 0) > 0 &&
        (base.iommufd.pages.get(id)?.pinnedUsers ?? 0) === 0,
    )
    .sort((a, b) => a - b);
  for (const id of newlyPinned) {
    const p = next.pages.get(id) as PagesObject;
    const range = userVaRange(p.va, p.length);
    const va = checkUserVa(platform, range);
    if (!va.ok) {
      return refusal(
        'EFAULT',
        'pin_user_pages',
        `cannot pin user memory ${formatRange(range)}: ${describeVaHole(va.hole)}`,
      );
    }
    if (va.kind === 'pfnmap') {
      const names = va.pieces
        .filter((x) => x.kind === 'pfnmap')
        .map((x) => x.name ?? formatRange(x));
      return refusal(
        'EFAULT',
        'pin_user_pages',
        `cannot pin user memory ${formatRange(range)}: it is a VM_PFNMAP mapping (${names.join(', ')}, e.g. an mmap'd PCI BAR); pin_user_pages refuses PFNMAP VMAs`,
      );
    }
    if (va.kind === 'readonly' && p.writable) {
      return refusal(
        'EFAULT',
        'pin_user_pages',
        `cannot pin user memory ${formatRange(range)} for write (WRITEABLE): the process maps it read-only`,
      );
    }
  }
  const limit = platform.process.memlockLimit;
  const before = base.iommufd.lockedBytes;
  if (limit !== undefined && next.lockedBytes > before) {
    const total = base.vfio.lockedBytes + next.lockedBytes;
    if (total > limit) {
      return refusal(
        'ENOMEM',
        rule,
        `pinning ${formatSize(next.lockedBytes - before)} more would make the process's locked memory ` +
          `${formatSize(total)} (${hex(total)} bytes, already ${hex(processLockedBytes(base))}), above RLIMIT_MEMLOCK ${hex(limit)}`,
      );
    }
  }
  return undefined;
}
