import { formatRange, type Range } from '../u64.ts';
import type { Platform, VaBacking, VaBackingKind } from './types.ts';

/**
 * What backs a range of the calling process's virtual addresses, deciding EFAULT on pinning.
 * With no `vaBacking` list every address is ordinary anonymous memory.
 */
export type VaCheck =
  | { readonly ok: true; readonly kind: VaBackingKind; readonly pieces: readonly VaBacking[] }
  | { readonly ok: false; readonly hole: Range };

export function checkUserVa(platform: Platform, va: Range): VaCheck {
  const list = platform.process.vaBacking;
  if (!list) return { ok: true, kind: 'anonymous', pieces: [] };
  const sorted = [...list].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let cursor = va.start;
  const pieces: VaBacking[] = [];
  for (const b of sorted) {
    if (b.last < cursor) continue;
    if (b.start > cursor)
      return {
        ok: false,
        hole: { start: cursor, last: b.start - 1n < va.last ? b.start - 1n : va.last },
      };
    pieces.push(b);
    if (b.last >= va.last) {
      // The most restrictive kind among the pieces decides.
      const kinds = pieces.map((p) => p.kind);
      const kind: VaBackingKind = kinds.includes('pfnmap')
        ? 'pfnmap'
        : kinds.includes('readonly')
          ? 'readonly'
          : kinds.includes('hugetlbfs')
            ? 'hugetlbfs'
            : 'anonymous';
      return { ok: true, kind, pieces };
    }
    cursor = b.last + 1n;
  }
  return { ok: false, hole: { start: cursor, last: va.last } };
}

export function describeVaHole(hole: Range): string {
  return `no memory is mapped in the process at user address ${formatRange(hole)}`;
}
