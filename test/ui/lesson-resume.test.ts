import { describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/core/lessons/index.ts';
import { createAppStore, selectLessonDeparted } from '../../src/store/app-store.ts';
import { AUTOSAVE_VERSION, checkSaved } from '../../src/store/autosave.ts';
import { loadLessons } from '../../src/store/lesson-catalog.ts';
import { doLessonStep, nextLessonStep, openLesson } from '../../src/store/lesson.ts';
import { workspaceText } from '../../src/store/scenario-files.ts';
import { restoreSaved, savedWorkspace } from '../../src/store/session.ts';
import { readBack } from './autosave-round-trip.ts';

/** A lesson whose step `at` has an action, and the index of such a step. */
const lesson = LESSONS.find((l) => l.steps.filter((s) => s.action).length >= 2)!;
const withAction = lesson.steps.filter((s) => s.action).map((s) => s.index);

async function saveAndReopen(store: ReturnType<typeof createAppStore>) {
  const saved = await readBack((await savedWorkspace(store, (s) => workspaceText(s)))!);
  const reopened = createAppStore();
  expect((await restoreSaved(reopened, saved)).opened).toBe(true);
  return { saved, reopened };
}

describe('a lesson is saved with the workspace', () => {
  it('reopening goes on at the same step, in the lesson’s state, with nothing new in history', async () => {
    await loadLessons();
    const store = createAppStore();
    const at = withAction[1]!;
    expect(openLesson(store, lesson.id, at)).toBe(true);
    const { saved, reopened } = await saveAndReopen(store);
    expect(saved.lesson).toEqual({ id: lesson.id, step: at, inSync: true, done: false });
    const s = reopened.getState();
    expect(s.lesson).toMatchObject({ id: lesson.id, step: at });
    expect(selectLessonDeparted(s)).toBe(false);
    expect(s.lesson?.done).toBeUndefined();
    // The step's action is still to do, and doing it gives what the lesson expects.
    const outcome = doLessonStep(reopened);
    expect(outcome?.ok).toBe(lesson.steps[at]!.action!.expect?.errno === undefined);
  });

  it('a step done stays done, with the outcome its action had; a Next goes on from it', async () => {
    await loadLessons();
    const store = createAppStore();
    const at = withAction[0]!;
    openLesson(store, lesson.id, at);
    const outcome = doLessonStep(store);
    const { saved, reopened } = await saveAndReopen(store);
    expect(saved.lesson).toMatchObject({ step: at, inSync: true, done: true });
    const s = reopened.getState();
    expect(s.lesson?.done?.outcome?.ok).toBe(outcome?.ok);
    expect(s.lesson?.done?.outcome?.message).toBe(outcome?.message);
    // Done is not applied twice: Do it does nothing, Next turns the page.
    expect(doLessonStep(reopened)).toBeUndefined();
    nextLessonStep(reopened);
    expect(reopened.getState().lesson?.step).toBe(at + 1);
  });

  it('a workspace that had left the lesson’s path reopens departed, Reset offered', async () => {
    await loadLessons();
    const store = createAppStore();
    openLesson(store, lesson.id, withAction[0]!);
    store.getState().dispatch({ op: 'vfio.container_create' });
    expect(selectLessonDeparted(store.getState())).toBe(true);
    const { saved, reopened } = await saveAndReopen(store);
    expect(saved.lesson?.inSync).toBe(false);
    expect(selectLessonDeparted(reopened.getState())).toBe(true);
    expect(reopened.getState().history?.present.userSteps.at(-1)).toMatchObject({
      op: 'vfio.container_create',
    });
  });

  it('a lesson this app does not have restores the workspace without it, and says so', async () => {
    const store = createAppStore();
    openLesson(store, lesson.id, 0);
    const saved = await readBack((await savedWorkspace(store, (s) => workspaceText(s)))!);
    const reopened = createAppStore();
    const restored = await restoreSaved(reopened, {
      ...saved,
      lesson: { ...saved.lesson!, id: 'gone' },
    });
    expect(restored.opened).toBe(true);
    expect(reopened.getState().lesson).toBeUndefined();
    expect(reopened.getState().notice?.text).toMatch(/saved in lesson "gone"/);
  });

  it('a saved lesson position that cannot be read costs only the position', () => {
    const r = checkSaved({
      version: AUTOSAVE_VERSION,
      savedAt: 'x',
      scenarioText: '{}',
      userStepsText: '{}',
      view: '0x0-0xfff',
      lesson: { id: 7 },
    });
    expect(r.kind).toBe('ok');
    expect(r.kind === 'ok' && r.saved.lesson).toBeUndefined();
  });
});
