import type { EngineState } from './state.ts';
import type { Errno, Outcome, ResultRecord } from './outcome.ts';

/** What an op returns: the next state (the same object on failure) and the outcome. */
export interface Applied {
  readonly state: EngineState;
  readonly outcome: Outcome;
}

/** A refusal: the state is returned untouched. */
export function refuse(
  state: EngineState,
  errno: Errno,
  rule: string,
  message: string,
  result?: ResultRecord,
): Applied {
  return {
    state,
    outcome: { ok: false, errno, rule, message, warnings: [], ...(result ? { result } : {}) },
  };
}

export function accept(
  state: EngineState,
  message: string,
  result?: ResultRecord,
  warnings: readonly string[] = [],
): Applied {
  return { state, outcome: { ok: true, message, warnings, ...(result ? { result } : {}) } };
}
