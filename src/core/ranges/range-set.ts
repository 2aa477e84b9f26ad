import { type Range, U64_MAX } from '../u64.ts';

/**
 * Range-set algebra on sorted arrays of inclusive ranges. A "set" here is an array of ranges in
 * ascending order, disjoint and not touching (what `normalize` returns). Reserved and allowed
 * ranges are few (tens), so plain arrays beat a tree for them.
 */

const byStart = (a: Range, b: Range): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : 0;

/** Sorts and merges ranges that overlap or touch. */
export function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort(byStart);
  const out: Range[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && (prev.last === U64_MAX || r.start <= prev.last + 1n)) {
      if (r.last > prev.last) out[out.length - 1] = { start: prev.start, last: r.last };
    } else {
      out.push({ start: r.start, last: r.last });
    }
  }
  return out;
}

export function union(a: readonly Range[], b: readonly Range[]): Range[] {
  return normalize([...a, ...b]);
}

/** `a` minus every range of `b`. */
export function subtract(a: readonly Range[], b: readonly Range[]): Range[] {
  const cut = normalize(b);
  const out: Range[] = [];
  for (const r of normalize(a)) {
    let start = r.start;
    let done = false;
    for (const c of cut) {
      if (c.last < start) continue;
      if (c.start > r.last) break;
      if (c.start > start) out.push({ start, last: c.start - 1n });
      if (c.last >= r.last) {
        done = true;
        break;
      }
      start = c.last + 1n;
    }
    if (!done) out.push({ start, last: r.last });
  }
  return out;
}

export function intersect(a: readonly Range[], b: readonly Range[]): Range[] {
  const x = normalize(a);
  const y = normalize(b);
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i] as Range;
    const q = y[j] as Range;
    const start = p.start > q.start ? p.start : q.start;
    const last = p.last < q.last ? p.last : q.last;
    if (start <= last) out.push({ start, last });
    if (p.last < q.last) i++;
    else j++;
  }
  return out;
}

/** The parts of `within` (default: the whole 64-bit space) that no range of `ranges` covers. */
export function complement(
  ranges: readonly Range[],
  within: Range = { start: 0n, last: U64_MAX },
): Range[] {
  return subtract([within], ranges);
}

/** Whether some range of the set contains all of `r` (one node, as `vfio_iommu_iova_dma_valid` wants). */
export function oneContains(set: readonly Range[], r: Range): boolean {
  return set.some((s) => s.start <= r.start && r.last <= s.last);
}

export function anyIntersects(set: readonly Range[], r: Range): boolean {
  return set.some((s) => s.start <= r.last && r.start <= s.last);
}

export function rangesEqual(a: readonly Range[], b: readonly Range[]): boolean {
  return (
    a.length === b.length && a.every((r, i) => r.start === b[i]?.start && r.last === b[i]?.last)
  );
}

/** The smallest single range holding all of `ranges` (undefined for none). */
export function span(ranges: readonly Range[]): Range | undefined {
  if (ranges.length === 0) return undefined;
  let start = (ranges[0] as Range).start;
  let last = (ranges[0] as Range).last;
  for (const r of ranges) {
    if (r.start < start) start = r.start;
    if (r.last > last) last = r.last;
  }
  return { start, last };
}
