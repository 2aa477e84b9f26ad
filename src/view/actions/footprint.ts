import type { Action, OpName } from '../../core/actions.ts';
import type { ObjectRef } from '../../core/ops/fields.ts';
import type { Outcome } from '../../core/outcome.ts';
import { hex, type Range, U64_MAX } from '../../core/u64.ts';
import type { Lane } from '../map/lanes.ts';

/**
 * Where on the map an action lands: the lane of the container or IOAS it names and the IOVA range
 * it maps or unmaps. Read from the action's fields (and, for a placement the kernel picks, from the
 * dry run's result), never worked out from kernel rules: whether the action is allowed is the
 * engine's answer. The map draws it as a ghost while the form is filled, and as a mark after a
 * failed run; the log links to it.
 */
export interface Footprint {
  /** The lane of the container or IOAS (lanes.ts ids). */
  readonly laneId: string;
  readonly range: Range;
  /** Maps (a new mapping would appear) or unmaps (mappings would go). */
  readonly adds: boolean;
}

const laneOf = (kind: 'container' | 'ioas', ref: ObjectRef | undefined): string | undefined =>
  typeof ref === 'number' && Number.isInteger(ref) ? `${kind}:${ref}` : undefined;

function sized(start: bigint | undefined, length: bigint | undefined): Range | undefined {
  if (start === undefined || length === undefined || length === 0n) return undefined;
  const last = start + length - 1n;
  return last > U64_MAX ? { start, last: U64_MAX } : { start, last };
}

/** The address the engine chose (`result[key]`), when the outcome says it mapped. */
function placed(outcome: Outcome | undefined, key: string): bigint | undefined {
  const v = outcome?.ok ? outcome.result?.[key] : undefined;
  return typeof v === 'bigint' ? v : undefined;
}

/**
 * Where an IOAS map or copy lands: the address the engine chose, else the typed one under
 * FIXED_IOVA (0 when none is typed, as the kernel reads it), else unknown until the dry run places it.
 */
function ioasPlacement(
  action: { readonly flags?: readonly string[] | undefined },
  typed: bigint | undefined,
  resultKey: string,
  outcome: Outcome | undefined,
): bigint | undefined {
  const chosen = placed(outcome, resultKey);
  if (chosen !== undefined) return chosen;
  return action.flags?.includes('FIXED_IOVA') ? (typed ?? 0n) : undefined;
}

const ALL: Range = { start: 0n, last: U64_MAX };

/**
 * The action's footprint, or undefined for ops that touch no IOVA range (or an automatic placement
 * the dry run could not place). `outcome` is the dry run's or the run's.
 */
export function footprintOf(action: Action, outcome?: Outcome): Footprint | undefined {
  let laneId: string | undefined;
  let range: Range | undefined;
  let adds = true;
  switch (action.op) {
    case 'vfio.map_dma':
      laneId = laneOf('container', action.container);
      range = sized(action.iova, action.size);
      break;
    case 'vfio.unmap_dma':
      laneId = laneOf('container', action.container);
      range = action.flags?.includes('ALL') ? ALL : sized(action.iova, action.size);
      adds = false;
      break;
    case 'iommufd.ioas_map':
      laneId = laneOf('ioas', action.ioas);
      range = sized(ioasPlacement(action, action.iova, 'iova', outcome), action.length);
      break;
    case 'iommufd.ioas_copy':
      laneId = laneOf('ioas', action.dst_ioas);
      range = sized(ioasPlacement(action, action.dst_iova, 'dst_iova', outcome), action.length);
      break;
    case 'iommufd.ioas_unmap':
      laneId = laneOf('ioas', action.ioas);
      range =
        action.iova === 0n && action.length === U64_MAX ? ALL : sized(action.iova, action.length);
      adds = false;
      break;
    default:
      return undefined;
  }
  return laneId && range ? { laneId, range, adds } : undefined;
}

/** An op and the form values that fill it (the Actions form's fields, as typed text). */
export interface FormFill {
  /** What the button offering it says. */
  readonly verb: 'Map' | 'Unmap';
  readonly op: OpName;
  readonly values: Readonly<Record<string, string>>;
}

/** The container or IOAS a lane draws: its own object, or the one a domain / HWPT lane sits under. */
function spaceOf(lane: Lane): { kind: 'container' | 'ioas'; id: number } | undefined {
  for (const ref of [lane.ref, lane.parent]) {
    if (ref?.kind === 'object' && (ref.objectType === 'container' || ref.objectType === 'ioas'))
      return { kind: ref.objectType, id: ref.id };
  }
  return undefined;
}

/** The unmap of exactly `r` on the lane's container (VFIO_IOMMU_UNMAP_DMA) or IOAS (IOMMU_IOAS_UNMAP). */
export function unmapFormFor(lane: Lane, r: Range): FormFill | undefined {
  const space = spaceOf(lane);
  const length = hex(r.last - r.start + 1n);
  if (space?.kind === 'container')
    return {
      verb: 'Unmap',
      op: 'vfio.unmap_dma',
      values: { container: String(space.id), iova: hex(r.start), size: length },
    };
  if (space?.kind === 'ioas')
    return {
      verb: 'Unmap',
      op: 'iommufd.ioas_unmap',
      values: { ioas: String(space.id), iova: hex(r.start), length },
    };
  return undefined;
}

/** A map into the lane's container or IOAS, the address left for the user to type. */
export function mapFormFor(lane: Lane): FormFill | undefined {
  const space = spaceOf(lane);
  if (space?.kind === 'container')
    return { verb: 'Map', op: 'vfio.map_dma', values: { container: String(space.id) } };
  if (space?.kind === 'ioas')
    return { verb: 'Map', op: 'iommufd.ioas_map', values: { ioas: String(space.id) } };
  return undefined;
}
