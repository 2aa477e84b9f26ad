import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.ts';
import {
  LESSONS,
  type Lesson,
  lessonById,
  replayLessonThrough,
} from '../../src/core/lessons/index.ts';
import { show } from '../../src/core/scenario/index.ts';
import type { EngineState } from '../../src/core/state.ts';
import { addressSpaces } from '../../src/store/address-spaces.ts';
import type { AppStore } from '../../src/store/app-store.ts';
import { openLesson } from '../../src/store/lesson.ts';
import { LessonsPanel } from '../../src/ui/panels/LessonsPanel.tsx';
import { LogPanel } from '../../src/ui/panels/LogPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

const ID = 'iommufd-bind-attach-msi';

function lesson(id = ID): Lesson {
  const l = lessonById(id);
  if (!l) throw new Error(`no lesson ${id}`);
  return l;
}

function stepOf(title: string, id = ID): number {
  const s = lesson(id).steps.find((x) => x.title === title);
  if (!s) throw new Error(`no step ${title}`);
  return s.index;
}

/** What the map draws of a state: every container and IOAS with its ranges, areas and HWPTs, as text. */
function picture(state: EngineState): string {
  const v = addressSpaces(state);
  return show({
    containers: v.containers.map((c) => ({
      id: c.id,
      valid: c.validIova,
      reserved: c.reserved,
      mappings: c.mappings.toArray(),
      domains: c.domains,
    })),
    ioas: v.ioas.map((i) => ({
      id: i.id,
      valid: i.validIova,
      reserved: i.reserved,
      areas: i.areas.toArray(),
      hwpts: i.hwpts,
      align: i.iovaAlignment,
    })),
    devices: v.iommufdDevices,
  });
}

function present(store: AppStore) {
  const p = store.getState().history?.present;
  if (!p) throw new Error('no workspace');
  return p;
}

function pastLength(store: AppStore): number {
  return store.getState().history?.past.length ?? 0;
}

function both(store: AppStore) {
  return renderWith(
    store,
    <>
      <LessonsPanel />
      <LogPanel />
    </>,
  );
}

describe('the lessons list', () => {
  it('lists every lesson, the five seed threads and the incidents, with title, summary and story', () => {
    renderWith(defaultStore(), <LessonsPanel />);
    const items = screen.getAllByTestId('lesson-item');
    expect(items).toHaveLength(LESSONS.length);
    expect(LESSONS.length).toBeGreaterThan(5);
    LESSONS.forEach((l, i) => {
      const item = items[i] as HTMLElement;
      expect(within(item).getByRole('heading').textContent).toBe(l.title);
      expect(item.textContent).toContain(l.summary.slice(0, 60));
      expect(item.textContent).toContain(l.seed.subject);
      expect(item.textContent).toContain(l.seed.date);
      for (const p of l.seed.participants) expect(item.textContent).toContain(p);
    });
  });

  it('opening a lesson makes its scenario the workspace at the start, as one history entry', () => {
    const store = defaultStore();
    both(store);
    const before = pastLength(store);
    fireEvent.click(screen.getByRole('button', { name: `open lesson: ${lesson().title}` }));
    expect(pastLength(store)).toBe(before + 1);
    expect(store.getState().lesson?.id).toBe(ID);
    expect(store.getState().lesson?.step).toBe(0);
    expect(present(store).scenario.platform).toEqual(lesson().scenario.platform);
    expect(picture(present(store).state)).toBe(picture(replayLessonThrough(lesson(), -1).state));
    // The narrative: the first step's title and prose; the log names the lesson.
    expect(screen.getByTestId('lesson-step').textContent).toContain(
      lesson().steps[0]?.prose.slice(0, 40),
    );
    expect(screen.getByTestId('log').textContent).toContain(
      `lesson “${lesson().title}”, step 1 of ${lesson().steps.length}`,
    );
  });
});

describe('a lesson step', () => {
  it('shows the action in the log’s words, its expected outcome on request, and a quote as a quote', () => {
    const store = defaultStore();
    openLesson(store, ID, stepOf('Detach function 1: its reservation goes'));
    renderWith(store, <LessonsPanel />);
    const action = screen.getByTestId('lesson-action');
    expect(action.textContent).toMatch(/iommufd\.device_detach/);
    expect(action.textContent).not.toMatch(/expected:/);
    fireEvent.click(within(action).getByRole('button', { name: 'Show the expected answer' }));
    expect(action.textContent).toMatch(/expected: succeeds/);
    const quote = screen.getByRole('figure');
    expect(within(quote).getByText(/not just for last device in a group/).tagName).toBe(
      'BLOCKQUOTE',
    );
    expect(quote.querySelector('figcaption')?.textContent).toBe('— Kevin Tian, 2022-11-05');
  });

  it('Do it applies the action through the engine: the log shows EINVAL with its rule, the state stays', () => {
    const store = defaultStore();
    const step = stepOf('The MSI window is off limits');
    openLesson(store, ID, step);
    both(store);
    const before = present(store);
    const entries = pastLength(store);
    // The expected answer waits until asked for: the learner predicts first.
    expect(screen.queryByTestId('lesson-expected')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show the expected answer' }));
    expect(screen.getByTestId('lesson-expected').textContent).toBe('fails with EINVAL');
    fireEvent.click(screen.getByRole('button', { name: 'Do it' }));
    const top = screen.getByTestId('log').querySelector('li') as HTMLElement;
    expect(top.textContent).toContain('EINVAL');
    expect(top.textContent).toContain('iommufd.ioas_map');
    expect(top.textContent).toMatch(/rule: iopt_check_iova/);
    expect(screen.getByTestId('lesson-outcome').textContent).toContain('as the lesson expects');
    expect(present(store)).toBe(before);
    expect(pastLength(store)).toBe(entries);
    expect(screen.queryByRole('button', { name: 'Do it' })).toBeNull();
    expect(screen.queryByTestId('lesson-departed')).toBeNull();
  });

  it('a hint on request: hidden at first, shown and hidden again, gone on the next page', () => {
    const store = defaultStore();
    const step = stepOf('The MSI window is off limits');
    openLesson(store, ID, step);
    both(store);
    expect(screen.queryByTestId('lesson-hint')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Hint' }));
    const hint = screen.getByTestId('lesson-hint').textContent ?? '';
    expect(hint).toBe(lesson().steps[step]!.hint ?? `missing hint for step ${step + 1}`);
    // A hint points where to look; it does not give the errno away.
    expect(hint).not.toContain('EINVAL');
    expect(screen.queryByTestId('lesson-expected')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'hide the hint' }));
    expect(screen.queryByTestId('lesson-hint')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Hint' }));
    fireEvent.click(screen.getByRole('button', { name: 'next step' }));
    expect(screen.queryByTestId('lesson-hint')).toBeNull();
  });

  it('a step written without a hint explains the call it makes', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    expect(lesson().steps[step]!.hint).toBeUndefined();
    openLesson(store, ID, step);
    both(store);
    fireEvent.click(screen.getByRole('button', { name: 'Hint' }));
    expect(screen.getByTestId('lesson-hint').textContent).toMatch(
      /^IOMMU_IOAS_MAP: Pin user memory/,
    );
  });

  it('Do it on a map adds the area: one history entry, the state of the lesson after that step', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    openLesson(store, ID, step);
    both(store);
    const entries = pastLength(store);
    fireEvent.click(screen.getByRole('button', { name: 'Do it' }));
    expect(pastLength(store)).toBe(entries + 1);
    expect(addressSpaces(present(store).state).ioas[0]?.areas.size).toBe(1);
    expect(picture(present(store).state)).toBe(picture(replayLessonThrough(lesson(), step).state));
    expect(screen.queryByTestId('lesson-departed')).toBeNull();
  });

  it('next applies the pending action and moves on; prev and the step list replay the right state', () => {
    const store = defaultStore();
    openLesson(store, ID, 0);
    both(store);
    const target = stepOf('The MSI window is off limits');
    for (let i = 0; i < target; i++)
      fireEvent.click(screen.getByRole('button', { name: 'next step' }));
    expect(store.getState().lesson?.step).toBe(target);
    expect(picture(present(store).state)).toBe(
      picture(replayLessonThrough(lesson(), target - 1).state),
    );
    // The previous step's answer is repeated in the panel, and every step's outcome is in the log.
    expect(screen.getByTestId('lesson-previous-outcome').textContent).toContain(
      'as the lesson expects',
    );
    expect(screen.getAllByText('iommufd.ioas_map').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Do it' }));
    fireEvent.click(screen.getByRole('button', { name: 'next step' }));
    expect(screen.getByTestId('lesson-previous-outcome').textContent).toContain('EINVAL');
    expect(screen.getByTestId('log').textContent).toContain('EINVAL');

    const entries = pastLength(store);
    fireEvent.click(screen.getByRole('button', { name: 'previous step' }));
    expect(store.getState().lesson?.step).toBe(target);
    expect(pastLength(store)).toBe(entries + 1);
    expect(picture(present(store).state)).toBe(
      picture(replayLessonThrough(lesson(), target - 1).state),
    );

    const jump = stepOf('Which is enforced');
    fireEvent.change(screen.getByTestId('lesson-jump'), { target: { value: String(jump) } });
    expect(store.getState().lesson?.step).toBe(jump);
    expect(screen.getByTestId('lesson-step').querySelector('h3')?.textContent).toBe(
      'Which is enforced',
    );
    expect(picture(present(store).state)).toBe(
      picture(replayLessonThrough(lesson(), jump - 1).state),
    );
    // Two devices share the automatic HWPT; function 1's window is reserved in the IOAS.
    const io = addressSpaces(present(store).state).ioas[0];
    expect(io?.hwpts).toHaveLength(1);
    expect(io?.hwpts[0]?.devices).toEqual(['0000:01:00.0', '0000:01:00.1']);
    expect(
      io?.reserved.some((r) => r.owner === 'device 0000:01:00.1' && r.start === 0x20000000n),
    ).toBe(true);
  });

  it('the step view moves the map to that range with a margin', () => {
    const store = defaultStore();
    openLesson(store, ID, stepOf('Which is enforced'));
    const v = store.getState().viewport;
    // 0x20000000..0x200fffff (1 MiB) with a sixteenth on each side: a 2 MiB view around it.
    expect(v.zoom).toBe(21);
    expect(v.start).toBeLessThan(0x20000000n);
    expect(v.start + (1n << 21n)).toBeGreaterThan(0x200fffffn);
  });

  it('an action of the learner’s own departs from the lesson; reset to this step comes back', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    openLesson(store, ID, step);
    both(store);
    expect(screen.queryByTestId('lesson-departed')).toBeNull();
    const ioas = addressSpaces(present(store).state).ioas[0]?.id;
    act(() => {
      store.getState().dispatch({
        op: 'iommufd.ioas_map',
        ioas,
        flags: ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
        iova: 0x100000000n,
        length: 0x200000n,
        user_va: 0x7f0000000000n,
      } as unknown as Action);
    });
    expect(screen.getByTestId('lesson-departed').textContent).toMatch(/left the lesson/);
    fireEvent.click(screen.getByRole('button', { name: 'Reset to this step' }));
    expect(screen.queryByTestId('lesson-departed')).toBeNull();
    expect(store.getState().lesson?.step).toBe(step);
    expect(picture(present(store).state)).toBe(
      picture(replayLessonThrough(lesson(), step - 1).state),
    );
    // Undo after a Do it is a departure too: the map no longer shows the step's state.
    fireEvent.click(screen.getByRole('button', { name: 'Do it' }));
    act(() => store.getState().undo());
    expect(screen.getByTestId('lesson-departed')).toBeTruthy();
  });

  it('Next is one store update; undo after it shows the step again with Do it, not departed', () => {
    const store = defaultStore();
    const step = stepOf('Map guest RAM at a fixed IOVA');
    openLesson(store, ID, step);
    both(store);
    let notifications = 0;
    const unsubscribe = store.subscribe(() => notifications++);
    fireEvent.click(screen.getByRole('button', { name: 'next step' }));
    unsubscribe();
    expect(notifications).toBe(1);
    expect(screen.getByTestId('lesson-position').textContent).toBe(
      `step ${step + 2} of ${lesson().steps.length}`,
    );
    act(() => store.getState().undo());
    expect(screen.getByTestId('lesson-position').textContent).toBe(
      `step ${step + 1} of ${lesson().steps.length}`,
    );
    expect(screen.getByRole('button', { name: 'Do it' })).toBeTruthy();
    expect(screen.queryByTestId('lesson-departed')).toBeNull();
    expect(picture(present(store).state)).toBe(
      picture(replayLessonThrough(lesson(), step - 1).state),
    );
  });

  it('opening another scenario closes the lesson; all lessons goes back to the list', () => {
    const store = defaultStore();
    openLesson(store, ID, 3);
    renderWith(store, <LessonsPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'all lessons' }));
    expect(store.getState().lesson).toBeUndefined();
    expect(screen.getAllByTestId('lesson-item')).toHaveLength(LESSONS.length);
    openLesson(store, 'top-of-64bit-space');
    expect(store.getState().lesson?.id).toBe('top-of-64bit-space');
  });
});
