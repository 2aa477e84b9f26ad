import type { Action } from './actions.ts';
import { iommuOps } from './iommu/ops.ts';
import { iommufdOps } from './iommufd/ops.ts';
import { refuseWith, type Applied } from './op-result.ts';
import { malformedAction } from './ops/check-action.ts';
import type { HandlerTable, OpHandler } from './op-table.ts';
import type { OpSpecs } from './ops/registry.ts';
import type { EngineState } from './state.ts';
import { vfioOps } from './vfio/ops.ts';

export type { Applied } from './op-result.ts';
export { createState, type EngineState } from './state.ts';

export { isOpName, OP_NAMES } from './ops/registry.ts';

/**
 * Where each op entry (`ops/registry.ts`) meets its rule code: a handler per entry, no more, no
 * less — an entry without a handler is a missing key here, a handler without an entry an unknown
 * key in its model's `OpTable`, and either fails to compile.
 */
const OPS: HandlerTable<OpSpecs> = { ...vfioOps, ...iommufdOps, ...iommuOps };

/**
 * The one entry point: applies an action to a state and returns the next state with the outcome.
 * The UI, the CLI, undo/redo, scenario replay and the tests all go through here. A failed action
 * returns the very same state object, except where the kernel itself is not atomic (the outcome
 * then has `partial: true`).
 */
export function apply(state: EngineState, action: Action): Applied {
  const malformed = malformedAction(action);
  if (malformed) return refuseWith(state, malformed);
  const handler = OPS[action.op] as OpHandler<typeof action.op>;
  return (handler as (s: EngineState, a: Action) => Applied)(state, action);
}

/** "What would happen if": the outcome of an action without keeping its state. */
export function dryRun(state: EngineState, action: Action): Applied['outcome'] {
  return apply(state, action).outcome;
}
