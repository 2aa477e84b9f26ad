import { fitRange } from '../view/viewport/viewport.ts';
import type { EngineState } from '../core/state.ts';
import type { AppActions, AppState } from './app-store.ts';
import type { Capture, Change, ViewPatch } from './capture.ts';
import { defaultViewRange } from './default-view.ts';
import { canRedo, canUndo } from './history.ts';
import { lessonLogic } from './lesson-catalog.ts';
import { markUndone } from './log.ts';
import { timelineOf } from './replay-steps.ts';
import { dispatchChange, openChange } from './workspace-changes.ts';
import { platformSwitchChange } from './platform-change.ts';

/**
 * Every store intent, in one place: whether it enters undo history (capture.ts says what the
 * values mean) and the change it makes, a pure function of the state before it. The store applies
 * each change in ONE set, so subscribers hear of a gesture once.
 */
export type Intent<N extends keyof AppActions> = {
  readonly capture: Capture;
  readonly change: (
    s: AppState,
    ...args: Parameters<AppActions[N]>
  ) => Change<ReturnType<AppActions[N]>>;
  /**
   * Present on every intent that changes the workspace, or that only leads to a change (the
   * import dialog): a read-only tab refuses it, returning `result` without calling `change`, and
   * shows why (app-store.ts). Navigation (view, selection, a replay step looked at) has none.
   */
  readonly refusedReadOnly?: Refused<ReturnType<AppActions[N]>>;
};

/** What a refused intent returns; an intent that returns more than undefined must say what. */
type Refused<R> = undefined extends R ? { readonly result?: R } : { readonly result: R };

const REFUSED = {};

const setField = <K extends keyof ViewPatch>(key: K, value: ViewPatch[K]): Change => ({
  patch: { [key]: value },
  result: undefined,
});
const NO_CHANGE: Change = { result: undefined };

function viewStepChange(s: AppState, step: number | undefined): Change {
  const present = s.history?.present;
  const t = present && timelineOf(present.scenario);
  const back = s.stepView ? setField('stepView', undefined) : NO_CHANGE;
  if (!present || !t || step === undefined) return back;
  const total = t.reports.length;
  const k = Math.max(0, Math.min(total, Math.trunc(step)));
  // The last step with no actions after it is the present itself.
  if (k === total && present.userSteps.length === 0) return back;
  const cur = s.stepView;
  if (cur && cur.of === present && cur.step === k) return NO_CHANGE;
  return setField('stepView', {
    of: present,
    step: k,
    total,
    shown: { ...present, state: t.states[k] as EngineState },
  });
}

export const INTENTS: { readonly [N in keyof AppActions]: Intent<N> } = {
  openWorkspace: {
    capture: 'IMMEDIATELY',
    refusedReadOnly: REFUSED,
    change(s, opened, builtinId, title, host, along = {}) {
      const change = openChange(s, opened, builtinId, title, host);
      const fitted = along.fit ? defaultViewRange(change.commit) : undefined;
      return {
        ...change,
        patch: {
          ...change.patch,
          ...(fitted ? { viewport: fitRange(fitted) } : {}),
          ...(along.notice ? { notice: along.notice } : {}),
          ...(along.tab !== undefined ? { tabRequest: { tab: along.tab } } : {}),
        },
      };
    },
  },
  // The step's own action run from the form while a lesson is open does the step (lesson.ts).
  dispatch: {
    capture: 'IMMEDIATELY',
    change: (s, action) =>
      (s.lesson && lessonLogic()?.dispatchInLessonChange(s, action)) || dispatchChange(s, action),
    refusedReadOnly: REFUSED,
  },
  // Opening a lesson, a jump and Reset replace the workspace; Do it and a Next that applies the
  // step's action change it. A Next that applies nothing only turns the page: no entry (lesson.ts).
  // The lesson logic loads apart from the first view (lesson-catalog.ts); no lesson is open before
  // it has, and one asked for before then is not opened, with a notice.
  openLesson: {
    capture: 'IMMEDIATELY',
    change: (s, id, opening) =>
      lessonLogic()?.openLessonChange(s, id, opening) ?? {
        patch: {
          notice: { kind: 'error', text: `the lessons have not loaded yet: "${id}" did not open` },
        },
        result: false,
      },
    refusedReadOnly: { result: false },
  },
  goToLessonStep: {
    capture: 'IMMEDIATELY',
    change: (s, step) => lessonLogic()?.goToLessonStepChange(s, step) ?? { result: false },
    refusedReadOnly: { result: false },
  },
  doLessonStep: {
    capture: 'IMMEDIATELY',
    change: (s) => lessonLogic()?.doLessonStepChange(s) ?? { result: undefined },
    refusedReadOnly: REFUSED,
  },
  nextLessonStep: {
    capture: 'IMMEDIATELY',
    change: (s) => lessonLogic()?.nextLessonStepChange(s) ?? { result: undefined },
    refusedReadOnly: REFUSED,
  },
  undo: {
    capture: 'NEVER',
    refusedReadOnly: REFUSED,
    change(s) {
      const { history, log } = s;
      if (!history || !canUndo(history)) return NO_CHANGE;
      return {
        walk: 'undo',
        patch: { log: markUndone(log, history.present.logSeq, true), stepView: undefined },
        result: undefined,
      };
    },
  },
  redo: {
    capture: 'NEVER',
    refusedReadOnly: REFUSED,
    change(s) {
      const next = s.history?.future[0];
      if (!s.history || !canRedo(s.history) || !next) return NO_CHANGE;
      return {
        walk: 'redo',
        patch: { log: markUndone(s.log, next.logSeq, false), stepView: undefined },
        result: undefined,
      };
    },
  },
  setViewport: {
    capture: 'NEVER',
    change: (s, v) =>
      v.start !== s.viewport.start || v.zoom !== s.viewport.zoom
        ? setField('viewport', v)
        : NO_CHANGE,
  },
  showRange: {
    capture: 'NEVER',
    change: (_s, r) => ({ patch: { compressed: false, viewport: fitRange(r) }, result: undefined }),
  },
  setCompressed: { capture: 'NEVER', change: (_s, on) => setField('compressed', on) },
  setFoldAlike: { capture: 'NEVER', change: (_s, on) => setField('foldAlike', on) },
  select: {
    capture: 'NEVER',
    change: (_s, selection, options) => ({
      patch: { selection, selectionQuiet: options?.quiet ?? false },
      result: undefined,
    }),
  },
  setFocus: { capture: 'NEVER', change: (_s, f) => setField('focus', f) },
  setExplained: { capture: 'NEVER', change: (_s, events) => setField('explained', events) },
  clearExplained: {
    capture: 'NEVER',
    change: () => ({ patch: { explained: [], focus: undefined }, result: undefined }),
  },
  openImport: {
    capture: 'NEVER',
    refusedReadOnly: REFUSED,
    change: (_s, inputs = [], notice) => ({
      patch: { importDialog: { inputs }, ...(notice ? { notice } : {}) },
      result: undefined,
    }),
  },
  closeImport: { capture: 'NEVER', change: () => setField('importDialog', undefined) },
  showTab: { capture: 'NEVER', change: (_s, tab) => setField('tabRequest', { tab }) },
  viewStep: { capture: 'NEVER', change: viewStepChange },
  setTheme: { capture: 'NEVER', change: (_s, t) => setField('theme', t) },
  // Over the workspace as restored: no history entry, the lesson only comes back.
  resumeLesson: {
    capture: 'NEVER',
    change: (s, saved) => lessonLogic()?.resumeLessonChange(s, saved) ?? { result: false },
  },
  closeLesson: { capture: 'NEVER', change: () => setField('lesson', undefined) },
  notify: { capture: 'NEVER', change: (_s, n) => setField('notice', n) },
  setCursor: { capture: 'NEVER', change: (_s, c) => setField('cursor', c) },
  switchPlatform: {
    capture: 'IMMEDIATELY',
    change: platformSwitchChange,
    refusedReadOnly: { result: false },
  },
  fillForm: {
    capture: 'NEVER',
    change: (s, op, values) => ({
      patch: {
        formRequest: { op, values, n: (s.formRequest?.n ?? 0) + 1 },
        tabRequest: { tab: 'actions' },
      },
      result: undefined,
    }),
  },
  setDraft: {
    capture: 'NEVER',
    change: (s, d) => (s.draft === d ? NO_CHANGE : setField('draft', d)),
  },
  setReadOnly: {
    capture: 'NEVER',
    change: (s, reason) => ({
      patch: {
        readOnly: reason,
        // The refusal shown for the old reason is no longer true.
        ...(s.notice && s.notice.text === s.readOnly ? { notice: undefined } : {}),
      },
      result: undefined,
    }),
  },
};
