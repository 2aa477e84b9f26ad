import { formatLoadError, load } from '../core/scenario/index.ts';
import type { Action } from '../core/actions.ts';
import { parseU64, type Range } from '../core/u64.ts';
import { BUILTIN_SCENARIOS, builtinScenario, DEFAULT_SCENARIO_ID } from './scenarios/builtin.ts';
import { fitRange, formatViewParam, parseViewParam } from '../view/viewport/viewport.ts';
import type { AppStore, Notice } from './app-store.ts';
import { AUTOSAVE_VERSION, readAutosave, type SavedWorkspace, writeAutosave } from './autosave.ts';
import { parseHash, unpackScenario } from './share-link.ts';
import type { HostContext, HostImportPlan, ImportInput } from './host-import.ts';
import { decodeHost, encodeHost } from './host-codec.ts';
import { openScenario, openScenarioText, type Snapshot, userStepsText } from './workspace.ts';
import { defaultViewRange } from './default-view.ts';
import { openLesson } from './lesson.ts';

/** Files above this size are refused before they are read. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export { defaultViewRange };

function fitWorkspace(store: AppStore): void {
  const present = store.getState().history?.present;
  const r = present && defaultViewRange(present);
  if (r) store.getState().setViewport(fitRange(r));
}

/**
 * Opens scenario text as a new history entry, fitted and with `notice` in the same store update;
 * a load error becomes a notice.
 */
export function openText(
  store: AppStore,
  text: string,
  builtinId: string | undefined,
  fit = true,
  notice?: Notice,
): boolean {
  const opened = openScenarioText(text);
  if (!opened.ok) {
    store.getState().notify({
      kind: 'error',
      text: `the scenario could not be opened: ${opened.errors.map(formatLoadError).join('; ')}`,
    });
    return false;
  }
  const title = opened.scenario.title ?? opened.scenario.id ?? 'untitled scenario';
  store
    .getState()
    .openWorkspace(opened, builtinId, `opened “${title}”`, undefined, { fit, notice });
  return true;
}

export function openBuiltin(store: AppStore, id: string, fit = true): boolean {
  const b = builtinScenario(id);
  if (!b) {
    store.getState().notify({
      kind: 'error',
      text: `there is no built-in scenario "${id}" (known: ${BUILTIN_SCENARIOS.map((s) => s.id).join(', ')})`,
    });
    return false;
  }
  return openText(store, b.text, b.id, fit);
}

/** Reads a dropped or chosen file, refusing oversized ones before reading them. */
export async function openFile(store: AppStore, file: Blob & { name?: string }): Promise<boolean> {
  if (file.size > MAX_FILE_BYTES) {
    store.getState().notify({
      kind: 'error',
      text: `${file.name ?? 'the file'} is ${(file.size / 1048576).toFixed(1)} MB: files above 20 MB are refused`,
    });
    return false;
  }
  return openText(store, await file.text(), undefined, true, {
    kind: 'info',
    text: `opened ${file.name ?? 'the file'}`,
  });
}

function applyUserSteps(store: AppStore, text: string): string | undefined {
  const loaded = load(text);
  if (!loaded.ok || loaded.kind !== 'scenario') return 'the saved actions could not be read';
  for (const step of loaded.scenario.steps) {
    const { as: _as, expect: _expect, ...action } = step;
    store.getState().dispatch(action as unknown as Action);
  }
  return undefined;
}

function viewFrom(text: string): Range | undefined {
  return parseViewParam(text, (s) => {
    const r = parseU64(s);
    return r.ok ? r.value : undefined;
  });
}

export function restoreSaved(store: AppStore, saved: SavedWorkspace): boolean {
  const problems: string[] = [];
  let host: HostContext | undefined;
  if (saved.hostText !== undefined) {
    const decoded = decodeHost(saved.hostText);
    if (decoded.ok) host = decoded.host;
    else problems.push(`${decoded.error}, so its findings are left out`);
  }
  if (host) {
    const opened = openScenarioText(saved.scenarioText);
    if (!opened.ok) {
      store.getState().notify({
        kind: 'error',
        text: `the scenario could not be opened: ${opened.errors.map(formatLoadError).join('; ')}`,
      });
      return false;
    }
    store
      .getState()
      .openWorkspace(opened, saved.builtinId, `restored ${host.sources.join(', ')}`, host);
  } else if (!openText(store, saved.scenarioText, saved.builtinId, false)) {
    return false;
  }
  const problem = applyUserSteps(store, saved.userStepsText);
  if (problem) problems.push(problem);
  if (problems.length)
    store
      .getState()
      .notify({ kind: 'error', text: `restored the scenario, but ${problems.join('; ')}` });
  const view = viewFrom(saved.view);
  if (view) store.getState().setViewport(fitRange(view));
  else fitWorkspace(store);
  return true;
}

/**
 * First open: a share link wins, then the autosave, then the default scenario. Whatever fails
 * says so in a notice and falls through to the next, so the page is never blank.
 */
export async function boot(
  store: AppStore,
  hash: string,
  idb: IDBFactory | undefined,
): Promise<void> {
  const link = parseHash(hash);
  let opened = false;
  if (link.packed !== undefined) {
    try {
      opened = openText(store, await unpackScenario(link.packed), undefined);
    } catch {
      store.getState().notify({
        kind: 'error',
        text: 'the scenario in the link is damaged (it does not unpack); opened the default scenario instead',
      });
    }
  } else if (link.lesson !== undefined) {
    opened = openLesson(store, link.lesson.id, link.lesson.step, !link.view);
  } else if (link.scenarioId !== undefined) {
    opened = openBuiltin(store, link.scenarioId);
  }
  if (
    !opened &&
    idb &&
    link.packed === undefined &&
    link.scenarioId === undefined &&
    link.lesson === undefined
  ) {
    const restored = await readAutosave(idb);
    if (restored.kind === 'ok') {
      opened = restoreSaved(store, restored.saved);
      if (!opened)
        store.getState().notify({
          kind: 'error',
          text: 'the autosaved workspace could not be opened; opened the default scenario instead',
        });
    } else if (restored.kind === 'unreadable') {
      store.getState().notify({
        kind: 'error',
        text: `${restored.message}; opened the default scenario instead`,
      });
    }
  }
  if (!opened) openBuiltin(store, DEFAULT_SCENARIO_ID);
  if (link.view) store.getState().setViewport(fitRange(link.view));
  if (link.problem) store.getState().notify({ kind: 'error', text: link.problem });
}

export function savedWorkspace(
  store: AppStore,
  scenarioText: (s: Snapshot) => string,
): SavedWorkspace | undefined {
  const { history, viewport } = store.getState();
  if (!history) return undefined;
  const p = history.present;
  return {
    version: AUTOSAVE_VERSION,
    savedAt: new Date().toISOString(),
    scenarioText: scenarioText(p),
    builtinId: p.builtinId,
    userStepsText: userStepsText(p.userSteps),
    view: formatViewParam(viewport),
    ...(p.host ? { hostText: encodeHost(p.host) } : {}),
  };
}

/** Saves after every workspace change (and, debounced, after view changes). */
export function startAutosave(
  store: AppStore,
  idb: IDBFactory,
  scenarioText: (s: Snapshot) => string,
  delayMs = 400,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const saved = savedWorkspace(store, scenarioText);
    if (saved)
      writeAutosave(idb, saved).catch((e: unknown) =>
        store.getState().notify({ kind: 'error', text: `autosave failed: ${String(e)}` }),
      );
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.history === prev.history && s.viewport === prev.viewport) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(flush, s.history !== prev.history ? 0 : delayMs);
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
  };
}

/** A link opened in the running app (the hash changed): open its scenario if it names another, then its view. */
export async function followHash(store: AppStore, hash: string): Promise<void> {
  const link = parseHash(hash);
  const present = store.getState().history?.present;
  if (link.packed !== undefined) {
    try {
      openText(store, await unpackScenario(link.packed), undefined);
    } catch {
      store.getState().notify({
        kind: 'error',
        text: 'the scenario in the link is damaged (it does not unpack)',
      });
    }
  } else if (link.lesson !== undefined) {
    const at = store.getState().lesson;
    // The same lesson and step, still in the lesson's state: nothing to open (a Share link followed back).
    if (
      !at ||
      at.id !== link.lesson.id ||
      at.step !== link.lesson.step ||
      at.synced !== present ||
      at.done
    )
      openLesson(store, link.lesson.id, link.lesson.step, !link.view);
  } else if (link.scenarioId !== undefined && link.scenarioId !== present?.builtinId) {
    openBuiltin(store, link.scenarioId);
  }
  if (link.view) store.getState().showRange(link.view);
  if (link.problem) store.getState().notify({ kind: 'error', text: link.problem });
}

/**
 * Opens a host import ("Debug a real host") as ONE history entry: the scenario is replayed through
 * the engine like any other, the host facts and placed lines ride along for the findings.
 */
export function importHost(store: AppStore, plan: HostImportPlan): boolean {
  const opened = openScenario(plan.scenario);
  if (!opened.ok) {
    store.getState().notify({
      kind: 'error',
      text: `the import could not be opened: ${opened.errors.map(formatLoadError).join('; ')}`,
    });
    return false;
  }
  const events = plan.host.events.length;
  store
    .getState()
    .openWorkspace(opened, undefined, `imported ${plan.host.sources.join(', ')}`, plan.host, {
      fit: true,
      notice: {
        kind: 'info',
        text: `imported ${plan.host.sources.join(', ')}${events ? ` · ${events} pasted line(s) placed on the map` : ''}${plan.notes.length ? ` · ${plan.notes.join('; ')}` : ''}`,
      },
      tab: 'findings',
    });
  return true;
}

/** Reads dropped or chosen files as import inputs; files above 20 MB are refused before reading. */
export async function readImportFiles(
  files: Iterable<Blob & { name?: string }>,
): Promise<{ inputs: ImportInput[]; refused: string[] }> {
  const inputs: ImportInput[] = [];
  const refused: string[] = [];
  for (const f of files) {
    const name = f.name ?? 'file';
    if (f.size > MAX_FILE_BYTES) {
      refused.push(`${name} is ${(f.size / 1048576).toFixed(1)} MB: files above 20 MB are refused`);
      continue;
    }
    inputs.push({
      id: `${name}:${f.size}:${inputs.length}:${Math.random().toString(36).slice(2, 8)}`,
      name,
      text: await f.text(),
    });
  }
  return { inputs, refused };
}

/** Whether dropped text is a scenario file (JSON), which opens directly, rather than host text to import. */
export function looksLikeScenario(text: string): boolean {
  return /^\s*(?:\{|\[\s*(?:\{|\]))/.test(text);
}
