import { describe, expect, it } from 'vitest';
import { lessonById } from '../../src/core/lessons/index.ts';
import { selectLessonDeparted } from '../../src/store/app-store.ts';
import {
  doLessonStep,
  goToLessonStep,
  nextLessonStep,
  openLesson,
  resetLessonStep,
} from '../../src/store/lesson.ts';
import { defaultStore } from './app-fixture.tsx';
import { measure } from './count-updates.ts';

const ID = 'iommufd-bind-attach-msi';

function stepOf(title: string): number {
  const s = lessonById(ID)?.steps.find((x) => x.title === title);
  if (!s) throw new Error(`no step ${title}`);
  return s.index;
}

describe('a lesson gesture is one store update', () => {
  it('a jump of five steps is one notification and one undo entry', () => {
    const store = defaultStore();
    openLesson(store, ID, 0);
    expect(measure(store, () => goToLessonStep(store, 5))).toEqual({
      notifications: 1,
      entries: 1,
    });
    expect(store.getState().lesson?.step).toBe(5);
  });

  it('five one-step jumps are five notifications and five undo entries', () => {
    const store = defaultStore();
    openLesson(store, ID, 0);
    expect(
      measure(store, () => {
        for (let step = 1; step <= 5; step++) goToLessonStep(store, step);
      }),
    ).toEqual({ notifications: 5, entries: 5 });
  });

  it('Next that applies the step’s action is one notification and one undo entry', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    openLesson(store, ID, step);
    expect(measure(store, () => nextLessonStep(store))).toEqual({ notifications: 1, entries: 1 });
    expect(store.getState().lesson?.step).toBe(step + 1);
    expect(selectLessonDeparted(store.getState())).toBe(false);
  });

  it('Next on a step without an action only turns the page: one notification, no undo entry', () => {
    const store = defaultStore();
    openLesson(store, ID, 0);
    expect(lessonById(ID)?.steps[0]?.action).toBeUndefined();
    expect(measure(store, () => nextLessonStep(store))).toEqual({ notifications: 1, entries: 0 });
    expect(store.getState().lesson?.step).toBe(1);
  });

  it('Next over a step whose action fails is one notification and no undo entry; the log has the answer', () => {
    const store = defaultStore();
    openLesson(store, ID, stepOf('The MSI window is off limits'));
    const log = store.getState().log.length;
    expect(measure(store, () => nextLessonStep(store))).toEqual({ notifications: 1, entries: 0 });
    expect(store.getState().log).toHaveLength(log + 1);
    expect(store.getState().lesson?.previous?.outcome?.ok).toBe(false);
    expect(selectLessonDeparted(store.getState())).toBe(false);
  });

  it('Next after Do it turns the page without another entry; undo then undoes that action', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    openLesson(store, ID, step);
    const before = store.getState().history?.present;
    expect(measure(store, () => doLessonStep(store))).toEqual({ notifications: 1, entries: 1 });
    expect(measure(store, () => nextLessonStep(store))).toEqual({ notifications: 1, entries: 0 });
    store.getState().undo();
    expect(store.getState().history?.present).toBe(before);
  });

  it('Reset to this step is one notification and one undo entry', () => {
    const store = defaultStore();
    openLesson(store, ID, stepOf('Map guest RAM at a fixed IOVA'));
    doLessonStep(store);
    store.getState().undo();
    expect(selectLessonDeparted(store.getState())).toBe(true);
    expect(measure(store, () => resetLessonStep(store))).toEqual({
      notifications: 1,
      entries: 1,
    });
    expect(selectLessonDeparted(store.getState())).toBe(false);
  });
});

describe('undo and redo over lesson moves', () => {
  it('undo after Next returns to the step with its action pending, on the lesson’s path', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    openLesson(store, ID, step);
    const atStep = store.getState().history?.present;
    nextLessonStep(store);
    expect(measure(store, () => store.getState().undo())).toEqual({
      notifications: 1,
      entries: -1,
    });
    expect(store.getState().history?.present).toBe(atStep);
    expect(store.getState().lesson?.step).toBe(step);
    expect(store.getState().lesson?.done).toBeUndefined();
    expect(selectLessonDeparted(store.getState())).toBe(false);
    store.getState().redo();
    expect(store.getState().lesson?.step).toBe(step + 1);
    expect(selectLessonDeparted(store.getState())).toBe(false);
  });

  it('undo after a jump returns to the step jumped from; undo after opening closes the lesson', () => {
    const store = defaultStore();
    const scenario = store.getState().history?.present;
    openLesson(store, ID, 2);
    goToLessonStep(store, 9);
    store.getState().undo();
    expect(store.getState().lesson?.step).toBe(2);
    expect(selectLessonDeparted(store.getState())).toBe(false);
    store.getState().undo();
    expect(store.getState().history?.present).toBe(scenario);
    expect(store.getState().lesson).toBeUndefined();
    store.getState().redo();
    expect(store.getState().lesson?.step).toBe(2);
    expect(selectLessonDeparted(store.getState())).toBe(false);
  });
});
