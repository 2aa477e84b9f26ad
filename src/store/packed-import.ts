import {
  type DmaStep,
  type StepColumns,
  StepColumnsReader,
  StepColumnsWriter,
} from '../core/importers/step-columns.ts';
import type { ImportedStep } from '../core/importers/types.ts';
import type { ScenarioStep } from '../core/scenario/index.ts';
import type { HostImportPlan } from './host-import.ts';
import type { StepSource } from './sliced-replay.ts';

/**
 * A host import plan as a worker sends it to the page: the plan with its steps left out, and the
 * steps once, as columns (step-columns.ts). A plan lists a trace's DMA steps twice, as scenario
 * steps (replayed into the workspace) and as the host context's (replayed again by the
 * findings): each is written once, tagged with the lists it belongs to, and read back into both
 * lists as one object.
 */

type AnyStep = ScenarioStep | ImportedStep;

/** The step is one of the scenario's steps. */
const IN_SCENARIO = 1;
/** The step is one of the host context's trace steps (with its trace line). */
const IN_HOST = 2;

export interface PackedImport {
  /** The plan with `scenario.steps`, `host.steps` and `host.stepLines` empty. */
  readonly plan: HostImportPlan;
  readonly steps: StepColumns<AnyStep>;
}

function sameStep(a: AnyStep, b: AnyStep): boolean {
  const x = a as Partial<DmaStep>;
  const y = b as Partial<DmaStep>;
  return (
    x.op === y.op &&
    x.container === y.container &&
    x.iova === y.iova &&
    x.size === y.size &&
    x.vaddr === y.vaddr &&
    x.flags?.length === y.flags?.length &&
    (x.flags ?? []).every((f, i) => y.flags?.[i] === f)
  );
}

/**
 * A scenario's steps and a host context's trace steps (with their lines) as one set of columns:
 * the scenario's DMA steps are the host context's, in order, when the trace is replayed (and
 * there are none when it is not), so each is matched with the next host step.
 */
export function packSteps(
  scenarioSteps: readonly ScenarioStep[],
  hostSteps: readonly ImportedStep[],
  lines: readonly number[],
): StepColumns<AnyStep> {
  const w = new StepColumnsWriter<AnyStep>();
  let h = 0;
  for (const s of scenarioSteps) {
    const next = hostSteps[h];
    if (next !== undefined && sameStep(next, s)) {
      w.push(s, IN_SCENARIO | IN_HOST, lines[h] ?? 0);
      h++;
    } else {
      w.push(s, IN_SCENARIO);
    }
  }
  for (; h < hostSteps.length; h++) w.push(hostSteps[h] as ImportedStep, IN_HOST, lines[h] ?? 0);
  return w.finish();
}

export function packImport(plan: HostImportPlan): PackedImport {
  return {
    plan: {
      ...plan,
      scenario: { ...plan.scenario, steps: [] },
      host: { ...plan.host, steps: [], stepLines: [] },
    },
    steps: packSteps(plan.scenario.steps, plan.host.steps, plan.host.stepLines),
  };
}

/** The packed steps as a replay source; the host context's steps and lines fill in as it reads. */
export function unpackSteps(
  steps: StepColumns<AnyStep>,
): StepSource & { readonly hostSteps: ImportedStep[]; readonly hostLines: number[] } {
  const reader = new StepColumnsReader(steps);
  const hostSteps: ImportedStep[] = [];
  const hostLines: number[] = [];
  return {
    total: steps.count,
    hostSteps,
    hostLines,
    next() {
      if (reader.done) return undefined;
      const step = reader.next();
      if (reader.tag & IN_HOST) {
        hostSteps.push(step as ImportedStep);
        hostLines.push(reader.line);
      }
      return reader.tag & IN_SCENARIO ? (step as ScenarioStep) : null;
    },
  };
}
