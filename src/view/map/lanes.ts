import type { RangeMap } from '../../core/ranges/range-map.ts';
import type { EngineState } from '../../core/state.ts';
import { commonPageSizes } from '../../core/iommu/pgsize.ts';
import type { PgsizeBitmap, Range } from '../../core/u64.ts';
import { entityLabel, groupRef, type EntityRef } from '../../core/entity-ref.ts';
import type {
  AddressSpacesView,
  HwptView,
  MappingValue,
  ReservedView,
} from '../../core/view-types.ts';
import { type LaneAperture, laneAperture, narrowestAperture } from './aperture.ts';

/**
 * The rows of the address map, built from the engine's read contract (view-types.ts) and the
 * scenario's guest layout. Built once per engine state (O(containers + reserved), never
 * O(mappings): the mapping trees are shared, not copied) and drawn every frame.
 */

export type SpanKind = ReservedView['type'] | 'valid' | 'guest-ram' | 'guest-other' | 'window';

export interface LaneSpan extends Range {
  readonly kind: SpanKind;
  /** Who it belongs to, as the hover card says it: "group 3", "host bridge pci0000:00". */
  readonly owner: string;
  /** The same owners as data (several devices can reserve one window of an IOAS). */
  readonly owners: readonly EntityRef[];
  readonly label: string;
}

export type LaneKind = 'guest' | 'bridge' | 'group' | 'container' | 'domain' | 'ioas' | 'hwpt';

export interface Lane {
  readonly id: string;
  readonly kind: LaneKind;
  /** What the lane draws, as data: the group, host bridge, container, domain, IOAS or HWPT. */
  readonly ref: EntityRef;
  /** For a nested lane, the container or IOAS it sits under. */
  readonly parent?: EntityRef;
  readonly label: string;
  readonly detail: string;
  /** Nested lanes (domains under a container, HWPTs under an IOAS) are indented. */
  readonly nested: boolean;
  /** Drawn faintly behind everything: the valid IOVA list or a domain's aperture. */
  readonly background: readonly LaneSpan[];
  /** Few, sorted by start; may overlap (one per owner). */
  readonly spans: readonly LaneSpan[];
  readonly mappings?: RangeMap<MappingValue>;
  /** "container 1" / "IOAS 2": the owner named for mappings on hover. */
  readonly mappingOwner?: string;
  /** Page sizes the mappings in this lane are built from, for the inspector's page split. */
  readonly pgsizeBitmap?: PgsizeBitmap;
  /** Color key for group lanes (the topology panel uses the same color). */
  readonly group?: number;
  /** The usable IOVA window (aperture.ts): shaded outside, its end drawn and labelled. */
  readonly aperture?: LaneAperture;
  /** The IOMMU domains that hold this lane's mappings in page tables (the inspector walks them). */
  readonly domains?: readonly LaneDomain[];
}

/** A paging domain behind a lane's mappings: a type1 domain or an iommufd HWPT. */
export interface LaneDomain {
  /** "domain 1", "HWPT 3". */
  readonly label: string;
  /** The IOMMU unit it was allocated on. */
  readonly iommu: string;
  readonly aperture: Range;
  readonly pgsizeBitmap: PgsizeBitmap;
}

export interface GuestRegion extends Range {
  readonly kind: string;
  readonly name?: string;
}

export interface GuestLayout {
  readonly machine?: string;
  readonly memory: readonly GuestRegion[];
}

const byStart = (a: Range, b: Range): number =>
  a.start < b.start ? -1 : a.start > b.start ? 1 : 0;

function reservedSpans(list: readonly ReservedView[]): LaneSpan[] {
  return list
    .filter((r) => r.type !== 'aperture')
    .map((r) => ({
      start: r.start,
      last: r.last,
      kind: r.type,
      owner: r.owner,
      owners: r.ownerRef ? [r.ownerRef] : [],
      label: r.origin ? `${r.type} (${r.origin})` : r.type,
    }))
    .sort(byStart);
}

/**
 * An IOAS's reservations as spans: one per range and type, naming every device that reserves it
 * ("device 0000:01:00.0, device 0000:01:00.1"), so the same window reserved by two devices of a
 * group is drawn once, not stacked.
 */
function ioasReservedSpans(list: readonly ReservedView[]): LaneSpan[] {
  const byKey = new Map<string, { span: LaneSpan; owners: string[]; refs: EntityRef[] }>();
  for (const r of list) {
    if (r.type === 'aperture') continue;
    const key = `${r.start}-${r.last}-${r.type}-${r.origin ?? ''}`;
    const hit = byKey.get(key);
    if (hit) {
      if (!hit.owners.includes(r.owner)) {
        hit.owners.push(r.owner);
        if (r.ownerRef) hit.refs.push(r.ownerRef);
      }
      continue;
    }
    byKey.set(key, {
      span: {
        start: r.start,
        last: r.last,
        kind: r.type,
        owner: r.owner,
        owners: [],
        label: r.origin ? `${r.type} (${r.origin})` : r.type,
      },
      owners: [r.owner],
      refs: r.ownerRef ? [r.ownerRef] : [],
    });
  }
  return [...byKey.values()]
    .map(({ span, owners, refs }) => ({ ...span, owner: owners.join(', '), owners: refs }))
    .sort(byStart);
}

/** The page sizes every HWPT of an IOAS can use (an area is mapped into each of them); undefined with no HWPT. */
function commonPgsizes(hwpts: readonly HwptView[]): PgsizeBitmap | undefined {
  return commonPageSizes(hwpts.map((h) => h.pgsizeBitmap));
}

function validSpans(list: readonly Range[], owner: EntityRef): LaneSpan[] {
  return list.map((r) => ({
    start: r.start,
    last: r.last,
    kind: 'valid' as const,
    owner: entityLabel(owner),
    owners: [owner],
    label: 'valid IOVA',
  }));
}

export function buildLanes(
  state: EngineState,
  spaces: AddressSpacesView,
  guest: GuestLayout | undefined,
): Lane[] {
  const lanes: Lane[] = [];
  if (guest && guest.memory.length > 0) {
    const ref: EntityRef = { kind: 'guest', machine: guest.machine };
    lanes.push({
      id: 'guest',
      kind: 'guest',
      ref,
      label: 'guest memory',
      detail: guest.machine ?? '',
      nested: false,
      background: [],
      spans: guest.memory
        .map((m) => ({
          start: m.start,
          last: m.last,
          kind: m.kind === 'ram' ? ('guest-ram' as const) : ('guest-other' as const),
          owner: entityLabel(ref),
          owners: [ref],
          label: m.name ?? m.kind,
        }))
        .sort(byStart),
    });
  }

  const platform = state.index.platform;
  for (const bridge of platform.hostBridges) {
    const ref: EntityRef = { kind: 'host-bridge', id: bridge.id };
    lanes.push({
      id: `bridge:${bridge.id}`,
      kind: 'bridge',
      ref,
      label: entityLabel(ref),
      detail: `${bridge.windows.length} window(s)`,
      nested: false,
      background: [],
      spans: bridge.windows
        .map((w) => ({
          start: w.start,
          last: w.last,
          kind: 'window' as const,
          owner: entityLabel(ref),
          owners: [ref],
          label: `${w.kind} window`,
        }))
        .sort(byStart),
    });
  }

  for (const group of state.index.groups.values()) {
    const ref = groupRef(group.id);
    const unit = state.index.units.get(group.iommu);
    lanes.push({
      // What a domain for this group could reach, before any container or IOAS exists.
      ...(unit ? { aperture: laneAperture(unit.id, unit.aperture) } : {}),
      id: `group:${group.id}`,
      kind: 'group',
      ref,
      label: `group ${group.id} reserved`,
      detail: `${group.devices.join(', ')} · ${group.iommu}`,
      nested: false,
      background: [],
      group: group.id,
      spans: group.resvRegions
        .map((r) => ({
          start: r.start,
          last: r.last,
          kind: r.type,
          owner: entityLabel(ref),
          owners: [ref],
          label: r.origin ? `${r.type} (${r.origin})` : r.type,
        }))
        .sort(byStart),
    });
  }

  for (const c of spaces.containers) {
    const ref: EntityRef = { kind: 'object', objectType: 'container', id: c.id };
    const owner = entityLabel(ref);
    const containerAperture = narrowestAperture(c.domains);
    lanes.push({
      ...(containerAperture ? { aperture: containerAperture } : {}),
      id: `container:${c.id}`,
      kind: 'container',
      ref,
      label: c.label || owner,
      detail: `${c.mappings.size} mapping(s) · ${c.iommuType ?? 'no IOMMU set'} · groups ${c.groups.join(', ') || 'none'}`,
      nested: false,
      background: validSpans(c.validIova, ref),
      spans: reservedSpans(c.reserved),
      mappings: c.mappings,
      mappingOwner: owner,
      pgsizeBitmap: c.pgsizeBitmap,
      domains: c.domains.map((d) => laneDomain(`domain ${d.id}`, d)),
    });
    for (const d of c.domains) {
      const domain: EntityRef = { kind: 'object', objectType: 'domain', id: d.id };
      lanes.push({
        aperture: laneAperture(d.iommu, d.aperture),
        id: `container:${c.id}:domain:${d.id}`,
        kind: 'domain',
        ref: domain,
        parent: ref,
        label: entityLabel(domain),
        detail: `${d.iommu} · groups ${d.groups.join(', ')}${d.enforceCacheCoherency ? ' · IOMMU_CACHE' : ''}`,
        nested: true,
        background: [
          {
            start: d.aperture.start,
            last: d.aperture.last,
            kind: 'aperture',
            owner: entityLabel(domain),
            owners: [domain],
            label: 'aperture',
          },
        ],
        spans: [],
        mappings: c.mappings,
        mappingOwner: `${owner} (domain ${d.id})`,
        pgsizeBitmap: d.pgsizeBitmap,
        domains: [laneDomain(`domain ${d.id}`, d)],
      });
    }
  }

  for (const io of spaces.ioas) {
    const ref: EntityRef = { kind: 'object', objectType: 'ioas', id: io.id };
    const owner = entityLabel(ref);
    const pgsizes = commonPgsizes(io.hwpts);
    const ioasAperture = narrowestAperture(io.hwpts);
    lanes.push({
      ...(ioasAperture ? { aperture: ioasAperture } : {}),
      id: `ioas:${io.id}`,
      kind: 'ioas',
      ref,
      label: io.label || owner,
      detail: `${io.hwpts.length} HWPT(s) · ${io.areas.size} area(s) · ${io.validIova.length} valid range(s)`,
      nested: false,
      background: validSpans(io.validIova, ref),
      spans: ioasReservedSpans(io.reserved),
      mappings: io.areas,
      mappingOwner: owner,
      // An IOAS is not a page table: its areas are split into pages in each HWPT's domain.
      ...(pgsizes !== undefined ? { pgsizeBitmap: pgsizes } : {}),
      domains: io.hwpts.map((h) => laneDomain(`HWPT ${h.id}`, h)),
    });
    for (const h of io.hwpts) {
      const hwpt: EntityRef = { kind: 'object', objectType: 'hwpt', id: h.id };
      const devices = new Set(h.devices);
      lanes.push({
        aperture: laneAperture(h.iommu, h.aperture),
        id: `ioas:${io.id}:hwpt:${h.id}`,
        kind: 'hwpt',
        ref: hwpt,
        parent: ref,
        label: `HWPT ${h.id}${h.auto ? ' (auto)' : ''}`,
        detail: `${h.devices.join(', ') || 'no devices'} · ${h.iommu}`,
        nested: true,
        background: [
          {
            start: h.aperture.start,
            last: h.aperture.last,
            kind: 'aperture',
            owner: entityLabel(hwpt),
            owners: [hwpt],
            label: 'aperture',
          },
        ],
        // The reservations its devices brought into the IOAS (iommufd reserves per device).
        spans: ioasReservedSpans(
          io.reserved.filter((r) => r.ownerRef?.kind === 'device' && devices.has(r.ownerRef.bdf)),
        ),
        mappings: io.areas,
        mappingOwner: `${owner} (HWPT ${h.id})`,
        pgsizeBitmap: h.pgsizeBitmap,
        domains: [laneDomain(`HWPT ${h.id}`, h)],
      });
    }
  }
  return lanes;
}

function laneDomain(
  label: string,
  d: { readonly iommu: string; readonly aperture: Range; readonly pgsizeBitmap: PgsizeBitmap },
): LaneDomain {
  return { label, iommu: d.iommu, aperture: d.aperture, pgsizeBitmap: d.pgsizeBitmap };
}

/** Vertical placement of the lanes, shared by the canvas and the label column. */
export interface LaneRow {
  readonly lane: Lane;
  readonly y: number;
  readonly height: number;
}

export const LANE_HEIGHT = 30;
export const NESTED_LANE_HEIGHT = 22;
export const LANE_GAP = 4;

export function layoutLanes(lanes: readonly Lane[]): { rows: LaneRow[]; height: number } {
  const rows: LaneRow[] = [];
  let y = LANE_GAP;
  for (const lane of lanes) {
    const height = lane.nested ? NESTED_LANE_HEIGHT : LANE_HEIGHT;
    rows.push({ lane, y, height });
    y += height + LANE_GAP;
  }
  return { rows, height: y };
}
