import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Action } from '../core/actions.ts';
import type { Outcome } from '../core/outcome.ts';
import type { ThemeName } from '../ui/theme/palette.ts';
import { FULL_VIEW, type Viewport } from '../ui/viewport/viewport.ts';
import { canRedo, canUndo, type History, pushHistory, redoHistory, startHistory, undoHistory } from './history.ts';
import { appendLog, type LogEntry, markUndone } from './log.ts';
import type { PlacedEvent } from '../core/importers/types.ts';
import type { Range } from '../core/u64.ts';
import type { HostContext, ImportInput } from './host-import.ts';
import type { Selection } from './selection.ts';
import { type OpenResult, runAction, type Snapshot } from './workspace.ts';

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
}

export interface AppActions {
  /** Opens a scenario (already loaded and replayed) as one history entry. */
  openWorkspace(opened: Extract<OpenResult, { ok: true }>, builtinId: string | undefined, title: string, host?: HostContext): void;
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
  setTheme(t: ThemeName): void;
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
    ...initial,

    openWorkspace(opened, builtinId, title, host) {
      const { log, history, seq } = get();
      const entrySeq = seq + 1;
      const failed = opened.reports.filter((r) => !r.matches);
      const detail = [
        `${opened.reports.length} step(s) replayed${failed.length ? `, ${failed.length} not as expected` : ''}`,
        ...failed.map((r) => `step ${r.index} ${r.op}: ${r.errno ?? ''} ${r.message ?? ''} ${r.mismatch ? `(${r.mismatch})` : ''}`.trim()),
      ];
      const snapshot: Snapshot = { scenario: opened.scenario, builtinId, state: opened.state, userSteps: [], logSeq: entrySeq, ...(host ? { host } : {}) };
      set({
        focus: undefined,
        explained: [],
        history: history ? pushHistory(history, snapshot) : startHistory(snapshot),
        log: appendLog(log, { seq: entrySeq, kind: 'scenario', title, detail, changed: true, undone: false }),
        selection: undefined,
        seq: entrySeq,
      });
    },

    dispatch(action) {
      const { history, log, seq } = get();
      if (!history) return undefined;
      const present = history.present;
      const entrySeq = seq + 1;
      const r = runAction(present.state, action);
      if (r.kind === 'engine-error') {
        set({ log: appendLog(log, { seq: entrySeq, kind: 'engine-error', action, message: r.message, changed: false, undone: false }), seq: entrySeq });
        return undefined;
      }
      const changed = r.state !== present.state;
      const entry: LogEntry = { seq: entrySeq, kind: 'action', action, outcome: r.outcome, changed, undone: false };
      if (!changed) {
        set({ log: appendLog(log, entry), seq: entrySeq });
        return r.outcome;
      }
      const next: Snapshot = { ...present, state: r.state, userSteps: [...present.userSteps, action], logSeq: entrySeq };
      set({ history: pushHistory(history, next), log: appendLog(log, entry), seq: entrySeq });
      return r.outcome;
    },

    undo() {
      const { history, log } = get();
      if (!history || !canUndo(history)) return;
      set({ history: undoHistory(history), log: markUndone(log, history.present.logSeq, true) });
    },

    redo() {
      const { history, log } = get();
      if (!history || !canRedo(history)) return;
      const next = redoHistory(history);
      set({ history: next, log: markUndone(log, next.present.logSeq, false) });
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
    showTab(tab) {
      set({ tabRequest: { tab } });
    },
    setTheme(t) {
      set({ theme: t });
    },
    notify(n) {
      set({ notice: n });
    },
  }));
}

/** Narrow, module-level selectors (style-anchors §3.8). */
export const selectPresent = (s: AppState): Snapshot | undefined => s.history?.present;
export const selectEngineState = (s: AppState) => s.history?.present.state;
export const selectCanUndo = (s: AppState): boolean => !!s.history && canUndo(s.history);
export const selectCanRedo = (s: AppState): boolean => !!s.history && canRedo(s.history);
