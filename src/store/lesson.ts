import type { Action } from '../core/actions.ts';
import {
  type Lesson,
  LESSONS,
  lessonById,
  type LessonStep,
  replayLessonThrough,
} from '../core/lessons/index.ts';
import { apply } from '../core/engine.ts';
import type { Outcome } from '../core/outcome.ts';
import type { SavedLesson } from './autosave.ts';
import { compareWithExpect, resolveStepRefs } from '../core/scenario/index.ts';
import { hex, type Range, U64_MAX } from '../core/u64.ts';
import { FULL_VIEW, fitRange, type Viewport } from '../view/viewport/viewport.ts';
import type { AppState, AppStore, LessonPosition } from './app-store.ts';
import { defaultViewRange } from './default-view.ts';
import { provideLessons } from './lesson-catalog.ts';
import type { Change, ViewPatch } from './capture.ts';
import { dispatchChange, openChange } from './workspace-changes.ts';
import { replaySummary, type Snapshot } from './workspace.ts';

/**
 * Guided lessons in the app (DESIGN.md §6): a lesson's scenario opened as the workspace and read
 * step by step. Reading step N shows the engine state before N's action (the actions of steps
 * 0..N-1 replayed through `replayLessonThrough`); "Do it" applies N's action through the store, so
 * the log shows the engine's real outcome. Jumping to a step (prev, the step list, a share link)
 * replays from the platform again, as one history entry.
 *
 * Each gesture is one store intent (its capture is declared in intents.ts), worked out here as a
 * pure change of the state before it. What enters undo history, from what a learner expects:
 * - opening a lesson, a jump and "Reset to this step" replace the workspace: one entry each, and
 *   undo returns to the step (and workspace) the learner came from;
 * - a "Next" that applies the step's action: one entry when the action changes the state; undo
 *   returns to the step with the action pending, on the lesson's path;
 * - "Do it": one entry when the action changes the state, and undo undoes that action. It does not
 *   move the lesson, so undo does not either: the step stays done over a state without its
 *   action, which is departed, with "Reset to this step" offered;
 * - a "Next" that applies nothing (no action, already done, or departed) only turns the page: no
 *   entry, so a later undo still undoes the last action.
 */

/** The lesson and step the state is at, resolved; undefined when no lesson is open. */
function lessonAt(
  s: AppState,
): { lesson: Lesson; step: LessonStep; position: LessonPosition } | undefined {
  const position = s.lesson;
  const lesson = position && lessonById(position.id);
  const step = lesson?.steps[position?.step ?? 0];
  return lesson && step && position ? { lesson, step, position } : undefined;
}

/** The step's action as the engine takes it: `$name` references resolved with the ids the earlier steps bound. */
export function lessonAction(lesson: Lesson, stepIndex: number): Action | undefined {
  const step = lesson.steps[stepIndex];
  if (!step?.action) return undefined;
  return resolveStepRefs(step.action, replayLessonThrough(lesson, stepIndex - 1).bindings).action;
}

/** A field's value as words can compare it: bigints and numbers alike, flags as a set. */
function comparable(v: unknown): string {
  if (typeof v === 'bigint') return `n${v}`;
  if (typeof v === 'number') return `n${v}`;
  if (Array.isArray(v)) {
    const items = v.map((x) => (typeof x === 'string' ? x.trim().toUpperCase() : comparable(x)));
    return `[${(v.every((x) => typeof x === 'string') ? items.sort() : items).join(',')}]`;
  }
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}:${comparable(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** Keys of a scenario step that are not the ioctl's own fields. */
const NOT_FIELDS = new Set(['op', 'expect', 'bind', 'note', 'comment', 'name']);

/**
 * How `action` differs from the step's own action: undefined when it is that action (the same op
 * and every field the step names the same; a field the form fills in by default and the step
 * leaves out does not count), else the differences in words ("iova 0x1000 instead of 0x2000").
 */
export function differenceFromStep(
  lesson: Lesson,
  stepIndex: number,
  action: Action,
): string | undefined {
  const own = lessonAction(lesson, stepIndex);
  if (!own) return 'this step has no action of its own';
  if (own.op !== action.op) return `${action.op} instead of ${own.op}`;
  const mine = action as unknown as Record<string, unknown>;
  const diffs: string[] = [];
  for (const [k, v] of Object.entries(own as unknown as Record<string, unknown>)) {
    if (NOT_FIELDS.has(k) || v === undefined) continue;
    if (comparable(mine[k]) !== comparable(v))
      diffs.push(`${k} ${shown(mine[k])} instead of ${shown(v)}`);
  }
  return diffs.length ? diffs.join(', ') : undefined;
}

function shown(v: unknown): string {
  if (v === undefined) return 'left out';
  if (typeof v === 'bigint') return hex(v);
  if (Array.isArray(v)) return v.join('|') || 'none';
  return String(v);
}

/**
 * An action run while a lesson is open (the Actions form, the CLI-like log): when it is the
 * step's own action over the lesson's state, it does the step, as "Do it" would; anything else
 * is an ordinary run (undefined), which leaves the lesson's path.
 */
export function dispatchInLessonChange(
  s: AppState,
  action: Action,
): Change<Outcome | undefined> | undefined {
  const cur = lessonAt(s);
  if (!cur || cur.position.done || s.history?.present !== cur.position.synced) return undefined;
  if (differenceFromStep(cur.lesson, cur.step.index, action) !== undefined) return undefined;
  return doLessonStepChange(s);
}

/** Undefined when the outcome is the one the lesson expects; otherwise what differs. */
export function lessonMismatch(
  lesson: Lesson,
  stepIndex: number,
  outcome: Outcome,
): string | undefined {
  const expect = lesson.steps[stepIndex]?.action?.expect;
  if (!expect) return undefined;
  return compareWithExpect(expect, outcome, replayLessonThrough(lesson, stepIndex).bindings);
}

/** A range with a sixteenth of its length added on each side (clamped to the space), so its edges are not the screen's. */
export function withMargin(r: Range): Range {
  const pad = (r.last - r.start + 1n) / 16n;
  return {
    start: r.start > pad ? r.start - pad : 0n,
    last: U64_MAX - r.last > pad ? r.last + pad : U64_MAX,
  };
}

/**
 * The view a step asks for, fitted with a margin. A range that reaches an end of the space (0 or
 * 2^64 - 1) is fitted exactly: that end is the natural edge of the screen, with nothing beyond it.
 */
export function stepViewport(view: Range): Viewport {
  if (view.start === 0n && view.last === U64_MAX) return FULL_VIEW;
  if (view.start === 0n || view.last === U64_MAX) return fitRange(view);
  return fitRange(withMargin(view));
}

/** The map on a step's view: the uncompressed axis, fitted to it. */
function stepViewPatch(view: Range | undefined): ViewPatch {
  return view ? { compressed: false, viewport: stepViewport(view) } : {};
}

export interface LessonOpening {
  /** The narrative step (0 = the start); out of range opens the nearest step, with a notice. */
  readonly step?: number;
  /** Fit the workspace when the step has no view of its own. */
  readonly fit?: boolean;
  /** A side tab to bring to the front with it. */
  readonly tab?: string;
}

/**
 * Opening lesson `id` at a narrative step: the lesson's scenario cut to the actions before that
 * step, replayed, as ONE history entry, with the map on the step's view (or the workspace fitted
 * when `fit` and the step has none). False, with a notice, for an unknown id.
 */
export function openLessonChange(
  s: AppState,
  id: string,
  { step = 0, fit = true, tab }: LessonOpening = {},
): Change<boolean> {
  const lesson = lessonById(id);
  if (!lesson)
    return {
      patch: {
        notice: {
          kind: 'error',
          text: `there is no lesson "${id}" (known: ${LESSONS.map((l) => l.id).join(', ')})`,
        },
      },
      result: false,
    };
  const last = lesson.steps.length - 1;
  const at = Math.max(0, Math.min(last, Math.trunc(Number.isFinite(step) ? step : 0)));
  const report = replayLessonThrough(lesson, at - 1);
  if (report.setupError !== undefined)
    return {
      patch: { notice: { kind: 'error', text: `lesson ${id}: ${report.setupError}` } },
      result: false,
    };
  const count = report.steps.length;
  const scenario = { ...lesson.scenario, steps: lesson.scenario.steps.slice(0, count) };
  const whole = count === lesson.scenario.steps.length;
  const opened = openChange(
    s,
    { ok: true, scenario, state: report.state, ...replaySummary(report.steps) },
    whole ? lesson.id : undefined,
    `lesson “${lesson.title}”, step ${at + 1} of ${last + 1}`,
  );
  const view = lesson.steps[at]?.view;
  const fitted = !view && fit ? defaultViewRange(opened.commit) : undefined;
  return {
    commit: opened.commit,
    patch: {
      ...opened.patch,
      lesson: { id: lesson.id, step: at, synced: opened.commit },
      // A run before the page turned is no answer to this step (LessonsPanel OffPath).
      lastRun: undefined,
      ...stepViewPatch(view),
      ...(fitted ? { viewport: fitRange(fitted) } : {}),
      ...(at !== step
        ? {
            notice: {
              kind: 'error' as const,
              text: `lesson ${id} has steps 1 to ${last + 1}: opened step ${at + 1}`,
            },
          }
        : {}),
      ...(tab !== undefined ? { tabRequest: { tab } } : {}),
    },
    result: true,
  };
}

/** Another step of the open lesson, replayed from the platform ("Reset to this step" is the same one). */
export function goToLessonStepChange(s: AppState, step: number): Change<boolean> {
  const pos = s.lesson;
  return pos ? openLessonChange(s, pos.id, { step, fit: false }) : { result: false };
}

/** The current step's action applied to the present (never to a replay step being viewed). */
function applyStepAction(
  s: AppState,
  lesson: Lesson,
  step: LessonStep,
  position: LessonPosition,
): { change: Change<Outcome | undefined>; synced: Snapshot | undefined } | undefined {
  const action = lessonAction(lesson, step.index);
  if (!action) return undefined;
  const change = dispatchChange({ ...s, stepView: undefined }, action);
  // In the lesson's state, the state the action leads to is the lesson's next state.
  const inSync = s.history?.present === position.synced;
  return { change, synced: inSync && change.commit ? change.commit : position.synced };
}

/**
 * "Do it": applies the current step's action through the engine, exactly as the Actions forms do,
 * so the log holds the engine's answer (errno, message, rule) and the map changes. Its result is
 * the outcome (undefined when no lesson or action, or when the engine could not run it).
 */
export function doLessonStepChange(s: AppState): Change<Outcome | undefined> {
  const cur = lessonAt(s);
  if (!cur || cur.position.done) return { result: undefined };
  const applied = applyStepAction(s, cur.lesson, cur.step, cur.position);
  if (!applied) return { result: undefined };
  const { change, synced } = applied;
  return {
    ...change,
    patch: {
      stepView: undefined,
      ...change.patch,
      lesson: { ...cur.position, synced, done: { outcome: change.result } },
    },
  };
}

/**
 * "Next": applies the current step's action first when it is pending and the state is still the
 * lesson's (the log shows its outcome, the panel repeats it), then shows the next step and its view.
 * Away from the lesson's state it only turns the page; "reset to this step" brings the state back.
 */
export function nextLessonStepChange(s: AppState): Change {
  const cur = lessonAt(s);
  if (!cur || cur.step.index >= cur.lesson.steps.length - 1) return { result: undefined };
  const { lesson, step, position } = cur;
  const departed = s.history?.present !== position.synced;
  const applied =
    !departed && step.action && !position.done
      ? applyStepAction(s, lesson, step, position)
      : undefined;
  const outcome = applied ? applied.change.result : position.done?.outcome;
  const previous =
    applied || (position.done && step.action) ? { step: step.index, outcome } : undefined;
  const next = step.index + 1;
  return {
    ...(applied?.change.commit ? { commit: applied.change.commit } : {}),
    patch: {
      ...(applied ? { stepView: undefined, ...applied.change.patch } : {}),
      lesson: {
        id: position.id,
        step: next,
        synced: applied ? applied.synced : position.synced,
        ...(previous ? { previous } : {}),
      },
      lastRun: undefined,
      ...stepViewPatch(lesson.steps[next]?.view),
    },
    result: undefined,
  };
}

/**
 * The lesson a restored workspace was saved in (autosave.ts SavedLesson), at its step, over the
 * workspace as it was restored: in the lesson's state when it was saved in it, else departed
 * from it ("Reset to this step" offered, as before the reload). A step whose action had been
 * applied is done again with the outcome that action had: the engine is deterministic, so it is
 * the outcome of the action over the lesson's state before it. False for an unknown lesson.
 */
export function resumeLessonChange(s: AppState, saved: SavedLesson): Change<boolean> {
  const lesson = lessonById(saved.id);
  const present = s.history?.present;
  if (!lesson || !present) return { result: false };
  const step = Math.min(saved.step, lesson.steps.length - 1);
  // Departed: no present is the state the lesson put there.
  const synced = saved.inSync ? present : undefined;
  const action = saved.done ? lessonAction(lesson, step) : undefined;
  const done = saved.done
    ? {
        outcome: action
          ? apply(replayLessonThrough(lesson, step - 1).state, action).outcome
          : undefined,
      }
    : undefined;
  return {
    patch: { lesson: { id: lesson.id, step, synced, ...(done ? { done } : {}) } },
    result: true,
  };
}

/**
 * Opens lesson `id` at narrative step `step` (0 = the start) as ONE history entry and one store
 * update. False, with a notice, for an unknown id.
 */
export function openLesson(store: AppStore, id: string, step = 0, fit = true): boolean {
  return store.getState().openLesson(id, { step, fit });
}

/** Jumps to another step of the open lesson (replayed from the platform). */
export function goToLessonStep(store: AppStore, step: number): boolean {
  return store.getState().goToLessonStep(step);
}

/** Back to the state the lesson expects at the current step ("reset to this step"). */
export function resetLessonStep(store: AppStore): boolean {
  const pos = store.getState().lesson;
  return pos ? store.getState().goToLessonStep(pos.step) : false;
}

/** "Do it" (see `doLessonStepChange`): the outcome of the step's action. */
export function doLessonStep(store: AppStore): Outcome | undefined {
  return store.getState().doLessonStep();
}

/** "Next" (see `nextLessonStepChange`). */
export function nextLessonStep(store: AppStore): void {
  store.getState().nextLessonStep();
}

/** "Previous": the state before the previous step's action, replayed. */
export function previousLessonStep(store: AppStore): void {
  const pos = store.getState().lesson;
  if (pos && pos.step > 0) goToLessonStep(store, pos.step - 1);
}

/** Leaves the lesson (the workspace stays as it is). */
export function closeLesson(store: AppStore): void {
  store.getState().closeLesson();
}

// The store's lesson intents (intents.ts) and the links that open a lesson find it through the
// catalog, which loads this module apart from the first view.
provideLessons({
  lessons: LESSONS,
  lessonById,
  openLessonChange,
  goToLessonStepChange,
  doLessonStepChange,
  nextLessonStepChange,
  resumeLessonChange,
  dispatchInLessonChange,
});
