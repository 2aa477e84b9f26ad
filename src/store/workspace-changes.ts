import type { Action } from '../core/actions.ts';
import type { Outcome } from '../core/outcome.ts';
import type { AppState } from './app-store.ts';
import type { Change } from './capture.ts';
import type { HostContext } from './host-import.ts';
import { appendLog, type LogEntry } from './log.ts';
import { type OpenResult, runAction, type Snapshot } from './workspace.ts';

/**
 * The two changes that make a new workspace present, as pure functions of the state before them,
 * so a lesson gesture can add its own view state and still apply in one store update.
 */

/** A scenario (already loaded and replayed) opened as the workspace. */
export function openChange(
  s: AppState,
  opened: Extract<OpenResult, { ok: true }>,
  builtinId: string | undefined,
  title: string,
  host?: HostContext,
): Change & { readonly commit: Snapshot } {
  const entrySeq = s.seq + 1;
  const failed = opened.mismatched;
  const detail = [
    `${opened.replayed} step(s) replayed${failed.length ? `, ${failed.length} not as expected` : ''}`,
    ...failed.map((r) =>
      `step ${r.index} ${r.op}: ${r.errno ?? ''} ${r.message ?? ''} ${r.mismatch ? `(${r.mismatch})` : ''}`.trim(),
    ),
  ];
  const snapshot: Snapshot = {
    scenario: opened.scenario,
    builtinId,
    state: opened.state,
    userSteps: [],
    logSeq: entrySeq,
    scenarioSeq: entrySeq,
    ...(host ? { host } : {}),
  };
  return {
    commit: snapshot,
    patch: {
      stepView: undefined,
      // Another workspace ends the lesson; a lesson opening sets it again in the same update.
      lesson: undefined,
      focus: undefined,
      explained: [],
      log: appendLog(s.log, {
        seq: entrySeq,
        kind: 'scenario',
        title,
        detail,
        changed: true,
        undone: false,
      }),
      selection: undefined,
      seq: entrySeq,
    },
    result: undefined,
  };
}

/**
 * One action through the engine, from the replay step viewed if any: a log entry always, a new
 * workspace only when the state changed. The outcome is undefined when the engine could not run it.
 */
export function dispatchChange(s: AppState, action: Action): Change<Outcome | undefined> {
  const { history, log, seq, stepView } = s;
  if (!history) return { result: undefined };
  const present = history.present;
  const entrySeq = seq + 1;
  const from = stepView?.of === present ? stepView : undefined;
  const r = runAction(from ? from.shown.state : present.state, action);
  if (r.kind === 'engine-error') {
    return {
      patch: {
        log: appendLog(log, {
          seq: entrySeq,
          kind: 'engine-error',
          action,
          message: r.message,
          changed: false,
          undone: false,
        }),
        seq: entrySeq,
      },
      result: undefined,
    };
  }
  const changed = r.state !== (from ? from.shown.state : present.state);
  const dropped = from ? from.total - from.step + present.userSteps.length : 0;
  const note =
    from && dropped > 0
      ? `taken at step ${from.step} of ${from.total}: the ${dropped} later step(s) and action(s) are dropped from the workspace (undo brings them back)`
      : undefined;
  const entry: LogEntry = {
    seq: entrySeq,
    kind: 'action',
    action,
    outcome: r.outcome,
    changed,
    undone: false,
    ...(note && changed ? { note } : {}),
  };
  if (!changed)
    return {
      patch: {
        log: appendLog(log, entry),
        seq: entrySeq,
        lastRun: { action, outcome: r.outcome, on: from ? from.shown : present },
      },
      result: r.outcome,
    };
  const next: Snapshot = from
    ? {
        ...present,
        // The scenario up to the viewed step; a built-in scenario cut short is no longer that built-in.
        scenario: { ...present.scenario, steps: present.scenario.steps.slice(0, from.step) },
        builtinId: from.step === from.total ? present.builtinId : undefined,
        state: r.state,
        userSteps: [action],
        logSeq: entrySeq,
      }
    : {
        ...present,
        state: r.state,
        userSteps: [...present.userSteps, action],
        logSeq: entrySeq,
      };
  return {
    commit: next,
    patch: {
      log: appendLog(log, entry),
      seq: entrySeq,
      stepView: undefined,
      lastRun: { action, outcome: r.outcome, on: next },
    },
    result: r.outcome,
  };
}
