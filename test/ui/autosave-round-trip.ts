import { planWrite, resolveParts } from '../../src/store/autosave-parts.ts';
import {
  checkSaved,
  type RestoreResult,
  type SavedWorkspace,
  type WorkspaceToSave,
} from '../../src/store/autosave.ts';

/**
 * What reading back a saved workspace gives, as IndexedDB would: the record as written (its long
 * texts in parts), cloned as the database stores it, then read back with its parts.
 */
export async function roundTrip(saved: WorkspaceToSave): Promise<RestoreResult> {
  const plan = planWrite('current', saved, 1, undefined, {});
  const stored = structuredClone(plan.record);
  const { value, problems } = await resolveParts(stored, new Map(plan.puts));
  if (problems.length) throw new Error(problems.join('; '));
  return checkSaved(value);
}

/** The workspace as it reads back from the autosave (it must read back). */
export async function readBack(saved: WorkspaceToSave): Promise<SavedWorkspace> {
  const r = await roundTrip(saved);
  if (r.kind !== 'ok') throw new Error(`the saved workspace does not read back: ${r.kind}`);
  return r.saved;
}
