import type { EngineState } from './state.ts';
import type { Errno, OkOutcome, Outcome, ResultRecord } from './outcome.ts';
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

/**
 * A success message worked out only when something reads it (the log does; a replay of a
 * million trace steps, a dry run or a benchmark mostly does not): profiled, formatting the
 * addresses and sizes of a map's message was a tenth of the op. `format` is a module function,
 * not a closure made per op (the CLI's TypeScript loader names every closure it creates).
 */
export interface LazyMessage {
  readonly format: (args: never) => string;
  readonly args: unknown;
}

export type MessageText = string | LazyMessage;

export function lazyMessage<A>(format: (args: A) => string, args: A): LazyMessage {
  return { format, args } as LazyMessage;
}

/** The message as text. */
export function messageText(m: MessageText): string {
  return typeof m === 'string' ? m : (m.format as (args: unknown) => string)(m.args);
}

/**
 * A success outcome whose message is formatted on first read. The message is an own enumerable
 * accessor, so it reads like the plain field to every caller (spread, JSON, structured clone,
 * tests); the text's inputs sit in private fields, which none of those copy. A class with one
 * shared accessor, not an object literal with a getter: profiled, the literal (a new getter
 * closure per op) cost 340 ns against 105 ns here, a tenth of an IOAS map at a million mappings.
 */
class LazyOkOutcome {
  readonly ok = true as const;
  declare readonly message: string;
  declare readonly warnings: readonly string[];
  declare readonly result?: ResultRecord;
  #lazy: LazyMessage;
  #text: string | undefined;

  static text(o: LazyOkOutcome): string {
    return (o.#text ??= messageText(o.#lazy));
  }

  constructor(lazy: LazyMessage, warnings: readonly string[], result: ResultRecord | undefined) {
    Object.defineProperty(this, 'message', LAZY_MESSAGE);
    this.warnings = warnings;
    if (result) this.result = result;
    this.#lazy = lazy;
  }
}

const LAZY_MESSAGE: PropertyDescriptor = {
  get(this: LazyOkOutcome) {
    return LazyOkOutcome.text(this);
  },
  enumerable: true,
};

export function accept(
  state: EngineState,
  message: MessageText,
  result?: ResultRecord,
  warnings: readonly string[] = [],
): Applied {
  if (typeof message === 'string')
    return { state, outcome: { ok: true, message, warnings, ...(result ? { result } : {}) } };
  const outcome: OkOutcome = new LazyOkOutcome(message, warnings, result);
  return { state, outcome };
}
