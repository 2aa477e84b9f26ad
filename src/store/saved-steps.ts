import type { Action } from '../core/actions.ts';
import {
  formatLoadError,
  loadValue,
  resolveStepRefs,
  SCENARIO_FORMAT,
  type ScenarioStep,
} from '../core/scenario/index.ts';
import { loadText } from './scenario-files.ts';

/**
 * The user's autosaved actions, read one by one. One step that no longer loads (written by a
 * newer version, damaged, or nested too deep to check) must not take the readable ones with it:
 * those restore, and the unreadable ones are reported by position so the record is kept aside.
 */
export interface SavedSteps {
  readonly actions: readonly Action[];
  /** Where each unreadable step was and why, e.g. `step 3: steps[0].op: unknown op ...`. */
  readonly unreadable: readonly string[];
}

/** A saved step as the engine takes it (saved steps hold ids, never "$name"s). */
function actionOf(step: ScenarioStep): Action {
  return resolveStepRefs(step, NO_BINDINGS).action;
}

const NO_BINDINGS: ReadonlyMap<string, number> = new Map();

export function readSavedSteps(text: string): SavedSteps {
  const whole = loadText(text);
  if (whole.ok && whole.kind === 'scenario')
    return {
      actions: whole.scenario.steps.map((s) => actionOf(s)),
      unreadable: [],
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { actions: [], unreadable: [`the saved actions are not JSON (${String(e)})`] };
  }
  const steps = (value as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps))
    return { actions: [], unreadable: ['the saved actions hold no list of steps'] };
  const actions: Action[] = [];
  const unreadable: string[] = [];
  steps.forEach((step: unknown, i) => {
    // loadValue never throws: a step too deep to check comes back as an error like any other.
    const one = loadValue({ format: SCENARIO_FORMAT, steps: [step] });
    const loaded = one.ok && one.kind === 'scenario' ? one.scenario.steps[0] : undefined;
    if (loaded) actions.push(actionOf(loaded));
    else
      unreadable.push(
        `step ${i + 1}: ${one.ok ? 'not a step' : one.errors.slice(0, 1).map(formatLoadError).join('')}`,
      );
  });
  return { actions, unreadable };
}
