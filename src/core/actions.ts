import type { ActionOf } from './ops/registry.ts';

/**
 * The engine's actions, derived from the op entries of `ops/` (one action per uAPI call, with the
 * uAPI's own field names). Addresses and sizes are bigint; object references are the ids the
 * engine returned (a scenario's `"$name"` is resolved to its id before the engine sees it; an
 * unresolved name arrives as a string and is treated as an id that does not exist).
 *
 * Flags are names (`READ`, `FIXED_IOVA`) or raw bits written as hex strings (`"0x8"`); each op
 * turns them into the uAPI bit values and rejects unknown bits with the kernel's errno.
 */

export type { FlagList, ObjectRef } from './ops/fields.ts';
export type { Action, ActionOf, OpName } from './ops/registry.ts';

export type VfioMapDma = ActionOf<'vfio.map_dma'>;
export type VfioUnmapDma = ActionOf<'vfio.unmap_dma'>;
