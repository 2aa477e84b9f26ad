import type { AppStore, Notice } from './app-store.ts';
import type { SavedWorkspace } from './autosave.ts';
import type { KnownParts } from './autosave-parts.ts';
import { rememberFindings } from './findings-memo.ts';
import type { HostContext } from './host-import.ts';
import { CancelledError, type ImportReader } from './import-reader.ts';
import { notOpened } from './not-opened.ts';
import { unpackSteps } from './packed-import.ts';
import { openedReplay, replayInSlices } from './sliced-replay.ts';

/**
 * A big autosaved workspace (a long trace import, a long scenario file) reopened without holding
 * the page: the worker reads the scenario and host texts (JSON and the schema check of 45 MB held
 * the page for 2.5 s), the page replays the steps in slices with the progress in the notice, and
 * opens the workspace once, as restoreSaved does on the page for a small one. Pushes onto
 * `problems` why the host import was left out, if it was.
 */
export async function openSavedOffPage(
  store: AppStore,
  reader: ImportReader,
  saved: SavedWorkspace,
  known: KnownParts,
  yieldToPage: () => Promise<void>,
  problems: string[],
): Promise<boolean> {
  const tell = (n: Notice) => store.getState().notify(n);
  tell({ kind: 'info', text: 'restoring your workspace: reading it…' });
  let read;
  try {
    // The Blobs read from the autosave's parts, where there are: posting 100 MB of strings to the
    // worker held the page longer than reading them there.
    read = await reader.restore(
      known.scenarioText?.text ?? saved.scenarioText,
      saved.hostText === undefined ? undefined : (known.hostText?.text ?? saved.hostText),
    );
  } catch (e) {
    if (e instanceof CancelledError) return false;
    throw e;
  }
  if (!read.ok) return notOpened(store, 'the scenario', read.errors);
  const { scenario: head, host: hostHead, hostProblem, steps } = read.restored;
  if (hostProblem) problems.push(`${hostProblem}, so its findings are left out`);
  const source = unpackSteps(steps);
  const replayed = await replayInSlices(head.platform, source, {
    yieldToPage,
    onApplied: (applied, total) =>
      tell({
        kind: 'info',
        text: `restoring your workspace: ${count(applied)} of ${count(total)} steps applied`,
      }),
  });
  if (replayed.kind === 'setup-error')
    return notOpened(store, 'the scenario', [{ path: 'platform', message: replayed.message }]);
  if (replayed.kind === 'cancelled') return false;
  const scenario = { ...head, steps: replayed.steps };
  const host: HostContext | undefined = hostHead && {
    ...hostHead,
    steps: source.hostSteps,
    stepLines: source.hostLines,
  };
  if (host && read.findings) {
    try {
      rememberFindings(scenario, host, await read.findings);
    } catch {
      // The worker failed at them: the findings tab works them out on the page when it asks.
    }
  }
  const title = host
    ? `restored ${host.sources.join(', ')}`
    : `opened “${scenario.title ?? scenario.id ?? 'untitled scenario'}”`;
  store.getState().openWorkspace(openedReplay(scenario, replayed), saved.builtinId, title, host, {
    notice: {
      kind: 'info',
      text: `restored your workspace (${count(replayed.steps.length)} steps)`,
    },
  });
  return true;
}

const count = (n: number) => n.toLocaleString('en');
