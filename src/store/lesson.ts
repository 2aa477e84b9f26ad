import type { Action } from '../core/actions.ts';
import {
  type Lesson,
  LESSONS,
  lessonById,
  type LessonStep,
  replayLessonThrough,
} from '../core/lessons/index.ts';
import type { Outcome } from '../core/outcome.ts';
import { compareWithExpect, resolveStepRefs } from '../core/scenario/index.ts';
import { type Range, U64_MAX } from '../core/u64.ts';
import { FULL_VIEW, fitRange, type Viewport } from '../view/viewport/viewport.ts';
import type { AppStore } from './app-store.ts';
import { defaultViewRange } from './default-view.ts';

/**
 * Guided lessons in the app (DESIGN.md §6): a lesson's scenario opened as the workspace and read
 * step by step. Reading step N shows the engine state before N's action (the actions of steps
 * 0..N-1 replayed through `replayLessonThrough`); "Do it" applies N's action through the store, so
 * the log shows the engine's real outcome. Jumping to a step (prev, the step list, a share link)
 * replays from the platform again, as one history entry.
 */

/** The lesson and step the store is at, resolved; undefined when no lesson is open. */
export function currentLesson(store: AppStore): { lesson: Lesson; step: LessonStep } | undefined {
  const pos = store.getState().lesson;
  const lesson = pos && lessonById(pos.id);
  const step = lesson?.steps[pos?.step ?? 0];
  return lesson && step ? { lesson, step } : undefined;
}

/** The step's action as the engine takes it: `$name` references resolved with the ids the earlier steps bound. */
export function lessonAction(lesson: Lesson, stepIndex: number): Action | undefined {
  const step = lesson.steps[stepIndex];
  if (!step?.action) return undefined;
  return resolveStepRefs(step.action, replayLessonThrough(lesson, stepIndex - 1).bindings).action;
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

function moveView(store: AppStore, view: Range | undefined): void {
  if (!view) return;
  store.getState().setCompressed(false);
  store.getState().setViewport(stepViewport(view));
}

/**
 * Opens lesson `id` at narrative step `step` (0 = the start): the lesson's scenario cut to the
 * actions before that step, replayed, as ONE history entry. Moves the map to the step's view (or
 * fits the workspace when `fit` and the step has none). False, with a notice, for an unknown id.
 */
export function openLesson(store: AppStore, id: string, step = 0, fit = true): boolean {
  const lesson = lessonById(id);
  if (!lesson) {
    store.getState().notify({
      kind: 'error',
      text: `there is no lesson "${id}" (known: ${LESSONS.map((l) => l.id).join(', ')})`,
    });
    return false;
  }
  const last = lesson.steps.length - 1;
  const at = Math.max(0, Math.min(last, Math.trunc(Number.isFinite(step) ? step : 0)));
  const report = replayLessonThrough(lesson, at - 1);
  if (report.setupError !== undefined) {
    store.getState().notify({ kind: 'error', text: `lesson ${id}: ${report.setupError}` });
    return false;
  }
  const count = report.steps.length;
  const scenario = { ...lesson.scenario, steps: lesson.scenario.steps.slice(0, count) };
  const whole = count === lesson.scenario.steps.length;
  store
    .getState()
    .openWorkspace(
      { ok: true, scenario, state: report.state, reports: report.steps },
      whole ? lesson.id : undefined,
      `lesson “${lesson.title}”, step ${at + 1} of ${last + 1}`,
    );
  const present = store.getState().history?.present;
  if (!present) return false;
  store.getState().setLesson({ id: lesson.id, step: at, synced: present });
  if (at !== step)
    store
      .getState()
      .notify({ kind: 'error', text: `lesson ${id} has steps 0 to ${last}: opened step ${at}` });
  const view = lesson.steps[at]?.view;
  if (view) moveView(store, view);
  else if (fit) {
    const r = defaultViewRange(present);
    if (r) store.getState().setViewport(fitRange(r));
  }
  return true;
}

/** Jumps to another step of the open lesson (replayed from the platform). */
export function goToLessonStep(store: AppStore, step: number): boolean {
  const pos = store.getState().lesson;
  return pos ? openLesson(store, pos.id, step, false) : false;
}

/** Back to the state the lesson expects at the current step ("reset to this step"). */
export function resetLessonStep(store: AppStore): boolean {
  const pos = store.getState().lesson;
  return pos ? openLesson(store, pos.id, pos.step, false) : false;
}

/**
 * "Do it": applies the current step's action through the store, exactly as the Actions forms do,
 * so the log holds the engine's answer (errno, message, rule) and the map changes. Returns the
 * outcome (undefined when no lesson or action, or when the engine could not run it).
 */
export function doLessonStep(store: AppStore): Outcome | undefined {
  const cur = currentLesson(store);
  const pos = store.getState().lesson;
  if (!cur || !pos || pos.done) return undefined;
  const action = lessonAction(cur.lesson, cur.step.index);
  if (!action) return undefined;
  const s = store.getState();
  s.viewStep(undefined);
  const inSync = s.history?.present === pos.synced;
  const outcome = s.dispatch(action);
  const present = store.getState().history?.present;
  store
    .getState()
    .setLesson({ ...pos, synced: inSync && present ? present : pos.synced, done: { outcome } });
  return outcome;
}

/**
 * "Next": applies the current step's action first when it is pending and the state is still the
 * lesson's (the log shows its outcome, the panel repeats it), then shows the next step and its view.
 * Away from the lesson's state it only turns the page; "reset to this step" brings the state back.
 */
export function nextLessonStep(store: AppStore): void {
  const cur = currentLesson(store);
  if (!cur || cur.step.index >= cur.lesson.steps.length - 1) return;
  let pos = store.getState().lesson;
  if (!pos) return;
  const departed = store.getState().history?.present !== pos.synced;
  let previous: { step: number; outcome: Outcome | undefined } | undefined;
  if (!departed && cur.step.action && !pos.done) {
    previous = { step: cur.step.index, outcome: doLessonStep(store) };
    pos = store.getState().lesson ?? pos;
  } else if (pos.done && cur.step.action) {
    previous = { step: cur.step.index, outcome: pos.done.outcome };
  }
  const next = cur.step.index + 1;
  store
    .getState()
    .setLesson({ id: pos.id, step: next, synced: pos.synced, ...(previous ? { previous } : {}) });
  moveView(store, cur.lesson.steps[next]?.view);
}

/** "Previous": the state before the previous step's action, replayed. */
export function previousLessonStep(store: AppStore): void {
  const pos = store.getState().lesson;
  if (pos && pos.step > 0) goToLessonStep(store, pos.step - 1);
}

/** Leaves the lesson (the workspace stays as it is). */
export function closeLesson(store: AppStore): void {
  store.getState().setLesson(undefined);
}
