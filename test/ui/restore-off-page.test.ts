import { describe, expect, it } from 'vitest';
import { churnTrace } from '../bench/churn-trace.ts';
import type { AppStore } from '../../src/store/app-store.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { findingsOf } from '../../src/store/findings.ts';
import { runHostImport } from '../../src/store/host-import-run.ts';
import { createImportReader, inPlacePort } from '../../src/store/import-reader.ts';
import {
  restoreSaved,
  restoreSavedOffPage,
  restoresOffPage,
  savedWorkspace,
} from '../../src/store/session.ts';
import { yieldToPage } from '../../src/store/yield-to-page.ts';
import { fitRange } from '../../src/view/viewport/viewport.ts';
import { readBack } from './autosave-round-trip.ts';
import { defaultStore } from './app-fixture.tsx';
import { scenarioText } from '../../src/store/scenario-text.ts';

/**
 * A big autosaved workspace reopened off the page (the worker reads its texts, the page replays
 * in slices) is the workspace restoreSaved opens on the page, with the user's actions on top.
 */

const offPage = () => ({ reader: createImportReader(inPlacePort), yieldToPage });

async function importedWorkspace(): Promise<AppStore> {
  const store = defaultStore();
  const run = await runHostImport(
    store,
    createImportReader(inPlacePort),
    [{ id: 't', name: 'trace.log', text: churnTrace(3000) }],
    {
      guest: { kind: 'none' },
      traceGroup: 4,
      currentPlatform: store.getState().history?.present.scenario.platform,
      iommu: undefined,
    },
    { signal: new AbortController().signal, yieldToPage },
  );
  expect(run.kind).toBe('done');
  store.getState().dispatch({
    op: 'vfio.map_dma',
    container: 1,
    iova: 0x7000_0000_0000n,
    size: 0x20_0000n,
    vaddr: 0x7f00_0000_0000n,
    flags: ['READ', 'WRITE'],
  });
  store.getState().setViewport(fitRange({ start: 0xfee0_0000n, last: 0xfeef_ffffn }));
  return store;
}

function shown(store: AppStore) {
  const s = store.getState();
  const p = s.history!.present;
  return {
    scenario: p.scenario,
    host: p.host,
    userSteps: p.userSteps,
    vfio: p.state.vfio,
    viewport: s.viewport,
    findings: findingsOf(p).findings.map((f) => f.message),
  };
}

describe('restoring a big autosaved workspace off the page', () => {
  it('opens the workspace restoreSaved opens, its findings, user actions and view included', async () => {
    const store = await importedWorkspace();
    const saved = await readBack((await savedWorkspace(store, (s) => scenarioText(s.scenario)))!);
    expect(restoresOffPage(saved)).toBe(true);

    const onPage = createAppStore();
    expect((await restoreSaved(onPage, saved)).opened).toBe(true);
    const off = createAppStore();
    const restored = await restoreSavedOffPage(off, saved, {}, offPage());
    expect(restored).toEqual({ opened: true, setAside: [] });
    expect(shown(off)).toEqual(shown(onPage));
    expect(shown(off)).toEqual(shown(store));
    expect(off.getState().notice?.text).toMatch(/^restored your workspace \([\d,]+ steps\)$/);
    // The import and the user's action: two undo entries, as after restoreSaved.
    off.getState().undo();
    expect(off.getState().history!.present.userSteps).toEqual([]);
  });

  it('a host import that does not decode is left out with why; a scenario that does not load opens nothing', async () => {
    const store = await importedWorkspace();
    const saved = await readBack((await savedWorkspace(store, (s) => scenarioText(s.scenario)))!);
    const noHost = createAppStore();
    const restored = await restoreSavedOffPage(
      noHost,
      { ...saved, hostText: '{"facts": 3' },
      {},
      offPage(),
    );
    expect(restored.opened).toBe(true);
    expect(noHost.getState().history!.present.host).toBeUndefined();
    expect(noHost.getState().notice?.text).toMatch(
      /^restored the scenario, but the saved host import does not read .*, so its findings are left out$/,
    );

    const broken = createAppStore();
    expect(
      await restoreSavedOffPage(broken, { ...saved, scenarioText: '{"format": 1' }, {}, offPage()),
    ).toEqual({ opened: false, setAside: [] });
    expect(broken.getState().history).toBeUndefined();
    expect(broken.getState().notice?.kind).toBe('error');
  });
});
