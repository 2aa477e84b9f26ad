import { describe, expect, it } from 'vitest';
import { save } from '../../src/core/scenario/index.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import { asciiJson } from '../../src/store/ascii-json.ts';
import { createImportReader, inPlacePort, OFF_PAGE_CHARS } from '../../src/store/import-reader.ts';
import { scenarioText } from '../../src/store/scenario-text.ts';
import { builtinScenario, DEFAULT_SCENARIO_ID } from '../../src/store/scenarios/builtin.ts';
import { openFile, openText } from '../../src/store/session.ts';
import { yieldToPage } from '../../src/store/yield-to-page.ts';
import { defaultStore } from './app-fixture.tsx';

/**
 * A scenario file too long to parse on the page at once is parsed by the import reader and
 * replayed in slices: the same workspace as opening it in one go, ONE history entry, its
 * progress in the notice; a file that does not load leaves the workspace as it was.
 */

/** The default scenario with a BAR window remapped again and again after its own steps. */
const DEFAULT_TEXT = await builtinScenario(DEFAULT_SCENARIO_ID)!.text();

function longScenario(): string {
  const s = JSON.parse(DEFAULT_TEXT) as { steps: unknown[] };
  for (let i = 0; i < 6000; i++) {
    const iova = `0x${(0x800000000 + (i % 64) * 0x200000).toString(16)}`;
    s.steps.push(
      i % 2 === 0 || i < 64
        ? {
            op: 'vfio.map_dma',
            container: '$c1',
            iova,
            size: '0x200000',
            flags: ['READ', 'WRITE'],
            vaddr: '0x7f3000000000',
          }
        : { op: 'vfio.unmap_dma', container: '$c1', iova, size: '0x200000', flags: [] },
    );
  }
  return JSON.stringify(s, null, 2);
}

const offPage = () => ({ reader: createImportReader(inPlacePort), yieldToPage });

describe('a long scenario file', () => {
  it('opens off the page as the same workspace, in ONE history entry', async () => {
    const text = longScenario();
    expect(text.length).toBeGreaterThan(OFF_PAGE_CHARS);
    const store = defaultStore();
    const before = store.getState().history!;
    const notices: string[] = [];
    store.subscribe((s, p) => {
      if (s.notice !== p.notice && s.notice) notices.push(s.notice.text);
    });
    const file = Object.assign(new Blob([text]), { name: 'long.json' });
    expect(await openFile(store, file, offPage())).toBe(true);
    const after = store.getState().history!;
    expect(after.past.length).toBe(before.past.length + 1);
    expect(store.getState().notice?.text).toBe('opened long.json');
    expect(notices.some((n) => /^opening long\.json: [\d,]+ of 6,005 steps applied$/.test(n))).toBe(
      true,
    );

    const once = createAppStore();
    expect(await openText(once, text, undefined)).toBe(true);
    const expected = once.getState().history!.present;
    expect(after.present.scenario).toEqual(expected.scenario);
    expect(after.present.state.vfio).toEqual(expected.state.vfio);
    const detail = (st: typeof store) => (st.getState().log.at(-1) as { detail?: unknown }).detail;
    expect(detail(store)).toEqual(detail(once));
    // Its text for the autosave, made in the worker as a Blob (autosave-parts.ts).
    const saved = await scenarioText(after.present.scenario);
    expect(saved).toBeInstanceOf(Blob);
    expect(await (saved as Blob).text()).toBe(asciiJson(save(expected.scenario)));
  });

  it('that does not load says why, and the workspace stays', async () => {
    const store = defaultStore();
    const before = store.getState().history;
    const text = `${longScenario().slice(0, -2)},]`;
    const file = Object.assign(new Blob([text]), { name: 'broken.json' });
    expect(await openFile(store, file, offPage())).toBe(false);
    expect(store.getState().history).toBe(before);
    expect(store.getState().notice).toMatchObject({ kind: 'error' });
    // What opening it in one go says.
    const once = defaultStore();
    await openText(once, text, undefined);
    expect(store.getState().notice?.text).toBe(once.getState().notice?.text);
    expect(store.getState().notice?.text).toMatch(/^the scenario could not be opened: line \d+/);
  });
});
