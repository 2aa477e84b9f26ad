import type { ActionOf, OpName } from './actions.ts';
import type { Applied } from './op-result.ts';
import type { EngineState } from './state.ts';

export type OpHandler<N extends OpName> = (state: EngineState, action: ActionOf<N>) => Applied;

/** Each model module exports the handlers for its own ops. */
export type OpTable<Prefix extends string> = {
  readonly [N in Extract<OpName, `${Prefix}.${string}`>]: OpHandler<N>;
};
