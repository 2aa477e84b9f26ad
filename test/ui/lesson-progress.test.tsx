import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LESSONS } from '../../src/core/lessons/index.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { closeLesson, nextLessonStep, openLesson } from '../../src/store/lesson.ts';
import {
  readProgress,
  trackLessonProgress,
  withStepReached,
} from '../../src/ui/app/lesson-progress.ts';
import { LessonsPanel } from '../../src/ui/panels/LessonsPanel.tsx';
import { renderWith } from './app-fixture.tsx';

beforeEach(() => localStorage.clear());
afterEach(cleanup);

const lesson = LESSONS[1]!;
const item = (title: string) =>
  screen.getAllByTestId('lesson-item').find((li) => li.querySelector('h3')?.textContent === title)!;

describe('the lesson list remembers how far the learner got', () => {
  it('keeps the furthest step, from 1, and marks the lesson done at its last step', () => {
    let book = withStepReached({}, 'a', 3, 10);
    expect(book).toEqual({ a: { reached: 4, steps: 10, done: false } });
    expect(withStepReached(book, 'a', 1, 10)).toBe(book); // going back keeps the furthest
    book = withStepReached(book, 'a', 9, 10);
    expect(book['a']).toEqual({ reached: 10, steps: 10, done: true });
    expect(withStepReached(book, 'a', 0, 10)['a']?.done).toBe(true);
  });

  it('shows "step N of M reached" with a way to go on there, then "done"', () => {
    const store = createAppStore();
    const stop = trackLessonProgress(store);
    openLesson(store, lesson.id, 0);
    nextLessonStep(store);
    nextLessonStep(store);
    closeLesson(store);
    expect(readProgress()[lesson.id]).toMatchObject({ reached: 3 });
    renderWith(store, <LessonsPanel />);
    const li = item(lesson.title);
    expect(within(li).getByTestId('lesson-progress').textContent).toBe(
      `step 3 of ${lesson.steps.length} reached`,
    );
    act(() => {
      fireEvent.click(
        within(li).getByRole('button', { name: `go on with lesson: ${lesson.title}` }),
      );
    });
    expect(store.getState().lesson).toMatchObject({ id: lesson.id, step: 2 });
    act(() => {
      store.getState().goToLessonStep(lesson.steps.length - 1);
      closeLesson(store);
    });
    expect(within(item(lesson.title)).getByTestId('lesson-progress').textContent).toBe(
      `done: all ${lesson.steps.length} steps read`,
    );
    // Another lesson, never opened, says nothing.
    expect(within(item(LESSONS[0]!.title)).queryByTestId('lesson-progress')).toBeNull();
    stop();
  });
});
