import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LESSONS, lessonById } from '../../src/core/lessons/index.ts';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { openLesson } from '../../src/store/lesson.ts';
import { boot, followHash, openBuiltin } from '../../src/store/session.ts';
import { parseHash } from '../../src/store/share-link.ts';
import { buildShareHash } from '../../src/store/share-pack.ts';
import { Toolbar } from '../../src/ui/app/Toolbar.tsx';
import { InspectorPanel } from '../../src/ui/panels/InspectorPanel.tsx';
import { builtinScenarios } from '../../src/store/scenarios/builtin.ts';
import { FULL_VIEW, fitRange } from '../../src/view/viewport/viewport.ts';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

function presentOf(store: ReturnType<typeof createAppStore>) {
  const p = store.getState().history?.present;
  if (!p) throw new Error('no workspace');
  return p;
}

const ID = 'iommufd-bind-attach-msi';

function stepOf(title: string): number {
  const s = lessonById(ID)?.steps.find((x) => x.title === title);
  if (!s) throw new Error(`no step ${title}`);
  return s.index;
}

describe('lesson share links', () => {
  it('parses #lesson=ID&at=N counted from 1 as the panel counts, next to the view', () => {
    const h = parseHash('#view=0x0-0xfff&lesson=iommufd-bind-attach-msi&at=9');
    expect(h.lesson).toEqual({ id: ID, step: 8 });
    expect(h.view).toEqual({ start: 0n, last: 0xfffn });
    expect(h.problem).toBeUndefined();
    expect(parseHash('#lesson=x&at=1').lesson).toEqual({ id: 'x', step: 0 });
    // at wins over an older step beside it
    expect(parseHash('#lesson=x&step=3&at=2').lesson).toEqual({ id: 'x', step: 1 });
    const zero = parseHash('#lesson=x&at=0');
    expect(zero.lesson).toEqual({ id: 'x', step: 0 });
    expect(zero.problem).toMatch(/step "0" is not a step number \(steps count from 1\)/);
  });

  it('still opens older links, whose &step=N counted from 0, at the same step', () => {
    const h = parseHash('#view=0x0-0xfff&lesson=iommufd-bind-attach-msi&step=12');
    expect(h.lesson).toEqual({ id: ID, step: 12 });
    expect(h.view).toEqual({ start: 0n, last: 0xfffn });
    expect(h.problem).toBeUndefined();
    expect(parseHash('#lesson=x').lesson).toEqual({ id: 'x', step: 0 });
    const bad = parseHash('#lesson=x&step=-3');
    expect(bad.lesson).toEqual({ id: 'x', step: 0 });
    expect(bad.problem).toMatch(/step "-3" is not a step number/);
  });

  it('builds the lesson link while a lesson is open', async () => {
    const link = await buildShareHash(
      fitRange({ start: 0n, last: 0xfffn }),
      undefined,
      () => 'unused',
      { id: ID, step: 7 },
    );
    // Store step 7 is the panel's "step 8 of N".
    expect(link).toEqual({ ok: true, hash: `#view=0x0-0xfff&lesson=${ID}&at=8` });
    const back = parseHash(link.ok ? link.hash : '');
    expect(back.lesson).toEqual({ id: ID, step: 7 });
  });

  it('every lesson is a built-in scenario by id, with all its steps', async () => {
    for (const id of [
      'iova-list-host-bridge-windows',
      ID,
      'type1-multi-domain',
      'acs-peer-to-peer',
      'top-of-64bit-space',
    ]) {
      const b = builtinScenarios().find((s) => s.id === id);
      expect(b?.lessonId).toBe(id);
      const store = createAppStore();
      expect(await openBuiltin(store, id)).toBe(true);
      expect(store.getState().history?.present.scenario.steps.length).toBe(
        lessonById(id)?.scenario.steps.length,
      );
      expect(store.getState().history?.present.builtinId).toBe(id);
    }
  });

  it('boot opens the lesson at the step, and the link’s view wins over the step’s', async () => {
    const store = createAppStore();
    const step = stepOf('Which is enforced');
    await boot(store, `#view=0x0-0x7fffffff&lesson=${ID}&step=${step}`, undefined);
    expect(store.getState().lesson).toMatchObject({ id: ID, step });
    expect(store.getState().history?.past).toHaveLength(0);
    expect(store.getState().viewport).toEqual(fitRange({ start: 0n, last: 0x7fffffffn }));
    expect(store.getState().notice).toBeUndefined();
  });

  it('an unknown lesson says so and opens the default scenario', async () => {
    const store = createAppStore();
    await boot(store, '#lesson=no-such-lesson&step=2', undefined);
    expect(store.getState().lesson).toBeUndefined();
    expect(store.getState().notice?.text).toMatch(/no lesson "no-such-lesson"/);
    expect(store.getState().history?.present.builtinId).toBe('q35-gpu-vtd');
  });

  it('a step beyond the lesson opens its last step, with a notice', () => {
    const store = createAppStore();
    expect(openLesson(store, ID, 999)).toBe(true);
    const last = (lessonById(ID)?.steps.length ?? 0) - 1;
    expect(store.getState().lesson?.step).toBe(last);
    expect(store.getState().notice?.text).toBe(
      `lesson ${ID} has steps 1 to ${last + 1}: opened step ${last + 1}`,
    );
  });

  it('a followed link opens another step, and does nothing for the step already shown', async () => {
    const store = defaultStore();
    await followHash(store, `#lesson=${ID}&step=5`);
    expect(store.getState().lesson?.step).toBe(5);
    const entries = store.getState().history?.past.length;
    await followHash(store, `#lesson=${ID}&step=5`);
    expect(store.getState().history?.past.length).toBe(entries);
    await followHash(store, `#lesson=${ID}&step=8`);
    expect(store.getState().lesson?.step).toBe(8);
    // The same step by the panel's count: nothing new to open.
    await followHash(store, `#lesson=${ID}&at=9`);
    expect(store.getState().lesson?.step).toBe(8);
    await followHash(store, `#lesson=${ID}&at=2`);
    expect(store.getState().lesson?.step).toBe(1);
  });

  it('the toolbar picker lists the lessons; choosing one opens it and asks for the Lessons tab; Share links it', async () => {
    const store = defaultStore();
    renderWith(store, <Toolbar mapWidth={() => 1000} />);
    const picker = screen.getByLabelText('built-in scenario') as HTMLSelectElement;
    const lessonOptions = [...picker.querySelectorAll('optgroup[label="Lessons"] option')];
    expect(lessonOptions).toHaveLength(LESSONS.length);
    fireEvent.change(picker, { target: { value: 'lesson:top-of-64bit-space' } });
    expect(store.getState().lesson?.id).toBe('top-of-64bit-space');
    expect(store.getState().tabRequest?.tab).toBe('lessons');
    expect(picker.value).toBe('lesson:top-of-64bit-space');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Share' }));
      await Promise.resolve();
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(location.hash).toContain('lesson=top-of-64bit-space&at=1');
  });
});

describe('iommufd lanes and the inspector on an area (lesson 001)', () => {
  it('an IOAS lane with its HWPT sub-lane, per-device reservations, areas; page split in the HWPTs’ sizes', () => {
    const store = createAppStore();
    openLesson(store, ID, stepOf('Which is enforced'));
    const lanes = lanesOf(presentOf(store));
    const io = lanes.find((l) => l.kind === 'ioas');
    const hw = lanes.find((l) => l.kind === 'hwpt');
    expect(io?.detail).toContain('1 HWPT(s) · 2 area(s)');
    expect(hw?.nested).toBe(true);
    expect(hw?.label).toBe(`HWPT ${hw?.id.split(':').at(-1)} (auto)`);
    // The SMMU MSI window is reserved by both functions: one span naming both devices.
    const msi = io?.spans.filter((s) => s.start === 0x8000000n) ?? [];
    expect(msi).toHaveLength(1);
    expect(msi[0]?.owner).toBe('device 0000:01:00.0, device 0000:01:00.1');
    // Function 1's own window, on the IOAS lane and on the HWPT its device is attached to.
    expect(io?.spans.find((s) => s.start === 0x20000000n)?.owner).toBe('device 0000:01:00.1');
    expect(hw?.spans.map((s) => s.start)).toEqual([0x8000000n, 0x20000000n]);
    // 4K | 2M | 1G, the SMMU's page sizes (not the 4 KiB IOVA alignment taken as a bitmap).
    expect(io?.pgsizeBitmap).toBe(0x40201000n);
  });

  it('an IOAS with no HWPT has no page split and says its areas are in no page table', () => {
    const store = createAppStore();
    openLesson(store, ID, stepOf('Its id is gone'));
    const lanes = lanesOf(presentOf(store));
    const io = lanes.find((l) => l.kind === 'ioas');
    expect(lanes.some((l) => l.kind === 'hwpt')).toBe(false);
    expect(io?.pgsizeBitmap).toBeUndefined();
    const area = io?.mappings?.first();
    if (!io || !area) throw new Error('no area');
    store.getState().select({ kind: 'mapping', laneId: io.id, start: area.start });
    renderWith(store, <InspectorPanel />);
    expect(screen.getByRole('heading', { level: 3 }).textContent).toBe('Area in IOAS 1');
    expect(screen.getByTestId('inspector-hwpts').textContent).toMatch(
      /none: no device is attached/,
    );
    expect(screen.queryByRole('table', { name: 'page split' })).toBeNull();
  });

  it('the inspector on an area of an attached IOAS: its HWPT and the split into SMMU pages', () => {
    const store = createAppStore();
    openLesson(store, ID, stepOf('Which is enforced'));
    const lanes = lanesOf(presentOf(store));
    const hw = lanes.find((l) => l.kind === 'hwpt');
    if (!hw) throw new Error('no HWPT lane');
    store.getState().select({ kind: 'mapping', laneId: hw.id, start: 0x40000000n });
    renderWith(store, <InspectorPanel />);
    expect(screen.getByTestId('inspector-range').textContent).toBe('0x40000000..0x7fffffff');
    expect(screen.getByTestId('inspector-hwpts').textContent).toMatch(
      /\(automatic\) · smmu0 · 0000:01:00\.0, 0000:01:00\.1/,
    );
    const table = screen.getByRole('table', { name: 'page split' });
    expect(table.textContent).toContain('1 GiB');
  });

  it('the full view of a step that shows the whole space is the whole space', () => {
    const store = createAppStore();
    openLesson(store, ID, stepOf('Nothing reserved yet'));
    expect(store.getState().viewport).toEqual(FULL_VIEW);
  });
});
