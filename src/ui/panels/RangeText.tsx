import { Fragment } from 'react';
import { formatRange, parseU64, type Range } from '../../core/u64.ts';
import { lanesOf } from '../../store/address-spaces.ts';
import { type AppStore, selectShown } from '../../store/app-store.ts';
import { useStoreApi } from '../app/store-context.tsx';

/** `0xSTART..0xLAST`, the form every outcome sentence prints a range in (u64.ts formatRange). */
const RANGE = /0x[0-9a-f]+\.\.0x[0-9a-f]+/gi;

function parseRange(text: string): Range | undefined {
  const [a, b] = text.split('..');
  const start = parseU64(a ?? '');
  const last = parseU64(b ?? '');
  return start.ok && last.ok && start.value <= last.value
    ? { start: start.value, last: last.value }
    : undefined;
}

/**
 * Frames `r` on the map and selects it on `laneId` when given: the mapping starting there if
 * there is one, else the range itself.
 */
export function followRange(store: AppStore, r: Range, laneId: string | undefined): void {
  const s = store.getState();
  s.showRange(r);
  const shown = selectShown(s);
  const lane = laneId && shown ? lanesOf(shown).find((l) => l.id === laneId) : undefined;
  if (!lane) return;
  const e = lane.mappings?.at(r.start);
  s.select(
    e
      ? { kind: 'mapping', laneId: lane.id, start: e.start }
      : { kind: 'span', laneId: lane.id, start: r.start, last: r.last, label: formatRange(r) },
  );
}

/** A link that frames a range on the map (and selects it on its lane). */
export function RangeLink({
  range,
  laneId,
  children,
}: {
  range: Range;
  laneId?: string | undefined;
  children?: React.ReactNode;
}) {
  const store = useStoreApi();
  return (
    <button
      type="button"
      className="range-link"
      title={`show ${formatRange(range)} on the map`}
      onClick={() => followRange(store, range, laneId)}
    >
      {children ?? formatRange(range)}
    </button>
  );
}

/** Text with every `0x…..0x…` range in it a link to that range on the map. */
export function RangeText({ text, laneId }: { text: string; laneId?: string | undefined }) {
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const m of text.matchAll(RANGE)) {
    const r = parseRange(m[0]);
    if (!r) continue;
    parts.push(text.slice(at, m.index));
    parts.push(<RangeLink key={m.index} range={r} laneId={laneId} />);
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>{p}</Fragment>
      ))}
    </>
  );
}
