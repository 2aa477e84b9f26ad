import type { Action } from '../actions.ts';
import { apply } from '../engine.ts';
import { OBJECT_REF_FIELDS } from '../ops/refs.ts';
import type { Errno, Outcome, ResultRecord } from '../outcome.ts';
import { createState, type EngineState } from '../state.ts';
import { hex, parseU64 } from '../u64.ts';
import type { Expect, ReplayableScenario, ScenarioStep } from './schema.ts';

/**
 * Replays a scenario's steps through the engine's one entry point, `apply`: binds `"as"` names to
 * the ids the steps return, resolves `"$name"` references, and compares every outcome with the
 * step's `expect`. Pure: no I/O; the CLI, the UI's replay and the conformance tests all use it.
 */

export interface StepReport {
  readonly index: number;
  readonly op: string;
  readonly ok: boolean;
  readonly errno?: Errno;
  readonly message?: string;
  readonly rule?: string;
  readonly result?: ResultRecord;
  readonly warnings?: readonly string[];
  /** The outcome agrees with `expect` (true when the step has none). */
  readonly matches: boolean;
  /** The kernel is not atomic here: the state changed although the step failed. */
  readonly partial?: boolean;
  /** Why the outcome does not match `expect`. */
  readonly mismatch?: string;
  /** Replay remarks: unbound `$name` references, an `as` that bound nothing, an engine exception. */
  readonly notes?: readonly string[];
}

export interface ReplayReport {
  readonly steps: readonly StepReport[];
  /** Steps whose outcome does not match `expect`, plus steps the engine could not run. */
  readonly mismatches: number;
  /** The state after the last step. */
  readonly state: EngineState;
  /** `as` names and the ids they were bound to. */
  readonly bindings: ReadonlyMap<string, number>;
  /** Set when the platform itself could not be turned into a state (no step ran). */
  readonly setupError?: string;
}

export interface ReplayOptions {
  /** Start from this state instead of a fresh one built from the scenario's platform. */
  readonly initialState?: EngineState;
}

export function replay(scenario: ReplayableScenario, options: ReplayOptions = {}): ReplayReport {
  const steps: StepReport[] = [];
  let mismatches = 0;
  let state: EngineState | undefined;
  let bindings: ReadonlyMap<string, number> = new Map();
  for (const item of replaySteps(scenario, options)) {
    if (item.kind === 'setup-error') {
      return {
        steps: [],
        mismatches: 1,
        state: createState({}),
        bindings: new Map(),
        setupError: item.setupError,
      };
    }
    state = item.state;
    bindings = item.bindings;
    if (item.kind === 'step') {
      steps.push(item.report);
      if (!item.report.matches) mismatches++;
    }
  }
  return { steps, mismatches, state: state as EngineState, bindings };
}

/** One position of a step-by-step replay: the platform alone, then the state after each step. */
export type ReplayItem =
  | { readonly kind: 'setup-error'; readonly setupError: string }
  | {
      readonly kind: 'start';
      readonly state: EngineState;
      readonly bindings: ReadonlyMap<string, number>;
    }
  | {
      readonly kind: 'step';
      readonly report: StepReport;
      readonly state: EngineState;
      /** The `as` names bound so far (a snapshot: later steps do not change it). */
      readonly bindings: ReadonlyMap<string, number>;
    };

/**
 * The replay as an iterator: first the starting state (or the setup error, and nothing more),
 * then each step's report with the state after it. `replay()` is this iterator run to the end;
 * a timeline that keeps every intermediate state (the UI's step-through) reads it directly.
 */
export function* replaySteps(
  scenario: ReplayableScenario,
  options: ReplayOptions = {},
): Generator<ReplayItem, void, undefined> {
  const started = startReplay(scenario, options);
  if (!started.ok) {
    yield { kind: 'setup-error', setupError: started.setupError };
    return;
  }
  const r = started.replayer;
  yield { kind: 'start', state: r.state, bindings: new Map(r.bindings) };
  for (const step of scenario.steps) {
    const report = r.run(step);
    yield { kind: 'step', report, state: r.state, bindings: new Map(r.bindings) };
  }
}

/**
 * A replay run one step at a time, for a caller that takes its steps as they come (the page
 * applies a long trace in slices between frames): the same binding, reference and `expect`
 * rules as `replay`, on a state that only `run` moves.
 */
export class Replayer {
  private current: EngineState;
  private readonly bound = new Map<string, number>();
  private index = 0;
  constructor(start: EngineState) {
    this.current = start;
  }

  get state(): EngineState {
    return this.current;
  }

  get bindings(): ReadonlyMap<string, number> {
    return this.bound;
  }

  /** Runs the next step: its report; the state moves on. */
  run(step: ScenarioStep): StepReport {
    const { report, next } = runStep(this.current, step, this.index++, this.bound);
    this.current = next;
    return report;
  }
}

/** The replayer at the scenario's platform (or `options.initialState`), or why the platform does not set up. */
export function startReplay(
  scenario: Pick<ReplayableScenario, 'platform'>,
  options: ReplayOptions = {},
): { ok: true; replayer: Replayer } | { ok: false; setupError: string } {
  try {
    return {
      ok: true,
      replayer: new Replayer(options.initialState ?? createState(scenario.platform ?? {})),
    };
  } catch (e) {
    return { ok: false, setupError: `the platform could not be set up: ${errorText(e)}` };
  }
}

function runStep(
  state: EngineState,
  step: ScenarioStep,
  index: number,
  bindings: Map<string, number>,
): { report: StepReport; next: EngineState } {
  const notes: string[] = [];
  const action = toAction(step, bindings, notes);

  let outcome: Outcome;
  let next: EngineState;
  try {
    const applied = apply(state, action);
    outcome = applied.outcome;
    next = applied.state;
  } catch (e) {
    // An exception is an engine bug, never a kernel answer: report it and go on with the old state.
    notes.push(`the engine threw instead of answering: ${errorText(e)}`);
    return {
      report: {
        index,
        op: step.op,
        ok: false,
        message: `engine error: ${errorText(e)}`,
        matches: false,
        mismatch: 'the engine threw an exception, so the step has no outcome',
        notes,
      },
      next: state,
    };
  }

  if (step.as !== undefined) {
    const id = outcome.ok ? idOf(outcome.result) : undefined;
    if (id !== undefined) bindings.set(step.as, id);
    else if (!outcome.ok) notes.push(`"as": "${step.as}" bound nothing: the step failed`);
    else notes.push(`"as": "${step.as}" bound nothing: the result has no id`);
  }

  const verdict = step.expect ? compareWithExpect(step.expect, outcome, bindings) : undefined;
  const report: StepReport = {
    index,
    op: step.op,
    ok: outcome.ok,
    ...(outcome.ok ? {} : { errno: outcome.errno, rule: outcome.rule }),
    ...(outcome.message !== undefined ? { message: outcome.message } : {}),
    ...(outcome.result !== undefined ? { result: outcome.result } : {}),
    ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
    ...(!outcome.ok && outcome.partial ? { partial: true } : {}),
    matches: verdict === undefined,
    ...(verdict !== undefined ? { mismatch: verdict } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  return { report, next };
}

/** The step as the engine takes it: no `as`/`expect`, `"$name"` replaced by the bound id. */
function toAction(
  step: ScenarioStep,
  bindings: ReadonlyMap<string, number>,
  notes: string[],
): Action {
  const { action, unbound } = resolveStepRefs(step, bindings);
  for (const { field, ref } of unbound) {
    // Left as the string: the engine treats it as an id that does not exist.
    notes.push(
      `${field}: "${ref}" is not bound by an earlier successful step's "as"; the engine saw an id that does not exist`,
    );
  }
  return action;
}

/** A `"$name"` reference that no earlier step bound. */
export interface UnboundRef {
  readonly field: string;
  readonly ref: string;
}

/**
 * A scenario step as the engine takes it: `as` and `expect` dropped, every `"$name"` in an id
 * field replaced by the id `bindings` holds for it. References with no binding stay as the
 * string (the engine treats it as an id that does not exist) and are listed in `unbound`. Pure.
 */
export function resolveStepRefs(
  step: ScenarioStep,
  bindings: ReadonlyMap<string, number>,
): { readonly action: Action; readonly unbound: readonly UnboundRef[] } {
  // One pass and one object: a replay of a million trace steps runs this a million times.
  const fields = step as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const unbound: UnboundRef[] = [];
  for (const key of Object.keys(fields)) {
    if (key === 'as' || key === 'expect') continue;
    const value = fields[key];
    out[key] = value;
    if (!OBJECT_REF_FIELDS.has(key) || typeof value !== 'string' || !value.startsWith('$'))
      continue;
    const id = bindings.get(value.slice(1));
    if (id !== undefined) out[key] = id;
    else unbound.push({ field: key, ref: value });
  }
  return { action: out as unknown as Action, unbound };
}

function idOf(result: ResultRecord | undefined): number | undefined {
  const id = result?.['id'];
  if (typeof id === 'number' && Number.isInteger(id)) return id;
  if (typeof id === 'bigint' && id <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(id);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// expect

/** Undefined when the outcome matches; otherwise a sentence saying what differs. */
export function compareWithExpect(
  expect: Expect,
  outcome: Outcome,
  bindings: ReadonlyMap<string, number>,
): string | undefined {
  if (expect.errno !== undefined) {
    if (outcome.ok) return `expected ${expect.errno}, but the step succeeded`;
    if (outcome.errno !== expect.errno) return `expected ${expect.errno}, got ${outcome.errno}`;
  } else if (expect.ok === true && !outcome.ok) {
    return `expected success, got ${outcome.errno}`;
  }
  if (expect.result === undefined) return undefined;

  const actual = outcome.result;
  for (const [key, want] of Object.entries(expect.result)) {
    if (key === 'pt_same_as' || key === 'pt_not_same_as') {
      const name = typeof want === 'string' && want.startsWith('$') ? want.slice(1) : String(want);
      const bound = bindings.get(name);
      if (bound === undefined)
        return `result.${key}: "${String(want)}" is not bound by an earlier step's "as"`;
      const id = idOf(actual);
      if (id === undefined)
        return `result.${key}: the result has no id to compare with $${name} (${bound})`;
      if (key === 'pt_same_as' && id !== bound)
        return `result.id: expected the same object as $${name} (${bound}), got ${id}`;
      if (key === 'pt_not_same_as' && id === bound)
        return `result.id: expected an object other than $${name}, got the same id ${id}`;
      continue;
    }
    const diff = compareValue(want, actual?.[key], `result.${key}`);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Subset comparison of an expected JSON value with an actual result value: hex/decimal strings
 * against bigints, integers against numbers or bigints, arrays element by element (same length),
 * objects by the listed keys only.
 */
export function compareValue(want: unknown, got: unknown, path: string): string | undefined {
  const differ = () =>
    `${path}: expected ${show(want)}, got ${got === undefined ? 'nothing' : show(got)}`;
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return differ();
    if (got.length !== want.length)
      return `${path}: expected ${want.length} element(s), got ${got.length}: ${show(got)}`;
    for (let i = 0; i < want.length; i++) {
      const d = compareValue(want[i], got[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return differ();
    for (const [k, v] of Object.entries(want as Record<string, Json>)) {
      const d = compareValue(v, (got as Record<string, unknown>)[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (typeof want === 'string') {
    if (typeof got === 'string') return got === want ? undefined : differ();
    if (typeof got === 'bigint' || (typeof got === 'number' && Number.isInteger(got))) {
      const p = parseU64(want);
      return p.ok && p.value === BigInt(got) ? undefined : differ();
    }
    return differ();
  }
  if (typeof want === 'number') {
    if (typeof got === 'number') return got === want ? undefined : differ();
    if (typeof got === 'bigint')
      return Number.isInteger(want) && BigInt(want) === got ? undefined : differ();
    return differ();
  }
  return want === got ? undefined : differ();
}

/** JSON text with bigints as hex strings: how results are shown in messages and --json output. */
export function show(value: unknown): string {
  return JSON.stringify(value, bigintToHex) ?? String(value);
}

export function bigintToHex(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? hex(value) : value;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
