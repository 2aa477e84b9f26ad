import type { LoadError } from '../core/scenario/index.ts';
import { OFF_PAGE_CHARS } from './import-limits.ts';
import type { ImportReader } from './import-reader.ts';
import { describeLoadErrors, notOpened } from './not-opened.ts';
import { parseU64, type Range } from '../core/u64.ts';
import { builtinScenario, builtinScenarios, DEFAULT_SCENARIO } from './scenarios/builtin.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { fitRange, formatViewParam, parseViewParam } from '../view/viewport/viewport.ts';
import type { AppStore, Notice } from './app-store.ts';
import {
  AUTOSAVE_VERSION,
  keepAside,
  MAIN_WORKSPACE_KEY,
  readAutosave,
  revisionRead,
  type SavedLesson,
  type SavedWorkspace,
  type SetAsideSteps,
  type WorkspaceToSave,
} from './autosave.ts';
import {
  type SavedStepsReader,
  savedStepsReader,
  type ScenarioFiles,
  scenarioFiles,
} from './load-scenario-files.ts';
import { type ParsedHash, parseHash } from './share-link.ts';
import type { HostContext, HostImportPlan, ImportInput } from './host-import.ts';
import { decodeHost, hostTextToSave, rememberHostText } from './host-codec.ts';
import type { KnownParts, WorkspaceText } from './autosave-parts.ts';
import { rememberScenarioText } from './scenario-text.ts';
import { type OpenResult, openScenario, type Snapshot } from './workspace.ts';
import { defaultViewRange } from './default-view.ts';
import { loadLessons } from './lesson-catalog.ts';

/**
 * Host text files (import) above this size are refused before they are read: a QEMU trace of a
 * million DMA lines is about 100 MB, and the import worker reads a file itself.
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/**
 * Scenario files above this size are refused before they are read: JSON.parse and the schema
 * check of a few megabytes already hold the page for seconds (a saved workspace of ten thousand
 * steps is about 1.5 MB).
 */
export const MAX_SCENARIO_FILE_BYTES = 4 * 1024 * 1024;

export { describeLoadErrors };

function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

export { defaultViewRange };

function fitWorkspace(store: AppStore): void {
  const present = store.getState().history?.present;
  const r = present && defaultViewRange(present);
  if (r) store.getState().setViewport(fitRange(r));
}

/**
 * Opens a scenario read and replayed as a new history entry, fitted and with `notice` in the same
 * store update; a load error becomes a notice.
 */
function openOpened(
  store: AppStore,
  opened: OpenResult,
  builtinId: string | undefined,
  fit = true,
  notice?: Notice,
): boolean {
  if (!opened.ok) return notOpened(store, 'the scenario', opened.errors);
  const title = opened.scenario.title ?? opened.scenario.id ?? 'untitled scenario';
  store
    .getState()
    .openWorkspace(opened, builtinId, `opened “${title}”`, undefined, { fit, notice });
  return true;
}

/** Opens scenario text (read with the schema, loaded for it) as `openOpened` does. */
export async function openText(
  store: AppStore,
  text: string,
  builtinId: string | undefined,
  fit = true,
  notice?: Notice,
): Promise<boolean> {
  const { openScenarioText } = await scenarioFiles();
  return openOpened(store, openScenarioText(text), builtinId, fit, notice);
}

/** Opens a built-in scenario from its prebuilt form, without the schema. */
function openPrebuilt(store: AppStore, id: string, scenario: Scenario, fit: boolean): boolean {
  return openOpened(store, openScenario(scenario), id, fit);
}

/** Opens the default scenario at once: it is prebuilt, so the schema need not load for it. */
export function openDefault(store: AppStore, fit = true): boolean {
  return openPrebuilt(store, DEFAULT_SCENARIO.id, DEFAULT_SCENARIO.scenario, fit);
}

/** Opens a built-in scenario: from its prebuilt form when it has one, without the schema. */
export async function openBuiltin(store: AppStore, id: string, fit = true): Promise<boolean> {
  const b = builtinScenario(id);
  if (!b) {
    store.getState().notify({
      kind: 'error',
      text: `there is no built-in scenario "${id}" (known: ${builtinScenarios()
        .map((s) => s.id)
        .join(', ')})`,
    });
    return false;
  }
  if (b.scenario) return openPrebuilt(store, b.id, b.scenario, fit);
  return openText(store, await b.text(), b.id, fit);
}

/** A link names a built-in scenario other than the default: a lesson's, once the lessons load. */
async function builtinsFor(id: string): Promise<void> {
  if (!builtinScenario(id)) await loadLessons();
}

/** How a long scenario file is opened off the page (open-scenario-off-page.ts). */
export interface OffPage {
  readonly reader: ImportReader;
  readonly yieldToPage: () => Promise<void>;
}

/**
 * Reads a dropped or chosen scenario file, refusing oversized ones before reading them. Whatever
 * goes wrong ends in a notice, and the workspace open before stays. With `offPage`, a file
 * longer than OFF_PAGE_CHARS is parsed in the worker and replayed in slices.
 */
export async function openFile(
  store: AppStore,
  file: Blob & { name?: string },
  offPage?: OffPage,
): Promise<boolean> {
  const name = file.name ?? 'the file';
  if (file.size > MAX_SCENARIO_FILE_BYTES) {
    store.getState().notify({
      kind: 'error',
      text: `${name} is ${megabytes(file.size)}: scenario files above ${megabytes(MAX_SCENARIO_FILE_BYTES)} are refused (the CLI replays bigger ones)`,
    });
    return false;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    store.getState().notify({
      kind: 'error',
      text: `${name} could not be read: ${e instanceof Error ? e.message : String(e)}`,
    });
    return false;
  }
  if (offPage && text.length > OFF_PAGE_CHARS) {
    const { openScenarioOffPage } = await import('./open-scenario-off-page.ts');
    return openScenarioOffPage(store, offPage.reader, text, name, offPage.yieldToPage);
  }
  return openText(store, text, undefined, true, { kind: 'info', text: `opened ${name}` });
}

function viewFrom(text: string): Range | undefined {
  return parseViewParam(text, (s) => {
    const r = parseU64(s);
    return r.ok ? r.value : undefined;
  });
}

/** Shows `view` (a saved view's text); false when it does not read as one. */
export function showSavedView(store: AppStore, view: string): boolean {
  const range = viewFrom(view);
  if (range) store.getState().setViewport(fitRange(range));
  return range !== undefined;
}

export interface Restored {
  /** The saved scenario opened (false: the workspace is as it was, a notice says why). */
  readonly opened: boolean;
  /** Saved actions that could not be read, with those set aside before: kept in every later save. */
  readonly setAside: readonly SetAsideSteps[];
}

function openSavedScenario(
  store: AppStore,
  saved: SavedWorkspace,
  host: HostContext | undefined,
  files: ScenarioFiles,
) {
  const opened = files.openScenarioText(saved.scenarioText);
  if (!host) return openOpened(store, opened, saved.builtinId, false);
  if (!opened.ok) return notOpened(store, 'the scenario', opened.errors);
  store
    .getState()
    .openWorkspace(opened, saved.builtinId, `restored ${host.sources.join(', ')}`, host);
  return true;
}

/**
 * The texts just restored are the restored workspace's own: its next save writes them as they
 * are (and keeps the parts that hold them) instead of writing a big scenario out again.
 */
function rememberSavedTexts(store: AppStore, saved: SavedWorkspace, known: KnownParts) {
  const present = store.getState().history?.present;
  if (!present) return;
  rememberScenarioText(present.scenario, known.scenarioText?.text ?? saved.scenarioText);
  if (present.host && saved.hostText !== undefined)
    rememberHostText(present.host, known.hostText?.text ?? saved.hostText);
}

/**
 * Opens an autosaved workspace: its scenario, then each saved action that still reads (one that
 * does not is reported and set aside with the record's text, never dropped with the others).
 * The schema that reads them loads first, so the workspace opens in one go once it has.
 */
export async function restoreSaved(
  store: AppStore,
  saved: SavedWorkspace,
  known: KnownParts = {},
): Promise<Restored> {
  const [files, { readSavedSteps }] = await Promise.all([scenarioFiles(), savedStepsReader()]);
  const problems: string[] = [];
  let host: HostContext | undefined;
  if (saved.hostText !== undefined) {
    const decoded = decodeHost(saved.hostText);
    if (decoded.ok) host = decoded.host;
    else problems.push(`${decoded.error}, so its findings are left out`);
  }
  if (!openSavedScenario(store, saved, host, files))
    return { opened: false, setAside: saved.setAside ?? [] };
  return restoreOnTop(store, saved, known, problems, readSavedSteps);
}

/** Restores a saved workspace too big to read and replay in one go (restore-off-page.ts). */
export async function restoreSavedOffPage(
  store: AppStore,
  saved: SavedWorkspace,
  known: KnownParts,
  offPage: OffPage,
): Promise<Restored> {
  const { readSavedSteps } = await savedStepsReader();
  // Loaded only for a big workspace: the slices, the packed steps and their columns.
  const { openSavedOffPage } = await import('./restore-off-page.ts');
  const problems: string[] = [];
  const opened = await openSavedOffPage(
    store,
    offPage.reader,
    saved,
    known,
    offPage.yieldToPage,
    problems,
  );
  if (!opened) return { opened: false, setAside: saved.setAside ?? [] };
  return restoreOnTop(store, saved, known, problems, readSavedSteps);
}

/** Whether a saved workspace is restored off the page: its texts are too long to read on it. */
export function restoresOffPage(saved: SavedWorkspace): boolean {
  return saved.scenarioText.length + (saved.hostText?.length ?? 0) > OFF_PAGE_CHARS;
}

/** Restores a saved workspace: off the page when it is that long and there is a way to, else on it. */
export function restoreSavedWorkspace(
  store: AppStore,
  saved: SavedWorkspace,
  known: KnownParts,
  offPage: OffPage | undefined,
): Promise<Restored> {
  return offPage && restoresOffPage(saved)
    ? restoreSavedOffPage(store, saved, known, offPage)
    : restoreSaved(store, saved, known);
}

/** After the saved scenario opened: its texts remembered, the user's actions, the view. */
async function restoreOnTop(
  store: AppStore,
  saved: SavedWorkspace,
  known: KnownParts,
  problems: string[],
  readSavedSteps: SavedStepsReader,
): Promise<Restored> {
  rememberSavedTexts(store, saved, known);
  const setAside = [...(saved.setAside ?? [])];
  const steps = readSavedSteps(saved.userStepsText);
  for (const action of steps.actions) store.getState().dispatch(action);
  if (steps.unreadable.length) {
    setAside.push({
      savedAt: saved.savedAt,
      reasons: steps.unreadable,
      userStepsText: saved.userStepsText,
    });
    problems.push(
      `${steps.unreadable.length} saved action(s) could not be read (${steps.unreadable.slice(0, 2).join('; ')}): the ${steps.actions.length} readable one(s) are restored, and the saved actions are kept aside as they were`,
    );
  }
  if (problems.length)
    store
      .getState()
      .notify({ kind: 'error', text: `restored the scenario, but ${problems.join('; ')}` });
  if (!showSavedView(store, saved.view)) fitWorkspace(store);
  if (saved.lesson) await resumeSavedLesson(store, saved.lesson);
  return { opened: true, setAside };
}

/** The lesson the saved workspace was in, at its step, over the workspace as restored. */
async function resumeSavedLesson(store: AppStore, lesson: SavedLesson): Promise<void> {
  await loadLessons();
  if (!store.getState().resumeLesson(lesson))
    store.getState().notify({
      kind: 'error',
      text: `the workspace was saved in lesson "${lesson.id}", which this version of the app does not have: the workspace is restored without it`,
    });
}

/** What boot learnt about the saved workspace, for the autosave that follows it. */
export interface Booted {
  /** The revision of the stored record (0 when there is none). */
  readonly revision: number;
  readonly setAside: readonly SetAsideSteps[];
  /** The browser's storage could not be opened: why, in a sentence. */
  readonly unavailable: string | undefined;
  /** The workspace key this tab saves to from now on (a share link's own, when one opened). */
  readonly key: string;
  /** The texts the record keeps in parts of their own (autosave-parts.ts), as read. */
  readonly known: KnownParts;
}

/**
 * Opens what a link names: true, undefined when it names nothing, or why it did not open (the
 * opener's own notice, which boot repeats with what it opened instead).
 */
async function openLink(store: AppStore, link: ParsedHash): Promise<true | string | undefined> {
  let opened: boolean | string;
  if (link.packed !== undefined) {
    const unpacked = await (await import('./share-pack.ts')).unpackScenario(link.packed);
    opened = unpacked.ok ? await openText(store, unpacked.text, undefined) : unpacked.message;
  } else if (link.lesson !== undefined) {
    await loadLessons();
    opened = store
      .getState()
      .openLesson(link.lesson.id, { step: link.lesson.step, fit: !link.view });
  } else if (link.scenarioId !== undefined) {
    await builtinsFor(link.scenarioId);
    opened = await openBuiltin(store, link.scenarioId);
  } else return undefined;
  return opened === false ? (store.getState().notice?.text ?? 'the link did not open') : opened;
}

/** A saved record that cannot be restored is copied to a key of its own before any save replaces it. */
async function keepUnrestorable(idb: IDBFactory, key: string, value: unknown): Promise<string> {
  try {
    return ` (the saved record is kept aside in this browser's storage as "${await keepAside(idb, key, value)}")`;
  } catch (e) {
    return ` (and it could not be kept aside: ${e instanceof Error ? e.message : String(e)})`;
  }
}

/**
 * First open: a share link wins, then the autosave, then the default scenario. Whatever fails
 * says so in a notice and falls through to the next, so the page is never blank and a damaged
 * link never costs the autosaved work. A link that opens is a workspace of its own, under
 * `linkKey` (when given), so the first change to it is not saved over the autosave at `key`. The
 * record of the workspace the tab saves to is read even when a link opens, for its revision and
 * to know whether storage works: the tab must know what it would write over.
 */
export async function boot(
  store: AppStore,
  hash: string,
  idb: IDBFactory | undefined,
  key: string = MAIN_WORKSPACE_KEY,
  linkKey?: string,
  offPage?: OffPage,
): Promise<Booted> {
  const link = parseHash(hash);
  const linked = await openLink(store, link);
  const at = linked === true && linkKey !== undefined ? linkKey : key;
  const record = idb ? await readAutosave(idb, at) : ({ kind: 'none' } as const);
  const booted = {
    revision: revisionRead(record),
    setAside: [] as readonly SetAsideSteps[],
    unavailable: record.kind === 'unreadable' && record.unavailable ? record.message : undefined,
    key: at,
    known: record.kind === 'ok' ? record.known : {},
  };
  const problems = [typeof linked === 'string' ? linked : undefined, link.problem].filter(
    (p): p is string => p !== undefined,
  );
  const linkProblem = problems.length > 0;
  let opened = linked === true;
  if (!opened && record.kind === 'ok') {
    let restored: Restored;
    try {
      restored = await restoreSavedWorkspace(store, record.saved, record.known, offPage);
    } catch (e) {
      restored = { opened: false, setAside: [] };
      problems.push(
        `the autosaved workspace could not be restored (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    opened = restored.opened;
    booted.setAside = restored.setAside;
    if (opened && linkProblem) problems.push('opened your autosaved workspace instead');
    if (!opened && idb) {
      problems.push(
        `the autosaved workspace could not be opened${await keepUnrestorable(idb, key, record.saved)}`,
      );
    }
  } else if (!opened && record.kind === 'unreadable' && !record.unavailable) {
    const aside =
      idb && record.value !== undefined ? await keepUnrestorable(idb, key, record.value) : '';
    problems.push(`${record.message}${aside}`);
  }
  if (!opened) {
    openDefault(store);
    if (problems.length) problems.push('opened the default scenario instead');
  }
  if (link.view) store.getState().setViewport(fitRange(link.view));
  // Storage that cannot be opened is not told here: the autosave banner says it for as long as it lasts.
  // The boot's own story comes last, so it is the notice left showing; a restore's own notice stays when boot has none.
  if (problems.length) store.getState().notify({ kind: 'error', text: problems.join('; ') });
  return booted;
}

/** The workspace as the autosave writes it (the schema that writes its steps loads first). */
export async function savedWorkspace(
  store: AppStore,
  scenarioText: (s: Snapshot) => WorkspaceText | Promise<WorkspaceText>,
  setAside: readonly SetAsideSteps[] = [],
): Promise<WorkspaceToSave | undefined> {
  const { userStepsText } = await scenarioFiles();
  const { history, viewport, lesson } = store.getState();
  if (!history) return undefined;
  const p = history.present;
  return {
    version: AUTOSAVE_VERSION,
    savedAt: new Date().toISOString(),
    scenarioText: await scenarioText(p),
    builtinId: p.builtinId,
    userStepsText: userStepsText(p.userSteps),
    view: formatViewParam(viewport),
    ...(p.host ? { hostText: hostTextToSave(p.host) } : {}),
    ...(setAside.length ? { setAside } : {}),
    ...(lesson
      ? {
          lesson: {
            id: lesson.id,
            step: lesson.step,
            inSync: lesson.synced === p,
            done: lesson.done !== undefined,
          },
        }
      : {}),
  };
}

/**
 * A link opened in the running app (the hash changed): open its scenario if it names another,
 * then its view. `ownWorkspace` is called just before a scenario that will open is opened, for
 * the tab to move to a workspace of the link's own (persistence.ts openLinkWorkspace); a link
 * that does not open leaves the tab where it was.
 */
export async function followHash(
  store: AppStore,
  hash: string,
  ownWorkspace: () => void = () => undefined,
): Promise<void> {
  const link = parseHash(hash);
  const present = store.getState().history?.present;
  if (link.packed !== undefined) {
    const unpacked = await (await import('./share-pack.ts')).unpackScenario(link.packed);
    if (!unpacked.ok) store.getState().notify({ kind: 'error', text: unpacked.message });
    else {
      const opened = (await scenarioFiles()).openScenarioText(unpacked.text);
      if (opened.ok) ownWorkspace();
      openOpened(store, opened, undefined);
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
    ) {
      const lessons = await loadLessons();
      if (lessons.lessonById(link.lesson.id)) ownWorkspace();
      store.getState().openLesson(link.lesson.id, { step: link.lesson.step, fit: !link.view });
    }
  } else if (link.scenarioId !== undefined && link.scenarioId !== present?.builtinId) {
    await builtinsFor(link.scenarioId);
    if (builtinScenario(link.scenarioId)) ownWorkspace();
    await openBuiltin(store, link.scenarioId);
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
  if (!opened.ok) return notOpened(store, 'the import', opened.errors);
  openImported(store, opened, plan);
  return true;
}

/** Says why an import did not open (its platform does not set up); the workspace stays as it was. */
export function importNotOpened(store: AppStore, errors: readonly LoadError[]): false {
  return notOpened(store, 'the import', errors);
}

/**
 * A replayed import opened as ONE history entry, fitted, with its notice and the findings tab in
 * front: `importHost` in one go, and the import that applied its steps in slices (host-import-run.ts).
 */
export function openImported(
  store: AppStore,
  opened: Extract<OpenResult, { ok: true }>,
  plan: HostImportPlan,
): void {
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
}

/** Reads dropped or chosen files as import inputs; files above MAX_FILE_BYTES are refused before reading. */
export async function readImportFiles(
  files: Iterable<Blob & { name?: string }>,
): Promise<{ inputs: ImportInput[]; refused: string[] }> {
  const inputs: ImportInput[] = [];
  const refused: string[] = [];
  for (const f of files) {
    const name = f.name ?? 'file';
    if (f.size > MAX_FILE_BYTES) {
      refused.push(
        `${name} is ${megabytes(f.size)}: files above ${megabytes(MAX_FILE_BYTES)} are refused`,
      );
      continue;
    }
    const id = `${name}:${f.size}:${inputs.length}:${Math.random().toString(36).slice(2, 8)}`;
    // A long file is read by the import worker only: the page never holds its text.
    inputs.push(
      f.size > OFF_PAGE_CHARS
        ? { id, name, text: '', file: f, fileBytes: f.size }
        : { id, name, text: await f.text(), file: f },
    );
  }
  return { inputs, refused };
}

/** Whether dropped text is a scenario file (JSON), which opens directly, rather than host text to import. */
export function looksLikeScenario(text: string): boolean {
  return /^\s*(?:\{|\[\s*(?:\{|\]))/.test(text);
}
