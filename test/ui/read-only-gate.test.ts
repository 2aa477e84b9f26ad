import { beforeAll, describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/store/lesson-catalog.ts';
import { LESSONS } from '../../src/core/lessons/index.ts';
import type { AppActions, AppState, AppStore } from '../../src/store/app-store.ts';
import { INTENTS } from '../../src/store/intents.ts';
import { builtinScenarios } from '../../src/store/scenarios/builtin.ts';
import { openText } from '../../src/store/session.ts';
import { makeViewport } from '../../src/view/viewport/viewport.ts';
import { defaultStore, MAP } from './app-fixture.tsx';

// The lessons load apart from the first view; the app loads them before a lesson or its scenario opens.
beforeAll(() => loadLessons());

const REASON = 'This tab is read-only: another tab owns this workspace. Take over to edit.';

const LESSON = LESSONS[0]!;

/**
 * One call of every store action, as a user gesture would make it. Typed over every action, so
 * an intent added later has to be listed here, and the sweep below says whether it edits.
 */
const EVERY_ACTION: { readonly [N in keyof AppActions]: (store: AppStore) => unknown } = {
  openWorkspace: async (store) =>
    openText(store, await builtinScenarios()[1]!.text(), builtinScenarios()[1]!.id),
  dispatch: (store) => store.getState().dispatch(MAP),
  undo: (store) => store.getState().undo(),
  redo: (store) => store.getState().redo(),
  setViewport: (store) => store.getState().setViewport(makeViewport(0n, 20)),
  showRange: (store) => store.getState().showRange({ start: 0n, last: 0xfffn }),
  setCompressed: (store) => store.getState().setCompressed(true),
  setFoldAlike: (store) => store.getState().setFoldAlike(true),
  select: (store) => store.getState().select({ kind: 'group', group: 1 }),
  setFocus: (store) =>
    store.getState().setFocus({ ranges: [{ start: 0n, last: 0xfffn }], label: 'x' }),
  setExplained: (store) => store.getState().setExplained([]),
  clearExplained: (store) => store.getState().clearExplained(),
  openImport: (store) => store.getState().openImport(),
  closeImport: (store) => store.getState().closeImport(),
  showTab: (store) => store.getState().showTab('findings'),
  viewStep: (store) => store.getState().viewStep(0),
  setTheme: (store) => store.getState().setTheme('light'),
  openLesson: (store) => store.getState().openLesson(LESSON.id, { step: 1 }),
  goToLessonStep: (store) => store.getState().goToLessonStep(2),
  doLessonStep: (store) => store.getState().doLessonStep(),
  nextLessonStep: (store) => store.getState().nextLessonStep(),
  resumeLesson: (store) =>
    store.getState().resumeLesson({ id: LESSON.id, step: 1, inSync: false, done: false }),
  closeLesson: (store) => store.getState().closeLesson(),
  notify: (store) => store.getState().notify({ kind: 'info', text: 'hello' }),
  setReadOnly: (store) => store.getState().setReadOnly(REASON),
  setCursor: (store) =>
    store.getState().setCursor({
      laneId: 'container:1',
      kind: 'mapping',
      index: 0,
      start: 0n,
      last: 0x7fffffffn,
      label: '',
    }),
  switchPlatform: (store) =>
    store.getState().switchPlatform({ kind: 'host-bridge-windows-reserved', on: true }),
  fillForm: (store) =>
    store.getState().fillForm('vfio.unmap_dma', { container: '1', iova: '0x0', size: '0x1000' }),
  setDraft: (store) =>
    store.getState().setDraft({
      laneId: 'container:1',
      range: { start: 0x300000000n, last: 0x3001fffffn },
      adds: true,
      ok: true,
      label: 'would map',
    }),
};

/** The default scenario with one action of the user's own, undone once (so redo has a step). */
function storeWithHistory(): AppStore {
  const store = defaultStore();
  store.getState().dispatch(MAP);
  store.getState().dispatch({ ...MAP, iova: 0x300200000n });
  store.getState().undo();
  return store;
}

function workspaceOf(s: AppState) {
  return { history: s.history, log: s.log, lesson: s.lesson, importDialog: s.importDialog };
}

describe('a read-only tab, at the store where every intent enters', () => {
  it('refuses an action, an undo, a redo and an opened scenario, and says why', async () => {
    const store = storeWithHistory();
    store.getState().setReadOnly(REASON);
    const before = workspaceOf(store.getState());
    expect(store.getState().dispatch(MAP)).toBeUndefined();
    expect(store.getState().notice).toEqual({ kind: 'error', text: REASON });
    store.getState().notify(undefined);
    store.getState().undo();
    store.getState().redo();
    await openText(store, await builtinScenarios()[1]!.text(), builtinScenarios()[1]!.id);
    expect(workspaceOf(store.getState())).toEqual(before);
    expect(store.getState().notice?.text).toBe(REASON);
  });

  it('refuses lesson steps and the import dialog, returning what a refusal returns', () => {
    const store = defaultStore();
    expect(store.getState().openLesson(LESSON.id)).toBe(true);
    store.getState().setReadOnly(REASON);
    const before = workspaceOf(store.getState());
    expect(store.getState().openLesson(LESSON.id, { step: 2 })).toBe(false);
    expect(store.getState().goToLessonStep(3)).toBe(false);
    expect(store.getState().doLessonStep()).toBeUndefined();
    store.getState().nextLessonStep();
    store.getState().openImport();
    expect(workspaceOf(store.getState())).toEqual(before);
    expect(store.getState().notice?.text).toBe(REASON);
  });

  it('still navigates: view, selection, folding, a replay step looked at', () => {
    const store = storeWithHistory();
    store.getState().setReadOnly(REASON);
    const viewport = makeViewport(0n, 20);
    store.getState().setViewport(viewport);
    store.getState().select({ kind: 'group', group: 1 });
    store.getState().setCompressed(true);
    store.getState().setFoldAlike(true);
    store.getState().viewStep(0);
    const s = store.getState();
    expect(s.viewport).toEqual(viewport);
    expect(s.selection).toEqual({ kind: 'group', group: 1 });
    expect(s.compressed).toBe(true);
    expect(s.foldAlike).toBe(true);
    expect(s.stepView?.step).toBe(0);
    expect(s.notice).toBeUndefined();
  });

  it('edits again once editable, and the refusal it showed goes with the read-only state', () => {
    const store = defaultStore();
    store.getState().setReadOnly(REASON);
    store.getState().dispatch(MAP);
    expect(store.getState().notice?.text).toBe(REASON);
    store.getState().setReadOnly(undefined);
    expect(store.getState().notice).toBeUndefined();
    expect(store.getState().dispatch(MAP)?.ok).toBe(true);
    expect(store.getState().history!.present.userSteps).toHaveLength(1);
  });

  it('no action leaves the workspace changed, whichever it is; exactly the declared ones are refused', async () => {
    const refused: string[] = [];
    for (const [name, call] of Object.entries(EVERY_ACTION)) {
      const store = storeWithHistory();
      expect(store.getState().openLesson(LESSON.id, { step: 1 })).toBe(true);
      store.getState().setReadOnly(REASON);
      const before = store.getState().history;
      await call(store);
      expect(store.getState().history, name).toBe(before);
      if (store.getState().notice?.text === REASON) refused.push(name);
    }
    const declared = Object.entries(INTENTS)
      .filter(([, intent]) => 'refusedReadOnly' in intent)
      .map(([name]) => name);
    expect(refused.sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(
      [
        'dispatch',
        'doLessonStep',
        'goToLessonStep',
        'nextLessonStep',
        'openImport',
        'openLesson',
        'openWorkspace',
        'redo',
        'switchPlatform',
        'undo',
      ].sort(),
    );
  });
});
