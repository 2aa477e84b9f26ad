import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { lessonById } from '../../src/core/lessons/index.ts';
import { selectLessonDeparted } from '../../src/store/app-store.ts';
import { lessonAction, openLesson, resetLessonStep } from '../../src/store/lesson.ts';
import { LessonsPanel } from '../../src/ui/panels/LessonsPanel.tsx';
import { TopologyPanel } from '../../src/ui/panels/TopologyPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

// iova-list-host-bridge-windows, step 8 (index 7): guest RAM at 1 GiB refused, EINVAL.
const lesson = lessonById('iova-list-host-bridge-windows')!;

function openAt(step: number) {
  const store = defaultStore();
  act(() => {
    openLesson(store, lesson.id, step);
  });
  renderWith(
    store,
    <>
      <LessonsPanel />
      <TopologyPanel />
    </>,
  );
  return store;
}

describe('platform switches are controls, and the lesson says what flipping one did', () => {
  it('unticking host bridge windows reserved replays the steps: the refused map now succeeds', () => {
    const store = openAt(7);
    const box = screen.getByLabelText(/Host bridge windows reserved/) as HTMLInputElement;
    expect(box.checked).toBe(true);
    act(() => {
      fireEvent.click(box);
    });
    const s = store.getState();
    expect(s.history?.present.scenario.platform?.hostBridgeWindowsReserved).toBe(false);
    expect(selectLessonDeparted(s)).toBe(true);
    const said = screen.getByTestId('lesson-platform-change').textContent ?? '';
    expect(said).toContain('host bridge windows reserved: off');
    expect(said).toContain('step 3 (iommu.group_resv_regions) now succeeds');
    expect(said).toContain('step 7 (vfio.get_info) now succeeds: result.iova_ranges');
    // The step's own map, run on this platform, is accepted (and explained as off the path).
    act(() => {
      store.getState().dispatch(lessonAction(lesson, 7)!);
    });
    expect(store.getState().lastRun?.outcome.ok).toBe(true);
    expect(screen.getByTestId('lesson-off-path').textContent).toContain('the kernel accepted it');
    act(() => store.getState().undo());
    expect(
      (screen.getByLabelText(/Host bridge windows reserved/) as HTMLInputElement).checked,
    ).toBe(false);
    expect(s.log.at(-1)).toMatchObject({
      kind: 'scenario',
      title: 'platform: host bridge windows reserved: off',
    });
    // Undo puts the switch back; Reset to this step too.
    act(() => store.getState().undo());
    expect(store.getState().history?.present.scenario.platform?.hostBridgeWindowsReserved).toBe(
      true,
    );
    expect(screen.queryByTestId('lesson-platform-change')).toBeNull();
    act(() => store.getState().redo());
    act(() => {
      resetLessonStep(store);
    });
    expect(store.getState().history?.present.scenario.platform?.hostBridgeWindowsReserved).toBe(
      true,
    );
    expect(selectLessonDeparted(store.getState())).toBe(false);
  });

  it('ACS on a port regroups the devices below it; the kernel version and entry limit are controls too', () => {
    const l = lessonById('acs-peer-to-peer')!;
    const store = defaultStore();
    act(() => {
      openLesson(store, l.id, 1);
    });
    renderWith(store, <TopologyPanel />);
    const groupOf = (bdf: string) => store.getState().history?.present.state.index.groupOf.get(bdf);
    expect(groupOf('0000:02:00.0')).toBe(groupOf('0000:03:00.0'));
    act(() => {
      fireEvent.click(screen.getByLabelText(/ACS on 0000:02:00.0/));
    });
    expect(groupOf('0000:02:00.0')).not.toBe(groupOf('0000:03:00.0'));
    act(() => {
      fireEvent.change(screen.getByLabelText('kernel'), { target: { value: '6.6' } });
    });
    expect(store.getState().history?.present.state.index.platform.kernel.version).toBe('6.6');
    const limit = screen.getByLabelText('vfio_iommu_type1.dma_entry_limit');
    act(() => {
      fireEvent.change(limit, { target: { value: '4x' } });
    });
    expect(screen.getByRole('alert').textContent).toContain('expected a whole number of entries');
    act(() => {
      fireEvent.change(limit, { target: { value: '4' } });
      fireEvent.keyDown(limit, { key: 'Enter' });
    });
    expect(
      store.getState().history?.present.state.index.platform.moduleParams[
        'vfio_iommu_type1.dma_entry_limit'
      ],
    ).toBe(4);
  });
});
