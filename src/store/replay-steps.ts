import { replay, type Scenario, type ScenarioStep, type StepReport } from '../core/scenario/index.ts';
import type { EngineState } from '../core/state.ts';

/**
 * A scenario's steps as a timeline: the engine state before any step and after each one, with
 * each step's report, for stepping through a replay in the log. Built in one pass (each step is
 * replayed from the state the previous one left, its `$name` references resolved from the ids
 * earlier steps bound with "as"); states share structure, so keeping all of them is cheap.
 * Memoised per scenario object.
 */
export interface ReplayTimeline {
  /** states[k] is the state after the first k steps; states[0] is the platform alone. */
  readonly states: readonly EngineState[];
  readonly reports: readonly StepReport[];
}

const cache = new WeakMap<Scenario, ReplayTimeline | null>();

/** Step fields that hold object ids and may be written "$name" (as the replay reads them). */
const REF_FIELDS: ReadonlySet<string> = new Set(['container', 'fd', 'ioas', 'src_ioas', 'dst_ioas', 'dev', 'pt', 'id', 'object_id']);

function resolveRefs(step: ScenarioStep, bindings: ReadonlyMap<string, number>): ScenarioStep {
  const out: Record<string, unknown> = { ...step };
  for (const [key, value] of Object.entries(step)) {
    if (!REF_FIELDS.has(key) || typeof value !== 'string' || !value.startsWith('$')) continue;
    const id = bindings.get(value.slice(1));
    if (id !== undefined) out[key] = id;
  }
  return out as unknown as ScenarioStep;
}

export function timelineOf(scenario: Scenario): ReplayTimeline | undefined {
  const hit = cache.get(scenario);
  if (hit !== undefined) return hit ?? undefined;
  const start = replay({ ...(scenario.platform ? { platform: scenario.platform } : {}), steps: [] });
  if (start.setupError !== undefined) {
    cache.set(scenario, null);
    return undefined;
  }
  const states: EngineState[] = [start.state];
  const reports: StepReport[] = [];
  const bindings = new Map<string, number>();
  let state = start.state;
  scenario.steps.forEach((step, index) => {
    const r = replay({ ...(scenario.platform ? { platform: scenario.platform } : {}), steps: [resolveRefs(step, bindings)] }, { initialState: state });
    for (const [k, v] of r.bindings) bindings.set(k, v);
    state = r.state;
    states.push(state);
    const report = r.steps[0];
    if (report) reports.push({ ...report, index });
  });
  const t = { states, reports };
  cache.set(scenario, t);
  return t;
}
