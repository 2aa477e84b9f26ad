import { formatRange, type Range, type UserVaRange } from '../u64.ts';
import type { Platform, VaBacking, VaBackingKind } from './types.ts';

/**
 * What backs a range of the calling process's virtual addresses: the backing entries it runs
 * through, in address order, up to the first address nothing backs (`hole`). With no `vaBacking`
 * list every address is ordinary anonymous memory. Both pinning paths walk this — type1's
 * `vfio_pin_pages_remote` page by page, iommufd's `pin_user_pages` for a whole `iopt_pages`.
 */
export interface UserVaWalk {
  readonly pieces: readonly VaBacking[];
  readonly hole: Range | undefined;
}

const ALL_ANONYMOUS: readonly VaBacking[] = [
  { start: 0n, last: (1n << 64n) - 1n, kind: 'anonymous', name: undefined },
];

export function walkUserVa(platform: Platform, va: UserVaRange): UserVaWalk {
  const list = platform.process.vaBacking;
  const sorted = list
    ? [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    : ALL_ANONYMOUS;
  let cursor: bigint = va.start;
  const pieces: VaBacking[] = [];
  for (const b of sorted) {
    if (b.last < cursor) continue;
    if (b.start > cursor) {
      const before = b.start - 1n;
      return { pieces, hole: { start: cursor, last: before < va.last ? before : va.last } };
    }
    pieces.push(b);
    if (b.last >= va.last) return { pieces, hole: undefined };
    cursor = b.last + 1n;
  }
  return { pieces, hole: { start: cursor, last: va.last } };
}

/** Whether the whole range is backed, and by what (the most restrictive kind among the pieces). */
export type VaCheck =
  | { readonly ok: true; readonly kind: VaBackingKind; readonly pieces: readonly VaBacking[] }
  | { readonly ok: false; readonly hole: Range };

const MOST_RESTRICTIVE_FIRST: readonly VaBackingKind[] = [
  'pfnmap',
  'readonly',
  'hugetlbfs',
  'anonymous',
];

export function checkUserVa(platform: Platform, va: UserVaRange): VaCheck {
  const walk = walkUserVa(platform, va);
  if (walk.hole) return { ok: false, hole: walk.hole };
  const kinds = new Set(walk.pieces.map((p) => p.kind));
  const kind = MOST_RESTRICTIVE_FIRST.find((k) => kinds.has(k)) ?? 'anonymous';
  return { ok: true, kind, pieces: walk.pieces };
}

export function describeVaHole(hole: Range): string {
  return `no memory is mapped in the process at user address ${formatRange(hole)}`;
}
