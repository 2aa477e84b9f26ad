import type { ActionOf, OpName } from './actions.ts';
import type { Applied } from './op-result.ts';
import type { OpSpec, SpecAction } from './ops/spec.ts';
import type { EngineState } from './state.ts';

export type OpHandler<N extends OpName> = (state: EngineState, action: ActionOf<N>) => Applied;

/** Each model module exports the handlers for its own ops. */
export type OpTable<Prefix extends string> = {
  readonly [N in Extract<OpName, `${Prefix}.${string}`>]: OpHandler<N>;
};

/** One handler per entry of a table of op entries, each taking the action its entry describes. */
export type HandlerTable<M extends { readonly [N in keyof M]: OpSpec }> = {
  readonly [N in keyof M & string]: (state: EngineState, action: SpecAction<N, M[N]>) => Applied;
};
