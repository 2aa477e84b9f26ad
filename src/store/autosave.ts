import {
  type KnownParts,
  partsOf,
  planWrite,
  resolveParts,
  type WorkspaceText,
} from './autosave-parts.ts';

/**
 * Autosave of the workspace in IndexedDB (localStorage's 5 MB is too small for big scenarios).
 * One record per workspace key ("current", a tab's own copy, or a share link opened in a tab); a record that cannot be read
 * back gives a message, never a blank page, and is kept aside under another key before anything
 * is written over it.
 */
export const AUTOSAVE_DB = 'iova-explorer';
const STORE = 'workspace';
/** The workspace every tab opens unless it made its own copy. */
export const MAIN_WORKSPACE_KEY = 'current';
const LINK_KEY_PREFIX = 'link:';

/**
 * The key of a share link's own workspace: a link opens beside the main workspace, never over it,
 * so the user's autosaved work is still there after they change the shared scenario.
 */
export function linkWorkspaceKey(id: string): string {
  return `${LINK_KEY_PREFIX}${id}`;
}

export function isLinkWorkspaceKey(key: string): boolean {
  return key.startsWith(LINK_KEY_PREFIX);
}
/**
 * 2: the workspace's host import (facts, placed lines, trace steps, guest layout) is kept too.
 * 3: a text longer than INLINE_CHARS is kept in a record of its own (autosave-parts.ts).
 * Version 1 and 2 records (every text in the record) are still read.
 */
export const AUTOSAVE_VERSION = 3;
const READABLE_VERSIONS: readonly number[] = [1, 2, 3];

export interface SavedWorkspace {
  readonly version: number;
  readonly savedAt: string;
  /** The scenario as opened (scenario file text). */
  readonly scenarioText: string;
  readonly builtinId: string | undefined;
  /** The user's actions on top, as a scenario file with only steps. */
  readonly userStepsText: string;
  /** `START-LAST` in hex. */
  readonly view: string;
  /** The host import the workspace came from ("Debug a real host"), as `encodeHost` text. */
  readonly hostText?: string | undefined;
  /**
   * Bumped by every write. A tab writes only over the revision it last read or wrote, so a
   * record another tab saved in between is never overwritten without the user choosing to.
   * Absent in records written before it existed (read as 0).
   */
  readonly revision?: number;
  /** Saved actions that could not be read back when the workspace was restored, kept as they were. */
  readonly setAside?: readonly SetAsideSteps[];
  /** The guided lesson open in the workspace, so reopening the app goes on where the learner was. */
  readonly lesson?: SavedLesson | undefined;
}

/** Where the learner was in a lesson when the workspace was saved. */
export interface SavedLesson {
  readonly id: string;
  /** The step, counted from 0 as the store counts. */
  readonly step: number;
  /** The workspace was the state the lesson put there (not departed from it). */
  readonly inSync: boolean;
  /** The step's action had been applied ("Do it" or a Next on the way). */
  readonly done: boolean;
}

function isSavedLesson(v: unknown): v is SavedLesson {
  const l = v as Partial<SavedLesson> | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.id === 'string' &&
    Number.isSafeInteger(l.step) &&
    (l.step as number) >= 0 &&
    typeof l.inSync === 'boolean' &&
    typeof l.done === 'boolean'
  );
}

/** A workspace to save: its long texts may be Blobs already (autosave-parts.ts). */
export type WorkspaceToSave = Omit<SavedWorkspace, 'scenarioText' | 'hostText'> & {
  readonly scenarioText: WorkspaceText;
  readonly hostText?: WorkspaceText | undefined;
};

export interface SetAsideSteps {
  readonly savedAt: string;
  /** Why each unreadable step was refused. */
  readonly reasons: readonly string[];
  /** The saved actions exactly as they were in the record (a scenario file with only steps). */
  readonly userStepsText: string;
}

export type RestoreResult =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'ok';
      readonly saved: SavedWorkspace;
      /** The texts read from parts of their own, for the next write to keep where they are. */
      readonly known: KnownParts;
    }
  | {
      readonly kind: 'unreadable';
      readonly message: string;
      /** What was read, to keep aside; undefined when the database itself could not be opened. */
      readonly value?: unknown;
      readonly revision?: number;
      /** The database could not be opened at all (blocked, a newer version, storage off). */
      readonly unavailable?: boolean;
    };

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(AUTOSAVE_DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
  });
}

function request<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB request failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** An IndexedDB error as a clause inside a sentence (DOMException messages end in a full stop). */
export function describeStorageError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.replace(/\.$/, '')}` : String(e);
}

/** The revision a stored value carries (0 for records that predate it, or for no record). */
export function revisionOf(value: unknown): number {
  const r = (value as { revision?: unknown } | null | undefined)?.revision;
  return typeof r === 'number' && Number.isSafeInteger(r) && r >= 0 ? r : 0;
}

/** The revision of the record a read found (0 for none, or for one that predates revisions). */
export function revisionRead(read: RestoreResult): number {
  if (read.kind === 'ok') return read.saved.revision ?? 0;
  return read.kind === 'unreadable' ? (read.revision ?? 0) : 0;
}

export type WriteResult =
  | { readonly kind: 'written'; readonly revision: number; readonly known: KnownParts }
  /** Another tab wrote since `expected`: nothing was written. */
  | { readonly kind: 'newer'; readonly revision: number };

/**
 * Writes `saved` as revision `expected + 1`, in one transaction that first checks the stored
 * record is still at `expected` (IndexedDB runs read-write transactions on a store one at a time,
 * so no other tab can write between the check and the put). Its long texts go to parts of their
 * own, except those `known` says the stored record already holds (autosave-parts.ts).
 */
export async function writeAutosaveIfCurrent(
  factory: IDBFactory,
  key: string,
  saved: WorkspaceToSave,
  expected: number,
  known: KnownParts = {},
): Promise<WriteResult> {
  const db = await openDb(factory);
  try {
    return await new Promise<WriteResult>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      let result: WriteResult | undefined;
      const get = store.get(key);
      get.onsuccess = () => {
        const stored = revisionOf(get.result);
        if (stored !== expected) {
          result = { kind: 'newer', revision: stored };
          return;
        }
        const plan = planWrite(key, saved, expected + 1, get.result, known);
        for (const [part, blob] of plan.puts) store.put(blob, part);
        for (const part of plan.deletes) store.delete(part);
        store.put(plan.record, key);
        result = { kind: 'written', revision: expected + 1, known: plan.known };
      };
      tx.oncomplete = () =>
        result ? resolve(result) : reject(new Error('IndexedDB wrote nothing'));
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB request failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** A workspace's record and the parts it refers to, read in one transaction. */
function readWithParts(
  db: IDBDatabase,
  key: string,
): Promise<{ value: unknown; parts: Map<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const parts = new Map<string, unknown>();
    const get = store.get(key);
    get.onsuccess = () => {
      for (const part of partsOf(get.result)) {
        const read = store.get(part);
        read.onsuccess = () => parts.set(part, read.result);
      }
    };
    tx.oncomplete = () => resolve({ value: get.result, parts });
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB request failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Keeps a record that could not be restored under a key of its own; returns that key. */
export async function keepAside(factory: IDBFactory, key: string, value: unknown): Promise<string> {
  const db = await openDb(factory);
  try {
    const aside = `set-aside:${key}:${new Date().toISOString()}`;
    await request(db, 'readwrite', (s) => s.put(value, aside));
    return aside;
  } finally {
    db.close();
  }
}

/** Checks the shape of what was read: an old or corrupt record is reported, not trusted. */
export function checkSaved(value: unknown): RestoreResult {
  if (value === undefined || value === null) return { kind: 'none' };
  const unreadable = (message: string): RestoreResult => ({ kind: 'unreadable', message });
  if (typeof value !== 'object') return unreadable('the autosaved workspace is not a record');
  const v = value as Record<string, unknown>;
  if (typeof v['version'] !== 'number' || !READABLE_VERSIONS.includes(v['version'])) {
    return unreadable(
      `the autosaved workspace has version ${String(v['version'])}; this version of the app reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${String(READABLE_VERSIONS.at(-1))}`,
    );
  }
  if (v['hostText'] !== undefined && typeof v['hostText'] !== 'string') {
    return unreadable('the autosaved workspace has an invalid "hostText"');
  }
  for (const field of ['savedAt', 'scenarioText', 'userStepsText', 'view'] as const) {
    if (typeof v[field] !== 'string')
      return unreadable(`the autosaved workspace has no valid "${field}"`);
  }
  if (v['builtinId'] !== undefined && typeof v['builtinId'] !== 'string') {
    return unreadable('the autosaved workspace has an invalid "builtinId"');
  }
  if (v['setAside'] !== undefined && !isSetAsideList(v['setAside'])) {
    return unreadable('the autosaved workspace has an invalid "setAside"');
  }
  // A lesson position that cannot be read costs only the position: the workspace restores.
  const saved =
    v['lesson'] !== undefined && !isSavedLesson(v['lesson'])
      ? ({ ...v, lesson: undefined } as unknown as SavedWorkspace)
      : (value as SavedWorkspace);
  return { kind: 'ok', saved, known: {} };
}

function isSetAsideList(value: unknown): value is readonly SetAsideSteps[] {
  return (
    Array.isArray(value) &&
    value.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as SetAsideSteps).savedAt === 'string' &&
        typeof (e as SetAsideSteps).userStepsText === 'string' &&
        Array.isArray((e as SetAsideSteps).reasons),
    )
  );
}

export async function readAutosave(
  factory: IDBFactory,
  key: string = MAIN_WORKSPACE_KEY,
): Promise<RestoreResult> {
  let db: IDBDatabase;
  try {
    db = await openDb(factory);
  } catch (e) {
    return {
      kind: 'unreadable',
      message: `this browser's storage could not be opened (${describeStorageError(e)})`,
      unavailable: true,
    };
  }
  try {
    const { value: stored, parts } = await readWithParts(db, key);
    const { value, known, problems } = await resolveParts(stored, parts);
    const checked: RestoreResult = problems.length
      ? {
          kind: 'unreadable',
          message: `the autosaved workspace could not be read back: ${problems.join('; ')}`,
        }
      : checkSaved(value);
    if (checked.kind === 'ok') return { ...checked, known };
    return checked.kind === 'unreadable'
      ? { ...checked, value, revision: revisionOf(value) }
      : checked;
  } catch (e) {
    return {
      kind: 'unreadable',
      message: `the autosave could not be read (${describeStorageError(e)})`,
    };
  } finally {
    db.close();
  }
}
