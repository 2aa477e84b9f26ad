import type { EntityRef } from '../../core/entity-ref.ts';
import type { Lane, LaneSpan } from './lanes.ts';

/**
 * Group lanes that show the same regions, folded into one lane with a count. A host with a dozen
 * groups that each reserve only the MSI window draws a dozen identical rows; folded, it draws one
 * ("groups 0, 1, 4 reserved", "3 groups · same regions") and the rows that differ stand out. The
 * folded lane keeps the first member's id, colour and selection; its spans and hover name every
 * member. Only group lanes fold: containers, domains, IOASes and HWPTs are distinct objects whose
 * mappings differ, and a bridge lane is one per host bridge.
 */
export interface FoldedLane extends Lane {
  /** The groups this lane stands for, in the order their lanes came. */
  readonly members?: readonly number[];
}

function spanKey(s: LaneSpan): string {
  return `${s.start.toString(16)}-${s.last.toString(16)}:${s.kind}:${s.label}`;
}

/** What two group lanes must share to fold: every span (place, kind, label) and the aperture. */
function foldKey(lane: Lane): string {
  const aperture = lane.aperture
    ? `${lane.aperture.start.toString(16)}-${lane.aperture.last.toString(16)}`
    : '';
  return `${aperture}|${lane.spans.map(spanKey).join(',')}`;
}

export function foldAlikeLanes(lanes: readonly Lane[]): FoldedLane[] {
  // Each group lane's fellows (itself included), found by one key per lane.
  const alike = new Map<string, Lane[]>();
  const fellows = new Map<Lane, Lane[]>();
  for (const lane of lanes) {
    if (lane.kind !== 'group' || lane.group === undefined) continue;
    const key = foldKey(lane);
    const list = alike.get(key) ?? [];
    alike.set(key, list);
    list.push(lane);
    fellows.set(lane, list);
  }
  const out: FoldedLane[] = [];
  for (const lane of lanes) {
    const list = fellows.get(lane);
    if (!list || list.length < 2) out.push(lane);
    else if (list[0] === lane) out.push(folded(list));
  }
  return out;
}

function folded(list: readonly Lane[]): FoldedLane {
  const first = list[0] as Lane;
  const members = list.map((l) => l.group as number);
  const owner = `groups ${members.join(', ')}`;
  const owners: EntityRef[] = list.map((l) => l.ref);
  return {
    ...first,
    label: `${owner} reserved`,
    detail: `${members.length} groups · same regions`,
    members,
    spans: first.spans.map((s) => ({ ...s, owner, owners })),
  };
}
