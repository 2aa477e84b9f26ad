import type { Action } from '../core/actions.ts';
import { apply } from '../core/engine.ts';
import type { Outcome } from '../core/outcome.ts';
import { SCENARIO_FORMAT } from '../core/scenario/format.ts';
import type { LoadError } from '../core/scenario/load-error.ts';
import { replay, type StepReport } from '../core/scenario/replay.ts';
import type { Scenario, ScenarioStep } from '../core/scenario/schema.ts';
import type { EngineState } from '../core/state.ts';
import type { HostContext } from './host-import.ts';

/**
 * A workspace is a scenario (platform, guest layout, its own steps) plus the actions the user
 * applied on top. Each undo entry is one immutable snapshot of it: the engine's states share
 * structure, so a snapshot is cheap.
 */
export interface Snapshot {
  readonly scenario: Scenario;
  /** Set while the workspace is a built-in scenario, so a share link can name it by id. */
  readonly builtinId: string | undefined;
  readonly state: EngineState;
  /** Successful user actions after the scenario's own steps, in order. */
  readonly userSteps: readonly Action[];
  /** The log entry that produced this snapshot (undo marks it undone). */
  readonly logSeq: number;
  /** The log entry that opened its scenario (the replay's steps are listed under it). */
  readonly scenarioSeq?: number;
  /** Set when the workspace came from "Debug a real host": host facts, placed lines, the trace. */
  readonly host?: HostContext;
}

export type OpenResult =
  | {
      readonly ok: true;
      readonly scenario: Scenario;
      readonly state: EngineState;
      /** How many steps were replayed, and the reports of those whose outcome did not match. */
      readonly replayed: number;
      readonly mismatched: readonly StepReport[];
    }
  | { readonly ok: false; readonly errors: readonly LoadError[] };

/**
 * What opening keeps of a replay's reports: the count and the ones not as expected. A workspace
 * of a million trace steps would otherwise hold a million reports, which the log never shows
 * (stepping through the replay reads them again, replay-steps.ts).
 */
export function replaySummary(
  reports: readonly StepReport[],
): Pick<Extract<OpenResult, { ok: true }>, 'replayed' | 'mismatched'> {
  return { replayed: reports.length, mismatched: reports.filter((r) => !r.matches) };
}

export function openScenario(scenario: Scenario): OpenResult {
  const report = replay(scenario);
  if (report.setupError !== undefined)
    return { ok: false, errors: [{ path: 'platform', message: report.setupError }] };
  return { ok: true, scenario, state: report.state, ...replaySummary(report.steps) };
}

/** The outcome of one user action; an engine exception is reported, never thrown at the UI. */
export type ActionResult =
  | { readonly kind: 'outcome'; readonly outcome: Outcome; readonly state: EngineState }
  | { readonly kind: 'engine-error'; readonly message: string };

export function runAction(state: EngineState, action: Action): ActionResult {
  try {
    const applied = apply(state, action);
    return { kind: 'outcome', outcome: applied.outcome, state: applied.state };
  } catch (e) {
    return { kind: 'engine-error', message: e instanceof Error ? e.message : String(e) };
  }
}

/** The dry run the action forms show while the user types. */
export function dryRunAction(state: EngineState, action: Action): ActionResult {
  return runAction(state, action);
}

/** The whole workspace as one scenario file: its steps followed by the user's. */
export function workspaceScenario(s: Snapshot): Scenario {
  return {
    ...s.scenario,
    format: SCENARIO_FORMAT,
    steps: [...s.scenario.steps, ...(s.userSteps as unknown as ScenarioStep[])],
  };
}
