import { replaySteps, type StepReport } from '../core/scenario/replay.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import type { EngineState } from '../core/state.ts';

/**
 * A scenario's steps as a timeline: the engine state before any step and after each one, with
 * each step's report, for stepping through a replay in the log. Read in one pass from the core's
 * step-by-step replay (which binds `as` names and resolves `$name` references); states share
 * structure, so keeping all of them is cheap. Memoised per scenario object.
 */
export interface ReplayTimeline {
  /** states[k] is the state after the first k steps; states[0] is the platform alone. */
  readonly states: readonly EngineState[];
  readonly reports: readonly StepReport[];
}

const cache = new WeakMap<Scenario, ReplayTimeline | null>();

export function timelineOf(scenario: Scenario): ReplayTimeline | undefined {
  const hit = cache.get(scenario);
  if (hit !== undefined) return hit ?? undefined;
  const states: EngineState[] = [];
  const reports: StepReport[] = [];
  for (const item of replaySteps(scenario)) {
    if (item.kind === 'setup-error') {
      cache.set(scenario, null);
      return undefined;
    }
    states.push(item.state);
    if (item.kind === 'step') reports.push(item.report);
  }
  const t = { states, reports };
  cache.set(scenario, t);
  return t;
}
