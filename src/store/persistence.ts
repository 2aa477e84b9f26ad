import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppState, AppStore } from './app-store.ts';
import {
  describeStorageError,
  MAIN_WORKSPACE_KEY,
  readAutosave,
  revisionRead,
  writeAutosaveIfCurrent,
} from './autosave.ts';
import { type Booted, savedWorkspace } from './session.ts';
import type { Snapshot } from './workspace.ts';
import { type WorkspaceLock, workspaceLock } from './workspace-lock.ts';

/**
 * Whether and where this tab saves its workspace. Only the tab holding a workspace's lock saves
 * it, and each save checks the record's revision first, so two tabs never overwrite each other
 * silently: a tab that finds the workspace held, or a newer record, stops saving and lets the
 * user choose (take over, open a copy, keep read-only). A storage that cannot be opened is a
 * lasting state with an export, not a passing notice.
 */
export type PersistenceMode =
  /** Before the lock and the record are known. */
  | 'starting'
  /** This tab holds the workspace and saves every change. */
  | 'saving'
  /** Another tab holds the workspace, took it over, or saved a newer record: the user chooses. */
  | 'other-tab'
  /** The user chose to keep this tab from saving. */
  | 'read-only'
  /** The browser's storage cannot be opened or written: nothing is saved. */
  | 'unavailable';

export interface PersistenceState {
  readonly mode: PersistenceMode;
  /** What happened, in a sentence, for every mode but 'saving' and 'starting'. */
  readonly reason: string | undefined;
  /** The workspace record this tab reads and writes. */
  readonly key: string;
  /** The record's revision this tab last read or wrote. */
  readonly revision: number;
  /** "Open a copy" made this tab's own workspace, for this session. */
  readonly copied: boolean;
}

export interface PersistenceActions {
  /** After boot: takes the workspace lock if it is free and starts saving. */
  start(booted: Booted): Promise<void>;
  /** Makes this tab the one that saves the workspace, writing its state over the record now. */
  takeOver(): Promise<void>;
  /** Saves this tab's workspace under a key of its own from now on (this tab keeps it on reload). */
  openCopy(): Promise<void>;
  keepReadOnly(): void;
}

export type Persistence = StoreApi<PersistenceState & PersistenceActions>;

export interface PersistenceEnv {
  readonly idb: IDBFactory | undefined;
  readonly locks: LockManager | undefined;
  /** Remembers the key of this tab's copy across its reloads (sessionStorage in the app). */
  readonly rememberKey: (key: string) => void;
  readonly scenarioText: (s: Snapshot) => string;
  /** A fresh id for a copy's key, unique across tabs. */
  readonly newId: () => string;
  /** View-only changes (pan, zoom) are saved this long after the last one. */
  readonly viewDelayMs?: number;
}

const OTHER_TAB_HOLDS =
  'this workspace is open in another tab, which saves it: changes made here are not saved';
const TAKEN_OVER = 'another tab took over this workspace: changes made here are no longer saved';
const READ_ONLY = 'this tab does not save: its changes are lost on reload unless you export them';

function newerRecord(revision: number): string {
  return `another tab saved this workspace (revision ${revision}) since this tab last did: this tab stopped saving rather than overwrite it`;
}

/**
 * The autosave of `store` under `key`, saving nothing until `start`: then a workspace change is
 * saved at once, a view change after a pause.
 */
export function createPersistence(store: AppStore, env: PersistenceEnv, key: string): Persistence {
  let booted: Booted = { revision: 0, setAside: [], unavailable: undefined };
  let lock: WorkspaceLock | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A change made before the lock was known is written as soon as it is.
  let changedWhileStarting = false;
  // One write at a time: each checks the revision the one before it wrote.
  let writing: Promise<void> = Promise.resolve();

  const persistence: Persistence = createStore<PersistenceState & PersistenceActions>()(() => ({
    mode: 'starting',
    reason: undefined,
    key,
    revision: 0,
    copied: key !== MAIN_WORKSPACE_KEY,
    start,
    takeOver,
    openCopy,
    keepReadOnly,
  }));
  const get = persistence.getState;
  const set = persistence.setState;
  const unavailable = (reason: string) => set({ mode: 'unavailable', reason });
  const storageFailed = (e: unknown) =>
    unavailable(`autosave failed (${describeStorageError(e)}): nothing is saved in this browser`);

  function write(): Promise<void> {
    writing = writing.then(async () => {
      const { mode, key: at, revision } = get();
      if (mode === 'starting') changedWhileStarting = true;
      if (mode !== 'saving' || !env.idb) return;
      // Only a write reads the workspace's texts: for a big import they are tens of megabytes.
      const saved = savedWorkspace(store, env.scenarioText, booted.setAside);
      if (!saved) return;
      try {
        const r = await writeAutosaveIfCurrent(env.idb, at, saved, revision);
        // The user switched to a copy or stopped saving meanwhile: this answer is about the old key.
        if (get().key !== at || get().mode !== 'saving') return;
        if (r.kind === 'written') set({ revision: r.revision });
        else set({ mode: 'other-tab', reason: newerRecord(r.revision) });
      } catch (e) {
        storageFailed(e);
      }
    });
    return writing;
  }

  async function hold(at: string, steal: boolean): Promise<boolean> {
    lock?.release();
    lock = workspaceLock(env.locks, at, () => {
      if (get().mode === 'saving') set({ mode: 'other-tab', reason: TAKEN_OVER });
    });
    if (!steal) return lock.tryHold();
    await lock.steal();
    return true;
  }

  async function takeOver(): Promise<void> {
    const idb = env.idb;
    if (!idb) return;
    await failsAsUnavailable(async () => {
      await hold(get().key, true);
      // Taking over is the user's choice to write this tab's state over what is saved.
      const record = await readAutosave(idb, get().key);
      if (record.kind === 'unreadable' && record.unavailable) return unavailable(record.message);
      set({ mode: 'saving', reason: undefined, revision: revisionRead(record) });
      await write();
    });
  }

  async function openCopy(): Promise<void> {
    if (!env.idb) return;
    await failsAsUnavailable(async () => {
      const copy = `copy:${env.newId()}`;
      await hold(copy, false);
      env.rememberKey(copy);
      set({ key: copy, mode: 'saving', reason: undefined, revision: 0, copied: true });
      await write();
    });
  }

  /** The buttons' actions never reject: what fails is shown as the lasting state. */
  async function failsAsUnavailable(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      storageFailed(e);
    }
  }

  function keepReadOnly(): void {
    lock?.release();
    set({ mode: 'read-only', reason: READ_ONLY });
  }

  async function start(b: Booted): Promise<void> {
    booted = b;
    set({ revision: b.revision });
    store.subscribe(scheduleWrite);
    if (!env.idb || booted.unavailable !== undefined) {
      unavailable(
        `autosave is off: ${booted.unavailable ?? 'this browser offers no storage (IndexedDB)'}`,
      );
      return;
    }
    const held = await hold(key, false);
    set(
      held ? { mode: 'saving', reason: undefined } : { mode: 'other-tab', reason: OTHER_TAB_HOLDS },
    );
    if (held && changedWhileStarting) await write();
  }

  function scheduleWrite(s: AppState, prev: AppState): void {
    if (s.history === prev.history && s.viewport === prev.viewport) return;
    if (timer !== undefined) clearTimeout(timer);
    const delay = s.history !== prev.history ? 0 : (env.viewDelayMs ?? 400);
    timer = setTimeout(() => {
      timer = undefined;
      void write();
    }, delay);
  }

  return persistence;
}
