import type { EntityRef } from '../../core/entity-ref.ts';
import type { Lane } from './lanes.ts';

/** The uAPI object id a reference names, when it names one of this type. */
function objectId(ref: EntityRef | undefined, type: 'ioas' | 'hwpt'): number | undefined {
  return ref?.kind === 'object' && ref.objectType === type ? ref.id : undefined;
}

/**
 * The IOAS an IOAS or HWPT lane draws, and the HWPT for a HWPT lane, read from the lane's
 * references (the inspector shows their facts); undefined for every other lane.
 */
export function laneIoas(lane: Lane): { ioas: number; hwpt: number | undefined } | undefined {
  const own = objectId(lane.ref, 'ioas');
  if (own !== undefined) return { ioas: own, hwpt: undefined };
  const hwpt = objectId(lane.ref, 'hwpt');
  const parent = objectId(lane.parent, 'ioas');
  return hwpt !== undefined && parent !== undefined ? { ioas: parent, hwpt } : undefined;
}
