import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.ts';
import { lessonById } from '../../src/core/lessons/index.ts';
import { selectLessonDeparted } from '../../src/store/app-store.ts';
import { lessonAction, openLesson, resetLessonStep } from '../../src/store/lesson.ts';
import { ActionsPanel } from '../../src/ui/actions/ActionsPanel.tsx';
import { LessonsPanel } from '../../src/ui/panels/LessonsPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

// type1-multi-domain, step 7 (index 6): a VFIO_IOMMU_MAP_DMA that succeeds.
const lesson = lessonById('type1-multi-domain')!;
const AT = 6;

function openAtMap() {
  const store = defaultStore();
  act(() => {
    openLesson(store, lesson.id, AT);
  });
  renderWith(
    store,
    <>
      <LessonsPanel />
      <ActionsPanel />
    </>,
  );
  return store;
}

describe('the learner acts through the Actions form', () => {
  it('Fill the Actions form puts the step’s action in the form; running it there does the step', () => {
    const store = openAtMap();
    const own = lessonAction(lesson, AT)! as Extract<Action, { op: 'vfio.map_dma' }>;
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Fill the Actions form' }));
    });
    expect(store.getState().tabRequest).toEqual({ tab: 'actions' });
    const form = screen.getByRole('form', { name: 'vfio.map_dma form' });
    expect((within(form).getByLabelText(/^iova$/) as HTMLInputElement).value).toBe(
      `0x${own.iova.toString(16)}`,
    );
    expect((within(form).getByLabelText(/^size$/) as HTMLInputElement).value).toBe(
      `0x${own.size.toString(16)}`,
    );
    expect(within(form).getByTestId('dry-run').textContent).toMatch(/^would succeed/);
    act(() => {
      fireEvent.click(within(form).getByRole('button', { name: /^Run vfio.map_dma/ }));
    });
    const s = store.getState();
    expect(s.lesson?.done?.outcome?.ok).toBe(true);
    expect(selectLessonDeparted(s)).toBe(false);
    expect(screen.getByTestId('lesson-outcome').textContent).toMatch(/as the lesson expects/);
    expect(screen.queryByTestId('lesson-off-path')).toBeNull();
  });

  it('a wrong action that fails is explained, names what differs, and leaves the step to do', () => {
    const store = openAtMap();
    const own = lessonAction(lesson, AT)! as Extract<Action, { op: 'vfio.map_dma' }>;
    act(() => {
      store.getState().dispatch({ ...own, iova: own.iova + 0x10n });
    });
    const why = screen.getByTestId('lesson-off-path').textContent ?? '';
    expect(why).toMatch(/the kernel refused it with EINVAL/);
    expect(why).toContain(
      `not this step's action: iova 0x${(own.iova + 0x10n).toString(16)} instead of 0x${own.iova.toString(16)}`,
    );
    expect(why).toMatch(/Nothing changed/);
    expect(selectLessonDeparted(store.getState())).toBe(false);
    expect(store.getState().lesson?.done).toBeUndefined();
    expect(screen.getByRole('button', { name: 'Do it' })).toBeTruthy();
  });

  it('a wrong action that succeeds leaves the path: explained, with Reset to this step back', () => {
    const store = openAtMap();
    act(() => {
      store.getState().dispatch({ op: 'vfio.container_create' });
    });
    expect(selectLessonDeparted(store.getState())).toBe(true);
    expect(screen.getByTestId('lesson-off-path').textContent).toMatch(
      /You ran vfio.container_create: the kernel accepted it .* not this step's action: vfio.container_create instead of vfio.map_dma/,
    );
    expect(screen.getByTestId('lesson-departed')).toBeTruthy();
    act(() => {
      resetLessonStep(store);
    });
    expect(selectLessonDeparted(store.getState())).toBe(false);
    expect(screen.queryByTestId('lesson-off-path')).toBeNull();
  });
});
