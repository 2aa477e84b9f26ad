import type { WorkspaceToSave } from './autosave.ts';

/**
 * The big texts of an autosaved workspace (the scenario of a few hundred thousand trace steps,
 * its host import) kept in records of their own, as Blobs. The workspace's record then holds a
 * few hundred bytes: the revision check before every save reads only that, a view change
 * rewrites only that, a text is written again only when it changed, and the browser writes a
 * Blob's bytes away from the page's thread (a 45 MB string put in the record itself held the page
 * for a quarter of a second, and reading it back for the revision check as long again). The
 * import worker makes the Blobs of a big import's texts itself (import-jobs.ts): making one of a
 * 20 MB string on the page held it for a quarter of a second too.
 */
export const TEXT_FIELDS = ['scenarioText', 'userStepsText', 'hostText'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/**
 * A text as the autosave takes it: a string, or a Blob of its UTF-8 bytes made where the text
 * was (a worker). A Blob is always kept in a part of its own.
 */
export type WorkspaceText = string | Blob;

/** Strings up to this many characters stay in the workspace's record itself. */
export const INLINE_CHARS = 64 * 1024;

/** Where a text kept in a record of its own is, and how many UTF-8 bytes it has. */
export interface PartRef {
  readonly part: string;
  readonly bytes: number;
}

/** What this tab last wrote or read of a record: each text kept apart and the part holding it. */
export type KnownParts = Partial<
  Record<TextField, { readonly text: WorkspaceText; readonly ref: PartRef }>
>;

export function isPartRef(value: unknown): value is PartRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PartRef).part === 'string' &&
    typeof (value as PartRef).bytes === 'number'
  );
}

const PART_PREFIX = 'part:';

export function isPartKey(key: string): boolean {
  return key.startsWith(PART_PREFIX);
}

/** The parts a stored record refers to (none for records that keep every text in themselves). */
export function partsOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const v = value as Record<string, unknown>;
  return TEXT_FIELDS.map((f) => v[f])
    .filter(isPartRef)
    .map((r) => r.part);
}

export interface PlannedWrite {
  /** The workspace's record, with a reference in place of each text kept apart. */
  readonly record: Record<string, unknown>;
  /** Parts to write, by key. */
  readonly puts: readonly (readonly [string, Blob])[];
  /** Parts of the stored record nothing refers to any more. */
  readonly deletes: readonly string[];
  /** What the record holds once written, for the next write. */
  readonly known: KnownParts;
}

/**
 * The record to write as `revision` over `stored`: each string inline when short, in the part
 * `known` names when the stored record still refers to it and the text is the one it holds,
 * else in a new part (named by the revision, so it never replaces a part another record uses).
 */
export function planWrite(
  key: string,
  saved: WorkspaceToSave,
  revision: number,
  stored: unknown,
  known: KnownParts,
): PlannedWrite {
  const kept = new Set(partsOf(stored));
  const record: Record<string, unknown> = { ...saved, revision };
  const puts: [string, Blob][] = [];
  const nextKnown: KnownParts = {};
  for (const field of TEXT_FIELDS) {
    const text = saved[field];
    if (text === undefined || (typeof text === 'string' && text.length <= INLINE_CHARS)) continue;
    const before = known[field];
    let ref: PartRef;
    if (before && kept.has(before.ref.part) && before.text === text) ref = before.ref;
    else {
      const blob = typeof text === 'string' ? new Blob([text], { type: 'text/plain' }) : text;
      ref = { part: `${PART_PREFIX}${key}:${field}:${revision}`, bytes: blob.size };
      puts.push([ref.part, blob]);
    }
    record[field] = ref;
    nextKnown[field] = { text, ref };
  }
  const used = new Set(Object.values(nextKnown).map((k) => k.ref.part));
  return { record, puts, deletes: [...kept].filter((p) => !used.has(p)), known: nextKnown };
}

export interface ResolvedParts {
  /** The stored record with each reference replaced by its text (left as it was where missing). */
  readonly value: unknown;
  readonly known: KnownParts;
  /** Why a text could not be read back, for each one that could not. */
  readonly problems: readonly string[];
}

/** Puts the texts read from the parts (`parts`, by key) back in the record. */
export async function resolveParts(
  value: unknown,
  parts: ReadonlyMap<string, unknown>,
): Promise<ResolvedParts> {
  if (typeof value !== 'object' || value === null) return { value, known: {}, problems: [] };
  const resolved: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const known: KnownParts = {};
  const problems: string[] = [];
  for (const field of TEXT_FIELDS) {
    const ref = resolved[field];
    if (!isPartRef(ref)) continue;
    const stored = parts.get(ref.part);
    if (!(stored instanceof Blob)) {
      problems.push(`its "${field}" (kept as "${ref.part}") is missing`);
    } else if (stored.size !== ref.bytes) {
      problems.push(
        `its "${field}" has ${stored.size} bytes, not the ${ref.bytes} it was saved with`,
      );
    } else {
      resolved[field] = await stored.text();
      // The Blob read is the text's own from now on: the next save keeps its part as it is.
      known[field] = { text: stored, ref };
    }
  }
  return { value: resolved, known, problems };
}
