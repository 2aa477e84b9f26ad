import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Action, OpName } from '../core/actions.ts';
import type { Outcome } from '../core/outcome.ts';
import type { ThemeName } from '../view/theme/palette.ts';
import { FULL_VIEW, type Viewport } from '../view/viewport/viewport.ts';
import { canRedo, canUndo, type History } from './history.ts';
import type { LogEntry } from './log.ts';
import type { PlacedEvent } from '../core/importers/types.ts';
import type { Range } from '../core/u64.ts';
import type { HostContext, ImportInput } from './host-import.ts';
import type { Selection } from './selection.ts';
import type { OpenResult, Snapshot } from './workspace.ts';
import { type Capture, type Change, type LessonMove, updateOf } from './capture.ts';
import { INTENTS } from './intents.ts';
import type { Footprint } from '../view/actions/footprint.ts';
import type { LaneCursor } from '../view/map/lane-cursor.ts';
import type { SavedLesson } from './autosave.ts';
import type { LessonOpening } from './lesson.ts';
import type { PlatformChange } from './platform-change.ts';
import type { PlatformSwitch } from '../core/scenario/platform-switch.ts';

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
  /** Group lanes that show the same regions drawn as one lane with a count (fold-lanes.ts). */
  readonly foldAlike: boolean;
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
  /**
   * Why this tab may not change its workspace (another tab owns it), in the sentence an edit
   * refused for it shows; undefined while the tab may. Set by the autosave (persistence.ts).
   */
  readonly readOnly: string | undefined;
  /** The action a form is being filled with, drawn as a ghost on its lane (view state). */
  readonly draft: Draft | undefined;
  /**
   * The last action run through `dispatch`, its outcome, and the snapshot it is about (the one it
   * made, or the one shown when it failed): the map marks a failure there until the next change.
   */
  readonly lastRun: LastRun | undefined;
  /** Values for the Actions form to open with (the inspector's Unmap button); `n` counts requests. */
  readonly formRequest: FormRequest | undefined;
  /** The keyboard's place on the map while it has focus (lane-cursor.ts). */
  readonly cursor: LaneCursor | undefined;
  /** The last platform switch flipped and what its replay said (platform-change.ts). */
  readonly platformChange: PlatformChange | undefined;
}

export interface FormRequest {
  readonly op: OpName;
  readonly values: Readonly<Record<string, string>>;
  readonly n: number;
}

/** A would-be action on the map: where it lands and whether the dry run says it succeeds. */
export interface Draft extends Footprint {
  readonly ok: boolean;
  /** "would fail: EEXIST", "would map" — drawn beside the ghost. */
  readonly label: string;
}

export interface LastRun {
  readonly action: Action;
  readonly outcome: Outcome;
  readonly on: Snapshot;
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
  /**
   * Undefined when no present is the lesson's: a workspace restored after it had departed from
   * the lesson (`resumeLessonChange`), which "Reset to this step" brings back.
   */
  readonly synced: Snapshot | undefined;
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
  setFoldAlike(on: boolean): void;
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
  /**
   * The lesson a restored workspace was saved in, at its step, over the workspace as it is (no
   * history entry): false for a lesson this app does not have.
   */
  resumeLesson(saved: SavedLesson): boolean;
  closeLesson(): void;
  notify(n: Notice | undefined): void;
  /** Makes the tab read-only, saying `reason` for every edit refused, or (undefined) editable again. */
  setReadOnly(reason: string | undefined): void;
  /** The ghost of the action being filled in (undefined: none). */
  setDraft(d: Draft | undefined): void;
  /** Opens the Actions form on `op` filled with `values` (fields left out keep their defaults). */
  fillForm(op: OpName, values: Readonly<Record<string, string>>): void;
  setCursor(c: LaneCursor | undefined): void;
  /** Flips a platform switch: the workspace replayed on the edited platform (false: not changed). */
  switchPlatform(sw: PlatformSwitch): boolean;
}

export type AppStore = StoreApi<AppState & AppActions>;

export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState & AppActions>()((set, get) => {
    // Each intent works out its change from the state before it and applies it in ONE set.
    // Every intent enters here, so this is the one place a read-only tab refuses an edit.
    const run = <N extends keyof AppActions>(name: N): AppActions[N] => {
      const { capture, change, refusedReadOnly } = INTENTS[name] as {
        capture: Capture;
        change: (s: AppState, ...args: unknown[]) => Change<unknown>;
        refusedReadOnly?: { result: unknown };
      };
      const apply = (...args: unknown[]): unknown => {
        const s = get();
        if (refusedReadOnly && s.readOnly !== undefined) {
          set({ notice: { kind: 'error', text: s.readOnly } });
          return refusedReadOnly.result;
        }
        const c = change(s, ...args);
        const update = updateOf(name, capture, s, c);
        if (update) set(update);
        return c.result;
      };
      return apply as AppActions[N];
    };
    const actions = Object.fromEntries(
      (Object.keys(INTENTS) as (keyof AppActions)[]).map((name) => [name, run(name)]),
    ) as unknown as AppActions;
    return {
      history: undefined,
      lessonMoves: undefined,
      log: [],
      viewport: FULL_VIEW,
      compressed: false,
      foldAlike: false,
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
      readOnly: undefined,
      draft: undefined,
      lastRun: undefined,
      formRequest: undefined,
      cursor: undefined,
      platformChange: undefined,
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

/** Why this tab may not change its workspace, or undefined when it may. */
export const selectReadOnly = (s: AppState): string | undefined => s.readOnly;

/** The lesson is open but the workspace is no longer the state the lesson put there. */
export const selectLessonDeparted = (s: AppState): boolean =>
  !!s.lesson && s.history?.present !== s.lesson.synced;
