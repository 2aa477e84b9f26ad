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
import type { RangeEntry, RangeMap } from '../ranges/range-map.ts';
import {
  ioasWith,
  iommufdWith,
  type IoasArea,
  type IoasObject,
  type IommufdState,
  type OwnPages,
  type PagesObject,
} from './state.ts';
import { ioasIn, withObjects } from './table.ts';

/**
 * Pinned pages and the areas that use them (pages.c: `iopt_alloc_pages`, `iopt_area_fill_domains`,
 * `incr_user_locked_vm`), as pure functions over IommufdState. Pages are pinned while at least one
 * of their areas sits in an IOAS with a domain; their bytes are charged to locked_vm once, however
 * many areas share them (IOAS_COPY). An area's pages are its own (kept in the area) until a copy
 * shares them (a shared pages object, counted in the pages tree): profiled, the second tree update
 * per map and unmap was two fifths of an unmap's cost.
 */

/** The pages for `length` bytes of user memory at `va` (`iopt_alloc_pages`), for one area. */
export function newOwnPages(pageSize: U64, va: UserVa, length: U64, writable: boolean): OwnPages {
  const first = alignDown(va, pageSize);
  const end = alignUp(va + length, pageSize);
  return Object.freeze({ va, length, writable, chargeBytes: end - first });
}

/** Whether an IOAS's areas are pinned: it has at least one domain. */
const pinnedIn = (ioas: IoasObject) => ioas.hwpts.length > 0;

/** One change of a shared pages object's use counts: `users` areas and `pinned` of them in a domain. */
interface PagesDelta {
  readonly id: number;
  readonly users: number;
  readonly pinned: number;
}

/** What an op changes in pinning: shared pages' counts, and bytes of own pages charged or released. */
interface PinChange {
  readonly deltas: PagesDelta[];
  ownCharged: U64;
}

function pinChange(): PinChange {
  return { deltas: [], ownCharged: 0n };
}

/**
 * The use counts of shared pages objects changed at once (one tree copy for the lot): a pages
 * object is charged when it gains its first pinned user, uncharged when it loses its last, and
 * freed with its last user. Own pages are charged or released as `ownCharged` says.
 */
function withPinChange(s: IommufdState, change: PinChange): IommufdState {
  let locked = s.lockedBytes + change.ownCharged;
  if (change.deltas.length === 0)
    return locked === s.lockedBytes ? s : iommufdWith(s, { lockedBytes: locked });
  const pages = s.pages.clone();
  for (const d of change.deltas) {
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
  return iommufdWith(s, { pages, lockedBytes: locked });
}

/** An area's own pages pinned (+1) or unpinned (-1): charged or released. */
function chargeOwn(change: PinChange, own: OwnPages, sign: 1 | -1): void {
  change.ownCharged += sign > 0 ? own.chargeBytes : -own.chargeBytes;
}

/** `area` joins (+1) or leaves (-1) an IOAS, pinned or not. */
function countArea(change: PinChange, area: IoasArea, pinned: boolean, sign: 1 | -1): void {
  if (typeof area.pages === 'number')
    change.deltas.push({ id: area.pages, users: sign, pinned: pinned ? sign : 0 });
  else if (pinned) chargeOwn(change, area.pages, sign);
}

/**
 * An area inserted into IOAS `ioasId`; its pages are pinned when the IOAS has a domain. `value`
 * is frozen and kept as it is (no copy): the caller passes an object of its own making.
 */
export function withArea(
  s: IommufdState,
  ioasId: number,
  start: U64,
  last: U64,
  value: IoasArea,
): IommufdState {
  const ioas = ioasIn(s, ioasId) as IoasObject;
  // Own pages in an IOAS without a domain change no count: the common map needs no pin change.
  let counted = s;
  if (typeof value.pages === 'number' || pinnedIn(ioas)) {
    const change = pinChange();
    countArea(change, value, pinnedIn(ioas), 1);
    counted = withPinChange(s, change);
  }
  const entry = Object.freeze({ start, last, value: Object.freeze(value) });
  return withObjects(counted, ioasWith(ioas, { areas: ioas.areas.with(entry) }));
}

/**
 * `areas` (entries the caller found in IOAS `ioasId`) removed from it, their pages unpinned and
 * released. Taking the entries, not their starts, spares a second tree lookup per area; `left`
 * is the IOAS's area map without them when the caller already has it (RangeMap.taking).
 */
export function withoutAreas(
  s: IommufdState,
  ioasId: number,
  areas: readonly RangeEntry<IoasArea>[],
  left?: RangeMap<IoasArea>,
): IommufdState {
  if (areas.length === 0) return s;
  const ioas = ioasIn(s, ioasId) as IoasObject;
  const pinned = pinnedIn(ioas);
  const change = pinChange();
  let rest = left ?? ioas.areas;
  for (const a of areas) {
    countArea(change, a.value, pinned, -1);
    if (!left) rest = rest.without(a.start);
  }
  return withObjects(withPinChange(s, change), ioasWith(ioas, { areas: rest }));
}

/** Every area of `ioas` pinned (+1) or unpinned (-1): it gained its first / lost its last domain. */
export function withAreasPinned(s: IommufdState, ioas: IoasObject, delta: 1 | -1): IommufdState {
  const change = pinChange();
  for (const a of ioas.areas.entries()) {
    if (typeof a.value.pages === 'number')
      change.deltas.push({ id: a.value.pages, users: 0, pinned: delta });
    else chargeOwn(change, a.value.pages, delta);
  }
  return withPinChange(s, change);
}

/** The pages the areas of `ioas` use: what gaining a first domain pins (for `checkPins`). */
export function pagesOfAreas(ioas: IoasObject): PinCandidate[] {
  const out: PinCandidate[] = [];
  for (const a of ioas.areas.entries()) out.push(a.value.pages);
  return out;
}

/**
 * Pages an op may have pinned: a shared pages object by id (pinned by the op if it was not before
 * it), or an area's own pages, which the caller passes only when the op pinned them.
 */
export type PinCandidate = number | OwnPages;

/**
 * IOAS_COPY shares the pages of the source areas: each area whose pages are its own gets them
 * moved into a shared pages object (one user, pinned as before: nothing is charged again), so the
 * copy can count itself as a second user. Returns the state and the source areas as they are now.
 */
export function withPagesShared(
  s: IommufdState,
  ioasId: number,
  areas: readonly RangeEntry<IoasArea>[],
): { readonly state: IommufdState; readonly areas: readonly RangeEntry<IoasArea>[] } {
  if (areas.every((a) => typeof a.value.pages === 'number')) return { state: s, areas };
  const ioas = ioasIn(s, ioasId) as IoasObject;
  const pinned = pinnedIn(ioas) ? 1 : 0;
  const pages = s.pages.clone();
  let id = s.nextPagesId;
  let left = ioas.areas;
  const shared = areas.map((a) => {
    const own = a.value.pages;
    if (typeof own === 'number') return a;
    pages.set(id, Object.freeze({ ...own, id, users: 1, pinnedUsers: pinned }));
    const entry = { start: a.start, last: a.last, value: Object.freeze({ ...a.value, pages: id }) };
    left = left.with(entry);
    id++;
    return entry;
  });
  const next = iommufdWith(s, { pages, nextPagesId: id });
  return { state: withObjects(next, ioasWith(ioas, { areas: left })), areas: shared };
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
  candidates: readonly PinCandidate[],
  rule: RuleName,
): Refusal | undefined {
  // Nothing newly pinned and nothing more charged (a map into an IOAS without a domain).
  if (candidates.length === 0 && next.lockedBytes <= base.iommufd.lockedBytes) return undefined;
  const platform = base.index.platform;
  const own: OwnPages[] = [];
  const ids = new Set<number>();
  for (const c of candidates) {
    if (typeof c === 'number') ids.add(c);
    else own.push(c);
  }
  const newlyShared = [...ids]
    .filter(
      (id) =>
        (next.pages.get(id)?.pinnedUsers ?? 0) > 0 &&
        (base.iommufd.pages.get(id)?.pinnedUsers ?? 0) === 0,
    )
    .sort((a, b) => a - b)
    .map((id) => next.pages.get(id) as PagesObject);
  for (const p of [...own, ...newlyShared]) {
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
