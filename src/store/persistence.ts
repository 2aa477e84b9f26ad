import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppState, AppStore } from './app-store.ts';
import {
  describeStorageError,
  isLinkWorkspaceKey,
  keepAside,
  linkWorkspaceKey,
  MAIN_WORKSPACE_KEY,
  readAutosave,
  revisionRead,
  writeAutosaveIfCurrent,
} from './autosave.ts';
import type { KnownParts, WorkspaceText } from './autosave-parts.ts';
import { type Booted, type OffPage, restoreSavedWorkspace, savedWorkspace } from './session.ts';
import type { Snapshot } from './workspace.ts';
import { formatViewParam } from '../view/viewport/viewport.ts';
import {
  type OpenChannel,
  type WorkspaceChannel,
  workspaceChannel,
  type WorkspaceMessage,
} from './workspace-channel.ts';
import { type WorkspaceLock, workspaceLock } from './workspace-lock.ts';

/**
 * Whether and where this tab saves its workspace. Only the tab holding a workspace's lock saves
 * it, and each save checks the record's revision first, so two tabs never overwrite each other
 * silently: a tab that finds the workspace held, or a newer record, stops saving, becomes
 * read-only, and lets the user choose (take over, open a copy, keep read-only). The tabs on one
 * workspace tell each other when one opens, takes over or leaves it (workspace-channel.ts), so
 * the tab that saves knows it is not alone, and the one taken over from says so at once. A
 * storage that cannot be opened is a lasting state with an export, not a passing notice.
 */
export type PersistenceMode =
  /** Before the lock and the record are known. */
  | 'starting'
  /** This tab holds the workspace and saves every change. */
  | 'saving'
  /**
   * Another tab holds the workspace, took it over, or saved a newer record: this tab is
   * read-only until the user chooses.
   */
  | 'other-tab'
  /** The user chose to keep this tab read-only. */
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
  /** This tab saves a workspace of its own ("Open a copy", or a share link it opened). */
  readonly copied: boolean;
  /** This tab's workspace is a share link's, opened beside the main workspace. */
  readonly linked: boolean;
  /** How many other tabs are open on this workspace, as far as they said. */
  readonly othersOpen: number;
  /** The user has seen that the others are open (dismissed the notice), until another opens. */
  readonly othersNoticed: boolean;
  /** How many saves this tab held back for being read-only (a view change is still one). */
  readonly withheld: number;
}

export interface PersistenceActions {
  /** After boot: takes the workspace lock if it is free and starts saving. */
  start(booted: Booted): Promise<void>;
  /**
   * Makes this tab the one that saves the workspace. A record saved since this tab last read or
   * wrote it is what the tab goes on from (a read-only tab has no changes of its own to keep).
   */
  takeOver(): Promise<void>;
  /** Saves this tab's workspace under a key of its own from now on (this tab keeps it on reload). */
  openCopy(): Promise<void>;
  keepReadOnly(): void;
  /**
   * Moves this tab, before a share link followed in it opens, to a workspace of the link's own,
   * so the workspace it had is kept as it was. Synchronous up to the move; resolves once saving.
   */
  openLinkWorkspace(): Promise<void>;
  /** Leaves a share link's workspace for the main one (a new page load). */
  openMainWorkspace(): void;
  /** The user has seen that other tabs are open on the workspace. */
  dismissOthers(): void;
  /** The page is going away: writes what waits to be saved, and tells the other tabs, so none waits on this one. */
  leave(): void;
}

export type Persistence = StoreApi<PersistenceState & PersistenceActions>;

export interface PersistenceEnv {
  readonly idb: IDBFactory | undefined;
  readonly locks: LockManager | undefined;
  /** A BroadcastChannel by name; undefined where the browser has none. */
  readonly channel?: OpenChannel | undefined;
  /** Remembers the key of this tab's copy across its reloads (sessionStorage in the app). */
  readonly rememberKey: (key: string) => void;
  /** Loads the main workspace in this tab (a fresh page without a link). */
  readonly openMain?: () => void;
  readonly scenarioText: (s: Snapshot) => WorkspaceText | Promise<WorkspaceText>;
  /** A fresh id for a copy's key or a tab, unique across tabs. */
  readonly newId: () => string;
  /**
   * Keeps, for this tab's next load, a view not yet saved over record `revision` of `key`
   * (the page is going away within the pause a view change waits before it is saved).
   */
  readonly keepView?: (key: string, revision: number, view: string) => void;
  /** View-only changes (pan, zoom) are saved this long after the last one. */
  readonly viewDelayMs?: number;
  /** How a big record taken over from another tab is read and replayed without holding the page. */
  readonly offPage?: OffPage;
}

const OTHER_TAB_HOLDS =
  'this workspace is open in another tab, which saves it: this tab is read-only';
const TAKEN_OVER = 'another tab took over this workspace: this tab is now read-only';
const READ_ONLY =
  'this tab is read-only: another tab owns this workspace, and nothing is saved from here';
/** What an edit refused in a read-only tab says (the store shows it, app-store.ts). */
export const READ_ONLY_REFUSAL =
  'This tab is read-only: another tab owns this workspace. Take over to edit (or open a copy).';

function newerRecord(revision: number): string {
  return `another tab saved this workspace (revision ${revision}) since this tab last did: this tab stopped saving rather than overwrite it, and is read-only`;
}

const isReadOnly = (mode: PersistenceMode) => mode === 'other-tab' || mode === 'read-only';

/**
 * The autosave of `store` under `key`, saving nothing until `start`: then a workspace change is
 * saved at once, a view change after a pause.
 */
export function createPersistence(store: AppStore, env: PersistenceEnv, key: string): Persistence {
  let booted: Booted = { revision: 0, setAside: [], unavailable: undefined, key, known: {} };
  // The texts the record at `known.key` keeps in parts, as this tab last read or wrote them.
  let known: { key: string; parts: KnownParts } = { key, parts: {} };
  let lock: WorkspaceLock | undefined;
  let channel: WorkspaceChannel | undefined;
  const self = env.newId();
  // The other tabs on this tab's workspace, by id, as they said.
  const others = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Whether the write `timer` waits for carries a workspace change (not only a view change).
  let workspacePending = false;
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
    linked: isLinkWorkspaceKey(key),
    othersOpen: 0,
    othersNoticed: false,
    withheld: 0,
    start,
    takeOver,
    openCopy,
    keepReadOnly,
    openLinkWorkspace,
    openMainWorkspace: () => env.openMain?.(),
    dismissOthers: () => set({ othersNoticed: true }),
    leave,
  }));
  const get = persistence.getState;
  const set = persistence.setState;
  const unavailable = (reason: string) => set({ mode: 'unavailable', reason });
  const storageFailed = (e: unknown) =>
    unavailable(`autosave failed (${describeStorageError(e)}): nothing is saved in this browser`);

  // The one link from the autosave to the store's read-only gate: the store refuses edits exactly
  // while this tab may not save them.
  persistence.subscribe((p, prev) => {
    if (isReadOnly(p.mode) === isReadOnly(prev.mode)) return;
    store.getState().setReadOnly(isReadOnly(p.mode) ? READ_ONLY_REFUSAL : undefined);
  });

  function write(): Promise<void> {
    writing = writing.then(async () => {
      const { mode, key: at, revision } = get();
      if (mode === 'starting') changedWhileStarting = true;
      if (isReadOnly(mode)) set({ withheld: get().withheld + 1 });
      if (mode !== 'saving' || !env.idb) return;
      // Only a write reads the workspace's texts: for a big import they are tens of megabytes.
      const saved = await savedWorkspace(store, env.scenarioText, booted.setAside);
      if (!saved) return;
      changedWhileStarting = false;
      try {
        const parts = known.key === at ? known.parts : {};
        const r = await writeAutosaveIfCurrent(env.idb, at, saved, revision, parts);
        if (r.kind === 'written') known = { key: at, parts: r.known };
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

  /** This tab's saving stops: another tab has the workspace now. */
  function takenOver(): void {
    if (get().mode === 'saving') set({ mode: 'other-tab', reason: TAKEN_OVER });
  }

  function othersChanged(added: boolean): void {
    set({ othersOpen: others.size, ...(added ? { othersNoticed: false } : {}) });
  }

  function hear(message: WorkspaceMessage): void {
    switch (message.kind) {
      case 'opened':
        others.add(message.from);
        channel?.say('here');
        return othersChanged(true);
      case 'here':
        others.add(message.from);
        return othersChanged(true);
      case 'took-over':
        // Also where the lock cannot say it (no Web Locks): the lost lock says the same.
        others.add(message.from);
        othersChanged(false);
        return takenOver();
      case 'left':
        others.delete(message.from);
        return othersChanged(false);
    }
  }

  /** Tells the tabs on the old workspace this one left, and joins the channel of `at`. */
  function join(at: string): void {
    channel?.say('left');
    channel?.close();
    others.clear();
    othersChanged(false);
    channel = workspaceChannel(env.channel, at, self, hear);
    channel.say('opened');
  }

  function leave(): void {
    // A change still waiting is written now. The write is asynchronous and may not finish as the
    // page goes: a view change is also kept, synchronously, where the tab's reload finds it.
    if (timer !== undefined) {
      const { mode, key: at, revision } = get();
      if (mode === 'saving' && !workspacePending)
        env.keepView?.(at, revision, formatViewParam(store.getState().viewport));
      flush();
    }
    channel?.say('left');
  }

  async function hold(at: string, steal: boolean): Promise<boolean> {
    lock?.release();
    lock = workspaceLock(env.locks, at, takenOver);
    if (!steal) return lock.tryHold();
    await lock.steal();
    return true;
  }

  async function takeOver(): Promise<void> {
    const idb = env.idb;
    if (!idb) return;
    await failsAsUnavailable(async () => {
      const at = get().key;
      await hold(at, true);
      channel?.say('took-over');
      const record = await readAutosave(idb, at);
      if (record.kind === 'unreadable' && record.unavailable) return unavailable(record.message);
      const revision = revisionRead(record);
      const newer = revision > get().revision;
      // Saving (and editing) again before the newer record is restored, so the store takes it.
      set({ mode: 'saving', reason: undefined, revision });
      if (newer && record.kind === 'ok') {
        const restored = await restoreSavedWorkspace(
          store,
          record.saved,
          record.known,
          env.offPage,
        );
        booted = { ...booted, setAside: restored.setAside };
        known = { key: at, parts: record.known };
      } else if (newer && record.kind === 'unreadable' && record.value !== undefined) {
        // Taking over writes this tab's state over a record it cannot read: that record is kept first.
        const aside = await keepAside(idb, at, record.value);
        store.getState().notify({
          kind: 'error',
          text: `${record.message}: it is kept aside in this browser's storage as "${aside}", and this tab's workspace is saved instead`,
        });
      }
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
      join(copy);
      await write();
    });
  }

  async function openLinkWorkspace(): Promise<void> {
    const link = linkWorkspaceKey(env.newId());
    const saves = env.idb !== undefined && get().mode !== 'unavailable';
    // At once, so the link's scenario is refused by no read-only state and saved under its own key.
    set({
      key: link,
      revision: 0,
      copied: true,
      linked: true,
      ...(saves ? { mode: 'starting', reason: undefined } : {}),
    });
    if (!saves) return;
    await failsAsUnavailable(async () => {
      await hold(link, false);
      env.rememberKey(link);
      set({ mode: 'saving' });
      join(link);
      if (changedWhileStarting) await write();
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
    const at = b.key;
    known = { key: at, parts: b.known };
    if (at !== get().key) {
      // Boot opened a share link as a workspace of its own: this tab's reloads come back to it.
      env.rememberKey(at);
      set({ key: at, copied: at !== MAIN_WORKSPACE_KEY, linked: isLinkWorkspaceKey(at) });
    }
    set({ revision: b.revision });
    store.subscribe(scheduleWrite);
    if (!env.idb || booted.unavailable !== undefined) {
      unavailable(
        `autosave is off: ${booted.unavailable ?? 'this browser offers no storage (IndexedDB)'}`,
      );
      return;
    }
    const held = await hold(at, false);
    set(
      held ? { mode: 'saving', reason: undefined } : { mode: 'other-tab', reason: OTHER_TAB_HOLDS },
    );
    join(at);
    if (held && changedWhileStarting) await write();
  }

  function scheduleWrite(s: AppState, prev: AppState): void {
    // A lesson's page turned is written at once too: it is where the learner is, not a view.
    const workspaceChanged = s.history !== prev.history || s.lesson !== prev.lesson;
    if (!workspaceChanged && s.viewport === prev.viewport) return;
    // A workspace change waiting to be written is written at once: the view change that follows
    // it (a new mapping brought into view) must not put it off, or a reload could lose it.
    if (timer !== undefined && workspacePending && !workspaceChanged) return;
    if (timer !== undefined) clearTimeout(timer);
    workspacePending = workspaceChanged;
    timer = setTimeout(flush, workspaceChanged ? 0 : (env.viewDelayMs ?? 400));
  }

  /** Writes what is waiting now (the page is going away: a view change cannot wait its pause). */
  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    workspacePending = false;
    void write();
  }

  return persistence;
}
