import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Action } from '../core/actions.ts';
import type { Outcome } from '../core/outcome.ts';
import type { ThemeName } from '../view/theme/palette.ts';
import { FULL_VIEW, fitRange, type Viewport } from '../view/viewport/viewport.ts';
import { canRedo, canUndo, type History } from './history.ts';
import { type LogEntry, markUndone } from './log.ts';
import type { PlacedEvent } from '../core/importers/types.ts';
import type { Range } from '../core/u64.ts';
import type { HostContext, ImportInput } from './host-import.ts';
import type { Selection } from './selection.ts';
import type { OpenResult, Snapshot } from './workspace.ts';
import { timelineOf } from './replay-steps.ts';
import type { EngineState } from '../core/state.ts';
import { type Capture, type Change, type LessonMove, updateOf } from './intent.ts';
import { dispatchChange, openChange } from './workspace-changes.ts';
import { defaultViewRange } from './default-view.ts';
import {
  doLessonStepChange,
  goToLessonStepChange,
  type LessonOpening,
  nextLessonStepChange,
  openLessonChange,
} from './lesson.ts';

/**
 * The one store: engine workspace with undo history, the log, and view state. The viewport
 * changes at 60 fps; React components never select it (the map paints it from a plain
 * subscription in one rAF loop), so a pan re-renders no component.
 */
export interface Notice {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

export interface AppState {
  readonly history: History<Snapshot> | undefined;
  /** In lockstep with `history`: the lesson move each entry made, if it moved the lesson (intent.ts). */
  readonly lessonMoves: History<LessonMove | undefined> | undefined;
  readonly log: readonly LogEntry[];
  readonly viewport: Viewport;
  readonly compressed: boolean;
  readonly selection: Selection | undefined;
  readonly theme: ThemeName;
  readonly notice: Notice | undefined;
  /** Bumped when the map should fit the workspace (after a load without a view in the link). */
  readonly seq: number;
  /** The selection was made by a finding: the inspector tab does not come to the front. */
  readonly selectionQuiet: boolean;
  /** The ranges of the finding or line last focused, marked across the map. */
  readonly focus: { readonly ranges: readonly Range[]; readonly label: string } | undefined;
  /** Lines placed with "explain a line" (view state, not history). */
  readonly explained: readonly PlacedEvent[];
  /** The import dialog, when open, with the inputs it opens with (files dropped on the app). */
  readonly importDialog: { readonly inputs: readonly ImportInput[] } | undefined;
  /** A side tab to bring to the front (a new object each time). */
  readonly tabRequest: { readonly tab: string } | undefined;
  /**
   * Stepping through the present scenario's replay: the state after its first `step` steps is
   * shown (`shown`), for the history present `of`. Viewing is not an edit; an action taken from
   * here starts from the shown state (the later steps are dropped, as a redo branch is).
   */
  readonly stepView: StepView | undefined;
  /**
   * The guided lesson being read, if any. Turning a page is view state; undo and redo over an entry
   * that moved the lesson (open, a jump, a Next that applied an action) move it back and forth.
   */
  readonly lesson: LessonPosition | undefined;
}

/**
 * Where the learner is in a lesson. The map shows the engine state before step `step`'s action
 * until that action is applied ("Do it"); `synced` is the workspace present the lesson put there,
 * so any other present (an action of the learner's own, undoing "Do it") means the state departed.
 * Undo over a lesson move puts the position from before it back, with its own `synced`.
 */
export interface LessonPosition {
  readonly id: string;
  readonly step: number;
  readonly synced: Snapshot;
  /** The step's action was applied: its outcome (undefined when the engine could not run it). */
  readonly done?: { readonly outcome: Outcome | undefined };
  /** The previous step's outcome when "Next" applied it on the way. */
  readonly previous?: { readonly step: number; readonly outcome: Outcome | undefined };
}

export interface StepView {
  readonly of: Snapshot;
  readonly step: number;
  readonly total: number;
  readonly shown: Snapshot;
}

/** What comes with an opened workspace, in the same store update. */
export interface WorkspaceOpening {
  /** Fit the map on the new workspace. */
  readonly fit?: boolean;
  readonly notice?: Notice;
  /** A side tab to bring to the front. */
  readonly tab?: string;
}

export interface AppActions {
  /** Opens a scenario (already loaded and replayed) as one history entry. */
  openWorkspace(
    opened: Extract<OpenResult, { ok: true }>,
    builtinId: string | undefined,
    title: string,
    host?: HostContext,
    along?: WorkspaceOpening,
  ): void;
  dispatch(action: Action): Outcome | undefined;
  undo(): void;
  redo(): void;
  setViewport(v: Viewport): void;
  /** The map fitted on a range, on the uncompressed axis (go to, a followed link). */
  showRange(r: Range): void;
  setCompressed(on: boolean): void;
  select(s: Selection | undefined, options?: { quiet?: boolean }): void;
  setFocus(f: AppState['focus']): void;
  setExplained(events: readonly PlacedEvent[]): void;
  /** Clears the explained lines and the focus they put on the map. */
  clearExplained(): void;
  /** Opens the import dialog with its inputs, and a notice about the files refused. */
  openImport(inputs?: readonly ImportInput[], notice?: Notice): void;
  closeImport(): void;
  showTab(tab: string): void;
  /** Shows the state after the first `step` steps of the present scenario; undefined returns to the present. */
  viewStep(step: number | undefined): void;
  setTheme(t: ThemeName): void;
  /** Opens a lesson at a step (lesson.ts): false, with a notice, for an unknown lesson. */
  openLesson(id: string, at?: LessonOpening): boolean;
  /** Another step of the open lesson, or the same one again ("Reset to this step"). */
  goToLessonStep(step: number): boolean;
  /** "Do it": the step's action through the engine; its outcome. */
  doLessonStep(): Outcome | undefined;
  /** "Next": the pending action applied on the lesson's path, then the next page. */
  nextLessonStep(): void;
  closeLesson(): void;
  notify(n: Notice | undefined): void;
}

/**
 * How each intent enters undo history, in one place (intent.ts says what the values mean). Every
 * intent applies in ONE store update: subscribers hear of a gesture once.
 */
export const INTENT_CAPTURE = {
  openWorkspace: 'IMMEDIATELY',
  dispatch: 'IMMEDIATELY',
  openLesson: 'IMMEDIATELY',
  goToLessonStep: 'IMMEDIATELY',
  doLessonStep: 'IMMEDIATELY',
  // An entry only when it applies the step's action; a page turn alone is view state.
  nextLessonStep: 'IMMEDIATELY',
  undo: 'NEVER',
  redo: 'NEVER',
  setViewport: 'NEVER',
  showRange: 'NEVER',
  setCompressed: 'NEVER',
  select: 'NEVER',
  setFocus: 'NEVER',
  setExplained: 'NEVER',
  clearExplained: 'NEVER',
  openImport: 'NEVER',
  closeImport: 'NEVER',
  showTab: 'NEVER',
  viewStep: 'NEVER',
  setTheme: 'NEVER',
  closeLesson: 'NEVER',
  notify: 'NEVER',
} as const satisfies Record<keyof AppActions, Capture>;

export type AppStore = StoreApi<AppState & AppActions>;

type Recipe<N extends keyof AppActions> = (
  s: AppState,
  ...args: Parameters<AppActions[N]>
) => Change<ReturnType<AppActions[N]>>;

const set1 = <K extends keyof AppState>(key: K, value: AppState[K]): Change => ({
  patch: { [key]: value },
  result: undefined,
});
const NO_CHANGE: Change = { result: undefined };

function viewStepChange(s: AppState, step: number | undefined): Change {
  const present = s.history?.present;
  const t = present && timelineOf(present.scenario);
  const back = s.stepView ? set1('stepView', undefined) : NO_CHANGE;
  if (!present || !t || step === undefined) return back;
  const total = t.reports.length;
  const k = Math.max(0, Math.min(total, Math.trunc(step)));
  // The last step with no actions after it is the present itself.
  if (k === total && present.userSteps.length === 0) return back;
  const cur = s.stepView;
  if (cur && cur.of === present && cur.step === k) return NO_CHANGE;
  return set1('stepView', {
    of: present,
    step: k,
    total,
    shown: { ...present, state: t.states[k] as EngineState },
  });
}

/** Each intent as a pure change of the state before it; the store applies it in one `set`. */
const RECIPES: { readonly [N in keyof AppActions]: Recipe<N> } = {
  openWorkspace(s, opened, builtinId, title, host, along = {}) {
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
  dispatch: dispatchChange,
  undo(s) {
    const { history, log } = s;
    if (!history || !canUndo(history)) return NO_CHANGE;
    return {
      walk: 'undo',
      patch: { log: markUndone(log, history.present.logSeq, true), stepView: undefined },
      result: undefined,
    };
  },
  redo(s) {
    const { history, log } = s;
    const next = history?.future[0];
    if (!history || !canRedo(history) || !next) return NO_CHANGE;
    return {
      walk: 'redo',
      patch: { log: markUndone(log, next.logSeq, false), stepView: undefined },
      result: undefined,
    };
  },
  setViewport: (s, v) =>
    v.start !== s.viewport.start || v.zoom !== s.viewport.zoom ? set1('viewport', v) : NO_CHANGE,
  showRange: (_s, r) => ({
    patch: { compressed: false, viewport: fitRange(r) },
    result: undefined,
  }),
  setCompressed: (_s, on) => set1('compressed', on),
  select: (_s, selection, options) => ({
    patch: { selection, selectionQuiet: options?.quiet ?? false },
    result: undefined,
  }),
  setFocus: (_s, f) => set1('focus', f),
  setExplained: (_s, events) => set1('explained', events),
  clearExplained: () => ({ patch: { explained: [], focus: undefined }, result: undefined }),
  openImport: (_s, inputs = [], notice) => ({
    patch: { importDialog: { inputs }, ...(notice ? { notice } : {}) },
    result: undefined,
  }),
  closeImport: () => set1('importDialog', undefined),
  showTab: (_s, tab) => set1('tabRequest', { tab }),
  viewStep: viewStepChange,
  setTheme: (_s, t) => set1('theme', t),
  openLesson: openLessonChange,
  goToLessonStep: goToLessonStepChange,
  doLessonStep: doLessonStepChange,
  nextLessonStep: nextLessonStepChange,
  closeLesson: () => set1('lesson', undefined),
  notify: (_s, n) => set1('notice', n),
};

export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState & AppActions>()((set, get) => {
    const intent = <N extends keyof AppActions>(name: N): AppActions[N] => {
      const recipe = RECIPES[name] as (s: AppState, ...args: unknown[]) => Change<unknown>;
      const run = (...args: unknown[]): unknown => {
        const s = get();
        const change = recipe(s, ...args);
        const update = updateOf(name, INTENT_CAPTURE[name], s, change);
        if (update) set(update);
        return change.result;
      };
      return run as AppActions[N];
    };
    const actions = Object.fromEntries(
      (Object.keys(INTENT_CAPTURE) as (keyof AppActions)[]).map((name) => [name, intent(name)]),
    ) as unknown as AppActions;
    return {
      history: undefined,
      lessonMoves: undefined,
      log: [],
      viewport: FULL_VIEW,
      compressed: false,
      selection: undefined,
      theme: 'dark',
      notice: undefined,
      seq: 0,
      selectionQuiet: false,
      focus: undefined,
      explained: [],
      importDialog: undefined,
      tabRequest: undefined,
      stepView: undefined,
      lesson: undefined,
      ...initial,
      ...actions,
    };
  });
}

/** Narrow, module-level selectors (style-anchors §3.8). */
export const selectPresent = (s: AppState): Snapshot | undefined => s.history?.present;
export const selectEngineState = (s: AppState) => s.history?.present.state;
/** What the map and inspector show: the viewed replay step, else the present. */
export const selectShown = (s: AppState): Snapshot | undefined =>
  s.stepView && s.stepView.of === s.history?.present ? s.stepView.shown : s.history?.present;
export const selectCanUndo = (s: AppState): boolean => !!s.history && canUndo(s.history);
export const selectCanRedo = (s: AppState): boolean => !!s.history && canRedo(s.history);

/** The lesson is open but the workspace is no longer the state the lesson put there. */
export const selectLessonDeparted = (s: AppState): boolean =>
  !!s.lesson && s.history?.present !== s.lesson.synced;
