import { describeResvType } from '../platform/resv-regions.ts';
import type { ResvType } from '../platform/types.ts';
import { formatRange, type Range } from '../u64.ts';

/**
 * Findings name reserved regions per group ("group 3's reserved region 0x..."); on a host where
 * every group has the same region (AMD's HyperTransport window, x86's MSI window) that repeats
 * one phrase per group. These merge identical regions into one phrase: "groups 0–8's reserved
 * region 0xfd00000000..0xffffffffff".
 */

/** Group numbers as a short list with runs folded: [0,1,2,3,5,7,8] → "0–3, 5, 7, 8". */
export function formatGroupList(groups: readonly number[]): string {
  const sorted = [...new Set(groups)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    const a = sorted[i] as number;
    const b = sorted[j] as number;
    if (j - i >= 2) parts.push(`${a}–${b}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** "group 3" or "groups 0–8". */
export function groupsNoun(groups: readonly number[]): string {
  return `${new Set(groups).size > 1 ? 'groups' : 'group'} ${formatGroupList(groups)}`;
}

export interface GroupRegionHit extends Range {
  readonly group: number;
  readonly type: ResvType;
  /** Said after the range, in parentheses, when set. */
  readonly note?: string | undefined;
}

/**
 * One phrase per distinct region (type, range, note), in first-seen order, each naming all the
 * groups that have it: ["groups 0–8's reserved region 0xfd00000000..0xffffffffff"].
 */
export function groupRegionPhrases(
  hits: readonly GroupRegionHit[],
  describe: (h: GroupRegionHit) => string = (h) => describeResvType(h.type),
): string[] {
  const merged = new Map<string, { hit: GroupRegionHit; groups: number[] }>();
  for (const h of hits) {
    const key = `${describe(h)}|${h.start}|${h.last}|${h.note ?? ''}`;
    const m = merged.get(key);
    if (m) m.groups.push(h.group);
    else merged.set(key, { hit: h, groups: [h.group] });
  }
  return [...merged.values()].map(
    ({ hit, groups }) =>
      `${groupsNoun(groups)}'s ${describe(hit)} ${formatRange(hit)}${hit.note ? ` (${hit.note})` : ''}`,
  );
}

/** Ranges with exact duplicates removed, in first-seen order. */
export function distinctRanges(ranges: readonly Range[]): Range[] {
  const seen = new Set<string>();
  const out: Range[] = [];
  for (const r of ranges) {
    const key = `${r.start}-${r.last}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ start: r.start, last: r.last });
  }
  return out;
}
