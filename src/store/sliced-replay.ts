import { startReplay, type StepReport } from '../core/scenario/replay.ts';
import type { Scenario, ScenarioStep } from '../core/scenario/schema.ts';
import type { EngineState } from '../core/state.ts';
import type { OpenResult } from './workspace.ts';

/**
 * A scenario replay on the page in slices: steps run until a slice's time is up, then the page
 * gets its turn (input, paint, the progress bar) before the next slice. Nothing is kept in the
 * store while it runs: the caller commits the result as ONE workspace (one undo entry) at the
 * end, so a cancelled replay leaves the workspace exactly as it was. The replay rules are the
 * core's (Replayer): the same answers as `replay()` in one go.
 */

/**
 * Where the steps come from, one at a time: the next step to replay, null for an entry read that
 * is not replayed (an import's trace steps kept only for the findings), undefined at the end.
 * `total` counts both.
 */
export interface StepSource {
  readonly total: number;
  next(): ScenarioStep | null | undefined;
}

export interface SliceControl {
  /** Gives the page its turn between slices (a task boundary: see yield-to-page.ts). */
  readonly yieldToPage: () => Promise<void>;
  /** Aborted: the replay stops at the end of the slice it is in. */
  readonly signal?: AbortSignal | undefined;
  readonly now?: () => number;
  /** How long one slice may run, in ms: well under a frame, so input and paint keep up. */
  readonly sliceMs?: number;
  /** After each slice: entries of the source read (and applied) and its total. */
  readonly onApplied?: (applied: number, total: number) => void;
}

export type SlicedReplay =
  | {
      readonly kind: 'done';
      /** The steps replayed, in order (the workspace scenario's steps). */
      readonly steps: ScenarioStep[];
      readonly state: EngineState;
      /** The reports of the steps whose outcome did not match (workspace.ts replaySummary). */
      readonly mismatched: readonly StepReport[];
    }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'setup-error'; readonly message: string };

/** A finished replay as the workspace opens it: the scenario with the steps replayed. */
export function openedReplay(
  scenario: Scenario,
  replayed: Extract<SlicedReplay, { kind: 'done' }>,
): Extract<OpenResult, { ok: true }> {
  return {
    ok: true,
    scenario,
    state: replayed.state,
    replayed: replayed.steps.length,
    mismatched: replayed.mismatched,
  };
}

export const SLICE_MS = 8;
/** Steps between looks at the clock: a step is a few µs, a look at the clock is not free. */
const STEPS_PER_LOOK = 32;

export async function replayInSlices(
  platform: Scenario['platform'],
  source: StepSource,
  control: SliceControl,
): Promise<SlicedReplay> {
  const started = startReplay({ platform });
  if (!started.ok) return { kind: 'setup-error', message: started.setupError };
  const replayer = started.replayer;
  const now = control.now ?? (() => performance.now());
  const sliceMs = control.sliceMs ?? SLICE_MS;
  const steps: ScenarioStep[] = [];
  // Only the reports not as expected are kept: a million of them held the heap so full that a
  // garbage collection in the middle of a slice took 400 ms (1M-line bench: 95 ms without).
  const mismatched: StepReport[] = [];
  let read = 0;
  for (;;) {
    if (control.signal?.aborted) return { kind: 'cancelled' };
    const t0 = now();
    let more = true;
    while (more && now() - t0 < sliceMs) {
      for (let k = 0; k < STEPS_PER_LOOK; k++) {
        const step = source.next();
        if (step === undefined) {
          more = false;
          break;
        }
        read++;
        if (step === null) continue;
        steps.push(step);
        const report = replayer.run(step);
        if (!report.matches) mismatched.push(report);
      }
    }
    control.onApplied?.(read, source.total);
    if (!more) break;
    await control.yieldToPage();
  }
  return { kind: 'done', steps, state: replayer.state, mismatched };
}
