import type { Action } from '../../core/actions.ts';
import type { ObjectRef } from '../../core/ops/fields.ts';
import type { Outcome } from '../../core/outcome.ts';
import { type Range, U64_MAX } from '../../core/u64.ts';

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
