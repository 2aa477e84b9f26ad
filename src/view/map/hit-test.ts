import type { RangeEntry } from '../../core/ranges/range-map.ts';
import { formatRange, hex, readableSize, type Range } from '../../core/u64.ts';
import type { MappingValue } from '../../core/view-types.ts';
import type { Lane, LaneRow, LaneSpan } from './lanes.ts';
import { columnLast, columnStart, type MapSegment, segmentAt } from './segments.ts';

/** What is under the pointer: enough for the hover card and for a click to select. */
export type Hit =
  | {
      readonly kind: 'mapping';
      readonly lane: Lane;
      readonly entry: RangeEntry<MappingValue>;
      readonly owner: string;
    }
  | {
      readonly kind: 'many';
      readonly lane: Lane;
      readonly range: Range;
      readonly count: number;
      readonly capped: boolean;
      readonly largest: RangeEntry<MappingValue>;
      readonly owner: string;
    }
  | { readonly kind: 'span'; readonly lane: Lane; readonly span: LaneSpan }
  | { readonly kind: 'outside'; readonly lane: Lane; readonly addr: bigint }
  | { readonly kind: 'empty'; readonly lane: Lane | undefined; readonly addr: bigint };

/** Counting stops here: hovering a pixel over a million mappings must stay instant. */
const HOVER_COUNT_CAP = 10_000;

export function hitTest(
  rows: readonly LaneRow[],
  segments: readonly MapSegment[],
  x: number,
  y: number,
): Hit | undefined {
  const seg = segmentAt(segments, x);
  if (!seg) return undefined;
  const col = Math.floor(x - seg.x);
  const column: Range = { start: columnStart(seg, col), last: columnLast(seg, col) };
  const row = rows.find((r) => y >= r.y && y < r.y + r.height);
  if (!row) return { kind: 'empty', lane: undefined, addr: column.start };
  const { lane } = row;
  if (lane.mappings) {
    const first = lane.mappings.firstOverlapping(column);
    if (first) {
      const owner = lane.mappingOwner ?? lane.label;
      const next = lane.mappings.next(first.start);
      if (!next || next.start > column.last) return { kind: 'mapping', lane, entry: first, owner };
      let count = 0;
      let largest = first;
      let capped = false;
      for (const e of lane.mappings.overlapping(column)) {
        if (count === HOVER_COUNT_CAP) {
          capped = true;
          break;
        }
        count++;
        if (e.last - e.start > largest.last - largest.start) largest = e;
      }
      return { kind: 'many', lane, range: column, count, capped, largest, owner };
    }
  }
  const span = [...lane.spans]
    .reverse()
    .find((s) => s.start <= column.last && column.start <= s.last);
  if (span) return { kind: 'span', lane, span };
  const a = lane.aperture;
  if (a && (column.last < a.start || column.start > a.last))
    return { kind: 'outside', lane, addr: column.start };
  const bg = lane.background.find((s) => s.start <= column.last && column.start <= s.last);
  if (bg) return { kind: 'span', lane, span: bg };
  return { kind: 'empty', lane, addr: column.start };
}

/** The hover card's lines: exact range and owner. */
export function describeHit(hit: Hit): string[] {
  switch (hit.kind) {
    case 'mapping': {
      const e = hit.entry;
      const v = e.value;
      return [
        `${formatRange(e)} (${readableSize(e.last - e.start + 1n)})`,
        `mapping in ${hit.owner}`,
        `vaddr ${hex(v.vaddr)} · ${v.read ? 'R' : '-'}${v.write ? 'W' : '-'}`,
      ];
    }
    case 'many':
      return [
        `${formatRange(hit.range)}`,
        `${hit.count}${hit.capped ? '+' : ''} mappings in ${hit.owner} under this pixel`,
        `largest ${formatRange(hit.largest)} — zoom in to separate them`,
      ];
    case 'span':
      return [
        `${formatRange(hit.span)} (${readableSize(hit.span.last - hit.span.start + 1n)})`,
        `${hit.span.label} · ${hit.span.owner}`,
      ];
    case 'outside':
      return [
        `${hex(hit.addr)}`,
        `outside the aperture of ${hit.lane.label}: no IOVA here can be mapped`,
        hit.lane.aperture?.label ?? '',
      ];
    case 'empty':
      return [`${hex(hit.addr)}`, hit.lane ? `nothing here in ${hit.lane.label}` : ''];
  }
}
