import { describe, expect, it } from 'vitest';
import { load } from '../../src/core/scenario/index.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { checkSaved } from '../../src/store/autosave.ts';
import { pushHistory, redoHistory, startHistory, undoHistory } from '../../src/store/history.ts';
import { openText, restoreSaved, savedWorkspace } from '../../src/store/session.ts';
import { parseHash } from '../../src/store/share-link.ts';
import { buildShareHash, packScenario, unpackScenario } from '../../src/store/share-pack.ts';
import { workspaceText } from '../../src/store/scenario-files.ts';
import { builtinScenarios } from '../../src/store/scenarios/builtin.ts';
import { fitRange, makeViewport } from '../../src/view/viewport/viewport.ts';
import { readBack } from './autosave-round-trip.ts';
import { defaultStore, MAP } from './app-fixture.tsx';

describe('history', () => {
  it('is capped, and undo/redo walk it', () => {
    let h = startHistory(0);
    for (let i = 1; i <= 10; i++) h = pushHistory(h, i, 4);
    expect(h.past).toEqual([6, 7, 8, 9]);
    h = undoHistory(undoHistory(h));
    expect(h.present).toBe(8);
    h = redoHistory(h);
    expect(h.present).toBe(9);
    expect(pushHistory(h, 42).future).toEqual([]);
  });

  it('walks entries that are themselves undefined', () => {
    const h = pushHistory(pushHistory(startHistory<string | undefined>(undefined), 'a'), undefined);
    const back = undoHistory(undoHistory(h));
    expect(back).toEqual({ past: [], present: undefined, future: ['a', undefined] });
    expect(redoHistory(redoHistory(back))).toEqual(h);
  });
});

describe('app store', () => {
  it('an opened scenario is one history entry, however many steps it has', async () => {
    const store = defaultStore();
    expect(store.getState().history!.past).toHaveLength(0);
    store.getState().dispatch(MAP);
    await openText(store, await builtinScenarios()[0]!.text(), builtinScenarios()[0]!.id);
    expect(store.getState().history!.past).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().history!.present.userSteps).toHaveLength(1);
  });

  it('a failed action adds a log entry but no history entry', () => {
    const store = defaultStore();
    store.getState().dispatch({ ...MAP, iova: 0xfee00000n, size: 0x1000n });
    expect(store.getState().history!.past).toHaveLength(0);
    expect(store.getState().log).toHaveLength(2);
  });

  it('reports a scenario that does not load with its JSON path, keeping the workspace', async () => {
    const store = defaultStore();
    const before = store.getState().history;
    expect(
      await openText(
        store,
        '{"format":"iova-explorer.scenario/1","steps":[{"op":"vfio.map_dmaa"}]}',
        undefined,
      ),
    ).toBe(false);
    expect(store.getState().notice?.text).toMatch(/steps\[0\]/);
    expect(store.getState().history).toBe(before);
  });

  it('saves the workspace as a scenario whose replay gives the same mappings', async () => {
    const store = defaultStore();
    store.getState().dispatch(MAP);
    const text = workspaceText(store.getState().history!.present);
    const loaded = load(text);
    expect(loaded.ok && loaded.kind === 'scenario' && loaded.scenario.steps.length).toBe(6);
    const other = createAppStore();
    expect(await openText(other, text, undefined)).toBe(true);
    expect(other.getState().history!.present.state.vfio).toEqual(
      store.getState().history!.present.state.vfio,
    );
  });

  it('restores an autosave with the user actions as undoable entries', async () => {
    const store = defaultStore();
    store.getState().dispatch(MAP);
    store.getState().setViewport(fitRange({ start: 0x300000000n, last: 0x3001fffffn }));
    const saved = await readBack(
      (await savedWorkspace(store, (s) => workspaceText({ ...s, userSteps: [] })))!,
    );
    expect(checkSaved(JSON.parse(JSON.stringify(saved))).kind).toBe('ok');
    const other = createAppStore();
    expect((await restoreSaved(other, saved)).opened).toBe(true);
    expect(other.getState().history!.present.userSteps).toHaveLength(1);
    expect(other.getState().viewport).toEqual(store.getState().viewport);
    other.getState().undo();
    expect(other.getState().history!.present.userSteps).toHaveLength(0);
  });

  it('refuses an old or corrupt autosave with a message', () => {
    expect(checkSaved({ version: 0 })).toEqual({
      kind: 'unreadable',
      message: expect.stringMatching(/version 0/),
    });
    expect(checkSaved('garbage').kind).toBe('unreadable');
    expect(checkSaved({ version: 1, savedAt: 'x', scenarioText: 3 }).kind).toBe('unreadable');
    expect(checkSaved(undefined).kind).toBe('none');
  });
});

describe('share links', () => {
  it('round-trips a packed scenario through deflate-raw + base64url', async () => {
    const text = await builtinScenarios()[0]!.text();
    const packed = await packScenario(text);
    expect(packed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await unpackScenario(packed)).toEqual({ ok: true, text });
  });

  it('names a built-in scenario by id and the view in hex', async () => {
    const link = await buildShareHash(
      makeViewport(0xfffffffffffff000n, 12),
      'q35-gpu-vtd',
      () => '',
    );
    expect(link).toEqual({
      ok: true,
      hash: '#view=0xfffffffffffff000-0xffffffffffffffff&scenario=q35-gpu-vtd',
    });
    const parsed = parseHash(link.ok ? link.hash : '');
    expect(parsed.view).toEqual({ start: 0xfffffffffffff000n, last: 0xffffffffffffffffn });
    expect(parsed.scenarioId).toBe('q35-gpu-vtd');
  });

  it('says "export a file" beyond the size cap', async () => {
    let x = 0x9e3779b9;
    const noise = Array.from({ length: 60_000 }, () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return (x >>> 16).toString(36);
    }).join('');
    const link = await buildShareHash(makeViewport(0n, 40), undefined, () => noise);
    expect(link.ok).toBe(false);
    expect(!link.ok && link.message).toMatch(/export a file/);
  });

  it('reports a view it cannot read', () => {
    expect(parseHash('#view=banana').problem).toMatch(/banana/);
  });
});
