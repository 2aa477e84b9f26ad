import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Action } from '../core/actions.ts';
import type { Outcome } from '../core/outcome.ts';
import type { ThemeName } from '../view/theme/palette.ts';
import { FULL_VIEW, type Viewport } from '../view/viewport/viewport.ts';
import {
  canRedo,
  canUndo,
  type History,
  pushHistory,
  redoHistory,
  startHistory,
  undoHistory,
} from './history.ts';
import { appendLog, type LogEntry, markUndone } from './log.ts';
import type { PlacedEvent } from '../core/importers/types.ts';
import type { Range } from '../core/u64.ts';
import type { HostContext, ImportInput } from './host-import.ts';
import type { Selection } from './selection.ts';
import { type OpenResult, runAction, type Snapshot } from './workspace.ts';
import { timelineOf } from './replay-steps.ts';
import type { EngineState } from '../core/state.ts';

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
  /** The guided lesson being read, if any (view state: undo does not move it). */
  readonly lesson: LessonPosition | undefined;
}

/**
 * Where the learner is in a lesson. The map shows the engine state before step `step`'s action
 * until that action is applied ("Do it"); `synced` is the workspace present the lesson put there,
 * so any other present (an action of the learner's own, an undo) means the state departed.
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

export interface AppActions {
  /** Opens a scenario (already loaded and replayed) as one history entry. */
  openWorkspace(
    opened: Extract<OpenResult, { ok: true }>,
    builtinId: string | undefined,
    title: string,
    host?: HostContext,
  ): void;
  dispatch(action: Action): Outcome | undefined;
  undo(): void;
  redo(): void;
  setViewport(v: Viewport): void;
  setCompressed(on: boolean): void;
  select(s: Selection | undefined, options?: { quiet?: boolean }): void;
  setFocus(f: AppState['focus']): void;
  setExplained(events: readonly PlacedEvent[]): void;
  openImport(inputs?: readonly ImportInput[]): void;
  closeImport(): void;
  showTab(tab: string): void;
  /** Shows the state after the first `step` steps of the present scenario; undefined returns to the present. */
  viewStep(step: number | undefined): void;
  setTheme(t: ThemeName): void;
  setLesson(l: LessonPosition | undefined): void;
  notify(n: Notice | undefined): void;
}

export type AppStore = StoreApi<AppState & AppActions>;

export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState & AppActions>()((set, get) => ({
    history: undefined,
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

    openWorkspace(opened, builtinId, title, host) {
      const { log, history, seq } = get();
      const entrySeq = seq + 1;
      const failed = opened.reports.filter((r) => !r.matches);
      const detail = [
        `${opened.reports.length} step(s) replayed${failed.length ? `, ${failed.length} not as expected` : ''}`,
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
      set({
        stepView: undefined,
        // Another workspace ends the lesson; opening a lesson sets it again right after.
        lesson: undefined,
        focus: undefined,
        explained: [],
        history: history ? pushHistory(history, snapshot) : startHistory(snapshot),
        log: appendLog(log, {
          seq: entrySeq,
          kind: 'scenario',
          title,
          detail,
          changed: true,
          undone: false,
        }),
        selection: undefined,
        seq: entrySeq,
      });
    },

    dispatch(action) {
      const { history, log, seq, stepView } = get();
      if (!history) return undefined;
      const present = history.present;
      const entrySeq = seq + 1;
      const from = stepView?.of === present ? stepView : undefined;
      const r = runAction(from ? from.shown.state : present.state, action);
      if (r.kind === 'engine-error') {
        set({
          log: appendLog(log, {
            seq: entrySeq,
            kind: 'engine-error',
            action,
            message: r.message,
            changed: false,
            undone: false,
          }),
          seq: entrySeq,
        });
        return undefined;
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
      if (!changed) {
        set({ log: appendLog(log, entry), seq: entrySeq });
        return r.outcome;
      }
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
      set({
        history: pushHistory(history, next),
        log: appendLog(log, entry),
        seq: entrySeq,
        stepView: undefined,
      });
      return r.outcome;
    },

    undo() {
      const { history, log } = get();
      if (!history || !canUndo(history)) return;
      set({
        history: undoHistory(history),
        log: markUndone(log, history.present.logSeq, true),
        stepView: undefined,
      });
    },

    redo() {
      const { history, log } = get();
      if (!history || !canRedo(history)) return;
      const next = redoHistory(history);
      set({ history: next, log: markUndone(log, next.present.logSeq, false), stepView: undefined });
    },

    setViewport(v) {
      if (v.start !== get().viewport.start || v.zoom !== get().viewport.zoom) set({ viewport: v });
    },
    setCompressed(on) {
      set({ compressed: on });
    },
    select(s, options) {
      set({ selection: s, selectionQuiet: options?.quiet ?? false });
    },
    setFocus(f) {
      set({ focus: f });
    },
    setExplained(events) {
      set({ explained: events });
    },
    openImport(inputs = []) {
      set({ importDialog: { inputs } });
    },
    closeImport() {
      set({ importDialog: undefined });
    },
    viewStep(step) {
      const present = get().history?.present;
      const t = present && timelineOf(present.scenario);
      if (!present || !t || step === undefined) {
        if (get().stepView) set({ stepView: undefined });
        return;
      }
      const total = t.reports.length;
      const k = Math.max(0, Math.min(total, Math.trunc(step)));
      // The last step with no actions after it is the present itself.
      if (k === total && present.userSteps.length === 0) {
        if (get().stepView) set({ stepView: undefined });
        return;
      }
      const cur = get().stepView;
      if (cur && cur.of === present && cur.step === k) return;
      set({
        stepView: {
          of: present,
          step: k,
          total,
          shown: { ...present, state: t.states[k] as EngineState },
        },
      });
    },
    showTab(tab) {
      set({ tabRequest: { tab } });
    },
    setTheme(t) {
      set({ theme: t });
    },
    setLesson(l) {
      set({ lesson: l });
    },
    notify(n) {
      set({ notice: n });
    },
  }));
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
