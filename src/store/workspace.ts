import type { Action } from '../core/actions.ts';
import { apply } from '../core/engine.ts';
import type { Outcome } from '../core/outcome.ts';
import {
  type LoadError,
  load,
  replay,
  save,
  type Scenario,
  SCENARIO_FORMAT,
  type ScenarioStep,
  type StepReport,
} from '../core/scenario/index.ts';
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

/**
 * The core loader reports bad input as errors; anything it throws all the same (a stack
 * overflow on deeply nested input) becomes one error here, so a file never breaks the page.
 */
export function loadText(text: string): ReturnType<typeof load> {
  try {
    return load(text);
  } catch (e) {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `the file could not be read (${e instanceof Error ? e.message : String(e)})`,
        },
      ],
    };
  }
}

/** Scenario text read with the core loader: one scenario, or why not (a conformance file is not one). */
export function loadScenarioText(
  text: string,
):
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly errors: readonly LoadError[] } {
  const loaded = loadText(text);
  if (!loaded.ok) return loaded;
  if (loaded.kind !== 'scenario') {
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `this is a conformance file (${loaded.scenarios.length} scenarios), not a scenario: replay it with the CLI, or open one scenario file`,
        },
      ],
    };
  }
  return { ok: true, scenario: loaded.scenario };
}

/** Loads scenario text with the core loader and replays its steps through the engine. */
export function openScenarioText(text: string): OpenResult {
  const loaded = loadScenarioText(text);
  return loaded.ok ? openScenario(loaded.scenario) : loaded;
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

export function workspaceText(s: Snapshot): string {
  return save(workspaceScenario(s));
}

/** The user's steps alone, as a scenario file with no platform (autosave keeps them apart). */
export function userStepsText(steps: readonly Action[]): string {
  return save({ format: SCENARIO_FORMAT, steps: steps as unknown as ScenarioStep[] });
}
