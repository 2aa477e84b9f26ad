import type { AppStore, Notice } from './app-store.ts';
import type { ImportReader } from './import-reader.ts';
import { notOpened } from './not-opened.ts';
import { rememberScenarioText } from './scenario-text.ts';
import { openedReplay, replayInSlices } from './sliced-replay.ts';

/**
 * A long scenario file opened without holding the page: the worker parses and checks it (JSON
 * and the schema of a few megabytes took the page seconds) and sends its steps in short
 * messages; the page replays them in slices, telling its progress in the notice, and opens the
 * workspace as ONE history entry at the end. A file that does not load says why, and the
 * workspace stays as it was.
 */
export async function openScenarioOffPage(
  store: AppStore,
  reader: ImportReader,
  text: string,
  name: string,
  yieldToPage: () => Promise<void>,
): Promise<boolean> {
  const tell = (n: Notice) => store.getState().notify(n);
  tell({ kind: 'info', text: `opening ${name}: reading it…` });
  const loaded = await reader.loadScenario(text, (received, total) =>
    tell({
      kind: 'info',
      text: `opening ${name}: ${count(received)} of ${count(total)} steps read`,
    }),
  );
  if (!loaded.ok) return notOpened(store, 'the scenario', loaded.errors);
  const { scenario } = loaded;
  const steps = scenario.steps;
  let at = 0;
  const replayed = await replayInSlices(
    scenario.platform,
    { total: steps.length, next: () => steps[at++] },
    {
      yieldToPage,
      onApplied: (applied, total) =>
        tell({
          kind: 'info',
          text: `opening ${name}: ${count(applied)} of ${count(total)} steps applied`,
        }),
    },
  );
  if (replayed.kind === 'setup-error')
    return notOpened(store, 'the scenario', [{ path: 'platform', message: replayed.message }]);
  if (replayed.kind === 'cancelled') return false;
  rememberScenarioText(scenario, loaded.scenarioText);
  const title = scenario.title ?? scenario.id ?? 'untitled scenario';
  store
    .getState()
    .openWorkspace(openedReplay(scenario, replayed), undefined, `opened “${title}”`, undefined, {
      fit: true,
      notice: { kind: 'info', text: `opened ${name}` },
    });
  return true;
}

const count = (n: number) => n.toLocaleString('en');
