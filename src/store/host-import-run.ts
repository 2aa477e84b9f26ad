import type { AppStore } from './app-store.ts';
import { rememberFindings } from './findings-memo.ts';
import { rememberHostText } from './host-codec.ts';
import type { BuildOptions, HostContext, ImportInput } from './host-import.ts';
import type { ImportChecks } from './import-jobs.ts';
import { CancelledError, type ImportReader } from './import-reader.ts';
import { unpackSteps } from './packed-import.ts';
import { rememberScenarioText } from './scenario-text.ts';
import { importNotOpened, openImported } from './session.ts';
import { openedReplay, replayInSlices } from './sliced-replay.ts';

/**
 * A host import too big to read and replay in one go ("Debug a real host" with a long QEMU
 * trace): the worker builds it (reading the trace again with its container setup) and posts the
 * steps as columns; the page applies them in slices with the progress shown; the worker works out
 * the findings and the autosave's texts meanwhile. The workspace is committed once, at the end,
 * as ONE undo entry; until then the store is not touched, so Cancel at any point leaves the
 * workspace exactly as it was.
 */

export interface ImportProgress {
  readonly phase: 'reading' | 'applying' | 'checking';
  /** Trace lines read, and the fraction of the text. */
  readonly lines: number;
  readonly fraction: number;
  /** Steps applied of all the import's steps. */
  readonly applied: number;
  readonly steps: number;
}

export type ImportRun =
  | { readonly kind: 'done' }
  | { readonly kind: 'cancelled' }
  /** The import could not be built or opened: why (the workspace is as it was). */
  | { readonly kind: 'refused'; readonly error: string };

export interface RunControl {
  readonly signal: AbortSignal;
  readonly yieldToPage: () => Promise<void>;
  readonly onProgress?: (p: ImportProgress) => void;
  readonly now?: () => number;
  readonly sliceMs?: number;
}

export async function runHostImport(
  store: AppStore,
  reader: ImportReader,
  inputs: readonly ImportInput[],
  options: Omit<BuildOptions, 'onLines'>,
  control: RunControl,
): Promise<ImportRun> {
  const { signal } = control;
  if (signal.aborted) return { kind: 'cancelled' };
  let progress: ImportProgress = {
    phase: 'reading',
    lines: 0,
    fraction: 0,
    applied: 0,
    steps: 0,
  };
  const tell = (p: Partial<ImportProgress>) => {
    progress = { ...progress, ...p };
    control.onProgress?.(progress);
  };
  // The worker's jobs end with the import: a cancel ends the worker.
  const onAbort = () => reader.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    tell({});
    const built = await reader.build(inputs, options, (lines, fraction) =>
      tell({ lines, fraction }),
    );
    if (!built.result.ok) return { kind: 'refused', error: built.result.error };
    const { plan, steps } = built.result.packed;
    tell({ phase: 'applying', fraction: 1, steps: steps.count });
    const source = unpackSteps(steps);
    const replayed = await replayInSlices(plan.scenario.platform, source, {
      yieldToPage: control.yieldToPage,
      signal,
      onApplied: (applied) => tell({ applied }),
      ...(control.now ? { now: control.now } : {}),
      ...(control.sliceMs !== undefined ? { sliceMs: control.sliceMs } : {}),
    });
    if (replayed.kind === 'cancelled') return { kind: 'cancelled' };
    if (replayed.kind === 'setup-error') {
      reader.cancel();
      importNotOpened(store, [{ path: 'platform', message: replayed.message }]);
      return { kind: 'refused', error: `the import could not be opened: ${replayed.message}` };
    }
    tell({ phase: 'checking' });
    let checks: ImportChecks | undefined;
    try {
      checks = await built.checks;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      // The worker failed at it: the findings tab works them out on the page when it asks.
      checks = undefined;
    }
    if (signal.aborted) return { kind: 'cancelled' };
    const scenario = { ...plan.scenario, steps: replayed.steps };
    const host: HostContext = {
      ...plan.host,
      steps: source.hostSteps,
      stepLines: source.hostLines,
    };
    if (checks) {
      rememberFindings(scenario, host, checks.findings);
      rememberScenarioText(scenario, checks.scenarioText);
      rememberHostText(host, checks.hostText);
    }
    openImported(store, openedReplay(scenario, replayed), { ...plan, scenario, host });
    return { kind: 'done' };
  } catch (e) {
    if (e instanceof CancelledError) return { kind: 'cancelled' };
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
