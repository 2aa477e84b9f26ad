import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadLessons } from '../../src/store/lesson-catalog.ts';
import { buildHostImport } from '../../src/store/host-import.ts';
import { updateOf } from '../../src/store/capture.ts';
import { importHost, openFile } from '../../src/store/session.ts';
import { builtinScenarios } from '../../src/store/scenarios/builtin.ts';
import { Toolbar } from '../../src/ui/app/Toolbar.tsx';
import { FULL_VIEW, fitRange } from '../../src/view/viewport/viewport.ts';
import { defaultStore, renderWith } from './app-fixture.tsx';
import { countUpdates, measure } from './count-updates.ts';

// The lessons load apart from the first view; the app loads them before a lesson or its scenario opens.
beforeAll(() => loadLessons());

afterEach(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');

describe('one gesture, one store update', () => {
  it('choosing a lesson in the toolbar opens it and asks for the Lessons tab in one update', () => {
    const store = defaultStore();
    renderWith(store, <Toolbar mapWidth={() => 1000} />);
    const picker = screen.getByLabelText('built-in scenario');
    expect(
      measure(store, () =>
        fireEvent.change(picker, { target: { value: 'lesson:top-of-64bit-space' } }),
      ),
    ).toEqual({ notifications: 1, entries: 1 });
    expect(store.getState().lesson?.id).toBe('top-of-64bit-space');
    expect(store.getState().tabRequest?.tab).toBe('lessons');
  });

  it('go to a range uncompresses the axis and fits it in one update, with no undo entry', () => {
    const store = defaultStore();
    store.getState().setCompressed(true);
    store.getState().setViewport(FULL_VIEW);
    renderWith(store, <Toolbar mapWidth={() => 1000} />);
    fireEvent.change(screen.getByLabelText('go to address or range'), {
      target: { value: '0xfee00000-0xfeefffff' },
    });
    expect(
      measure(store, () => fireEvent.click(screen.getByRole('button', { name: 'Go' }))),
    ).toEqual({ notifications: 1, entries: 0 });
    expect(store.getState().compressed).toBe(false);
    expect(store.getState().viewport).toEqual(fitRange({ start: 0xfee00000n, last: 0xfeefffffn }));
  });

  it('a host import opens, fits, says what it placed and shows the findings in one update', () => {
    const fixture = (name: string) =>
      readFileSync(resolve(ROOT, 'test/fixtures/hosts/amd-server', name), 'utf8');
    const inputs = ['reserved-regions.txt', 'errors.txt'].map((name) => ({
      id: name,
      name,
      text: fixture(name),
    }));
    const r = buildHostImport(inputs, {
      guest: { kind: 'preset', spec: 'q35:ram=1T,qemu=7.0,host=amd' },
      traceGroup: undefined,
    });
    if (!r.ok) throw new Error(r.error);
    const store = defaultStore();
    expect(measure(store, () => importHost(store, r.plan))).toEqual({
      notifications: 1,
      entries: 1,
    });
    expect(store.getState().notice?.text).toMatch(/^imported /);
    expect(store.getState().tabRequest?.tab).toBe('findings');
    expect(store.getState().viewport).not.toEqual(FULL_VIEW);
  });

  it('a scenario file opened is one update with its notice', async () => {
    const store = defaultStore();
    const file = new File([await builtinScenarios()[0]!.text()], 'mine.scenario.json');
    const counter = countUpdates(store);
    expect(await openFile(store, file)).toBe(true);
    expect(counter.stop()).toEqual({ notifications: 1, entries: 1 });
    expect(store.getState().notice?.text).toBe('opened mine.scenario.json');
  });
});

describe('the declared capture is enforced', () => {
  it('an intent declared NEVER cannot make an undo entry', () => {
    const s = defaultStore().getState();
    const present = s.history!.present;
    expect(() =>
      updateOf('setViewport', 'NEVER', s, { commit: present, result: undefined }),
    ).toThrow(/setViewport is declared NEVER/);
    expect(
      updateOf('openWorkspace', 'IMMEDIATELY', s, { commit: present, result: undefined })?.history
        ?.past,
    ).toHaveLength(1);
  });
});
