import type { Action } from '../core/actions.ts';
import type { Outcome } from '../core/outcome.ts';

/** One line of the log: a user action with its outcome, or a scenario being opened. */
export type LogEntry =
  | {
      readonly seq: number;
      readonly kind: 'action';
      readonly action: Action;
      readonly outcome: Outcome;
      /** The state changed (success, or a failure where the kernel is not atomic). */
      readonly changed: boolean;
      readonly undone: boolean;
      /** Said under the entry: the action was taken from an earlier step of a replay. */
      readonly note?: string;
    }
  | {
      readonly seq: number;
      readonly kind: 'engine-error';
      readonly action: Action;
      readonly message: string;
      readonly changed: false;
      readonly undone: false;
    }
  | {
      readonly seq: number;
      readonly kind: 'scenario';
      readonly title: string;
      readonly detail: readonly string[];
      readonly changed: true;
      readonly undone: boolean;
    };

export function markUndone(log: readonly LogEntry[], seq: number, undone: boolean): LogEntry[] {
  return log.map((e) => (e.seq === seq && e.kind !== 'engine-error' ? { ...e, undone } : e));
}

/** The log is capped like the history, so a long session does not grow without bound. */
export const LOG_CAP = 1000;

export function appendLog(log: readonly LogEntry[], entry: LogEntry): LogEntry[] {
  const next = [...log, entry];
  return next.length > LOG_CAP ? next.slice(next.length - LOG_CAP) : next;
}
