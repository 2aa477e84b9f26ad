import type { EngineState } from './state.ts';
import type { Errno, Outcome, ResultRecord } from './outcome.ts';
import type { Refusal } from './refusal.ts';
import type { RuleName } from './rules.ts';

/** What an op returns: the next state (the same object on failure) and the outcome. */
export interface Applied {
  readonly state: EngineState;
  readonly outcome: Outcome;
}

/** A refusal: the state is returned untouched. */
export function refuse(
  state: EngineState,
  errno: Errno,
  rule: RuleName,
  message: string,
  result?: ResultRecord,
): Applied {
  return {
    state,
    outcome: { ok: false, errno, rule, message, warnings: [], ...(result ? { result } : {}) },
  };
}

/** A rule's refusal as the op's outcome; `state` is the op's input, returned untouched. */
export function refuseWith(state: EngineState, r: Refusal, result?: ResultRecord): Applied {
  return refuse(state, r.errno, r.rule, r.message, result);
}

/**
 * A refusal after part of the work is done, where the kernel itself is not atomic (DESIGN.md §3):
 * `partState` holds what was already changed and the outcome says so with `partial: true`.
 */
export function refusePartway(partState: EngineState, r: Refusal, result?: ResultRecord): Applied {
  return {
    state: partState,
    outcome: {
      ok: false,
      errno: r.errno,
      rule: r.rule,
      message: r.message,
      warnings: [],
      partial: true,
      ...(result ? { result } : {}),
    },
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
