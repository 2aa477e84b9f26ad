import type { Action } from '../core/actions.ts';
import { SCENARIO_FORMAT } from '../core/scenario/format.ts';
import type { LoadError } from '../core/scenario/load-error.ts';
import { load, save } from '../core/scenario/load.ts';
import type { Scenario, ScenarioStep } from '../core/scenario/schema.ts';
import { type OpenResult, openScenario, type Snapshot, workspaceScenario } from './workspace.ts';

/**
 * Scenario files read and written through the schema (zod). The first view does without them: it
 * opens the default scenario from its prebuilt form (scenarios/builtin.ts), so this module and
 * zod load the first time a file, a link, a restore or a save needs them (load-scenario-files.ts).
 */

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

/** The scenario as its file text. */
export function scenarioFileText(scenario: Scenario): string {
  return save(scenario);
}

/** The whole workspace as one scenario file's text: its steps followed by the user's. */
export function workspaceText(s: Snapshot): string {
  return save(workspaceScenario(s));
}

/** The user's steps alone, as a scenario file with no platform (autosave keeps them apart). */
export function userStepsText(steps: readonly Action[]): string {
  return save({ format: SCENARIO_FORMAT, steps: steps as unknown as ScenarioStep[] });
}
