import { type LevelUse, pageTableFormat, pageTableUse } from '../../core/iommu/page-table.ts';
import type { EngineState } from '../../core/state.ts';
import { formatSize, hex, type Range } from '../../core/u64.ts';
import type { LaneDomain } from '../../view/map/lanes.ts';

/**
 * The inspector's page-table walk for the selected mapping: for each domain that holds it, the
 * levels of its tables, the IOVA bits each level is indexed by, where the mapping's first and last
 * IOVA land, and the entries it occupies (best case, as the page split above it says).
 */
export function PageTableView({
  state,
  domains,
  range,
}: {
  state: EngineState;
  domains: readonly LaneDomain[];
  range: Range;
}) {
  const walks = domains.flatMap((d) => {
    const unit = state.index.units.get(d.iommu);
    const format = unit && pageTableFormat(unit, d.aperture, d.pgsizeBitmap);
    return format ? [{ d, format, use: pageTableUse(format, range, d.pgsizeBitmap) }] : [];
  });
  if (walks.length === 0) return null;
  return (
    <>
      {walks.map(({ d, format, use }) => {
        const leaves = use.reduce((n, l) => n + l.leafEntries, 0n);
        const tables = use.reduce((n, l) => n + l.tableEntries, 0n);
        return (
          <section key={d.label} className="page-table" aria-label={`page tables of ${d.label}`}>
            <h4>
              Page tables — {d.label} on {d.iommu}
            </h4>
            <p className="muted small">
              {format.name}: {format.levels} levels over {format.width}-bit IOVAs,{' '}
              {format.bitsPerLevel} index bits a level. This mapping takes {leaves.toString()} leaf
              entr{leaves === 1n ? 'y' : 'ies'} and {tables.toString()} table entr
              {tables === 1n ? 'y' : 'ies'} (best case).
            </p>
            <table className="pages" aria-label={`page-table walk in ${d.label}`}>
              <thead>
                <tr>
                  <th>level</th>
                  <th title="the IOVA bits that index this level's tables">bits</th>
                  <th title="the bytes one entry of this level maps">entry</th>
                  <th title="where the mapping's first and last IOVA land in their tables">
                    index
                  </th>
                  <th>used</th>
                </tr>
              </thead>
              <tbody>
                {use.map((l, i) => (
                  <tr key={l.level}>
                    <td>
                      L{l.level}
                      {i === 0 ? ' (root)' : ''}
                    </td>
                    <td>
                      {l.highBit}:{l.lowBit}
                    </td>
                    <td>{formatSize(l.entryBytes)}</td>
                    <td>{indexText(l)}</td>
                    <td>{entriesUsed(l)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </>
  );
}

function entriesUsed(l: LevelUse): string {
  const parts: string[] = [];
  if (l.leafEntries > 0n) parts.push(`${l.leafEntries} page${l.leafEntries === 1n ? '' : 's'}`);
  if (l.tableEntries > 0n)
    parts.push(`${l.tableEntries} table pointer${l.tableEntries === 1n ? '' : 's'}`);
  return parts.join(', ') || '—';
}

/**
 * Where the first and last IOVA land at a level: one index, a span of one table, or, when they
 * fall in different tables of that level, each in its own table (an index 0x1 then 0x0 reads
 * wrong without it).
 */
function indexText(l: LevelUse): string {
  if (l.spansTables) return `${hex(l.firstIndex)} (first table) – ${hex(l.lastIndex)} (last table)`;
  return l.firstIndex === l.lastIndex
    ? hex(l.firstIndex)
    : `${hex(l.firstIndex)}–${hex(l.lastIndex)}`;
}
