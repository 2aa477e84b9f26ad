/**
 * Autosave of the workspace in IndexedDB (localStorage's 5 MB is too small for big scenarios).
 * One record under a fixed key; a record that cannot be read back gives a message, never a blank
 * page.
 */
export const AUTOSAVE_DB = 'iova-explorer';
const STORE = 'workspace';
const KEY = 'current';
/**
 * 2: the workspace's host import (facts, placed lines, trace steps, guest layout) is kept too.
 * Version 1 records (scenario and user steps only) are still read.
 */
export const AUTOSAVE_VERSION = 2;
const READABLE_VERSIONS: readonly number[] = [1, 2];

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
}

export type RestoreResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly saved: SavedWorkspace }
  | { readonly kind: 'unreadable'; readonly message: string };

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

export async function writeAutosave(factory: IDBFactory, saved: SavedWorkspace): Promise<void> {
  const db = await openDb(factory);
  try {
    await request(db, 'readwrite', (s) => s.put(saved, KEY));
  } finally {
    db.close();
  }
}

export async function clearAutosave(factory: IDBFactory): Promise<void> {
  const db = await openDb(factory);
  try {
    await request(db, 'readwrite', (s) => s.delete(KEY));
  } finally {
    db.close();
  }
}

/** Checks the shape of what was read: an old or corrupt record is reported, not trusted. */
export function checkSaved(value: unknown): RestoreResult {
  if (value === undefined || value === null) return { kind: 'none' };
  if (typeof value !== 'object')
    return { kind: 'unreadable', message: 'the autosaved workspace is not a record' };
  const v = value as Record<string, unknown>;
  if (typeof v['version'] !== 'number' || !READABLE_VERSIONS.includes(v['version'])) {
    return {
      kind: 'unreadable',
      message: `the autosaved workspace has version ${String(v['version'])}; this version of the app reads versions ${READABLE_VERSIONS.join(' and ')}`,
    };
  }
  if (v['hostText'] !== undefined && typeof v['hostText'] !== 'string') {
    return { kind: 'unreadable', message: 'the autosaved workspace has an invalid "hostText"' };
  }
  for (const field of ['savedAt', 'scenarioText', 'userStepsText', 'view'] as const) {
    if (typeof v[field] !== 'string')
      return { kind: 'unreadable', message: `the autosaved workspace has no valid "${field}"` };
  }
  if (v['builtinId'] !== undefined && typeof v['builtinId'] !== 'string') {
    return { kind: 'unreadable', message: 'the autosaved workspace has an invalid "builtinId"' };
  }
  return { kind: 'ok', saved: value as SavedWorkspace };
}

export async function readAutosave(factory: IDBFactory): Promise<RestoreResult> {
  try {
    const db = await openDb(factory);
    try {
      return checkSaved(await request<unknown>(db, 'readonly', (s) => s.get(KEY)));
    } finally {
      db.close();
    }
  } catch (e) {
    return {
      kind: 'unreadable',
      message: `the autosave could not be read: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
