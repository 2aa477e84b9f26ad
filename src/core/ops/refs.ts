import { OP_SPECS } from './registry.ts';
import type { OpSpec } from './spec.ts';

/** The fields of an entry that hold object ids (and so may be written `"$name"` in a scenario). */
export function refFieldsOf(spec: OpSpec): readonly string[] {
  return Object.entries(spec.fields).flatMap(([name, f]) => (f.kind === 'ref' ? [name] : []));
}

/**
 * Every field name that holds an object id in some op. The replay resolves `"$name"` in these
 * whatever the step's op: a loaded step only has its own op's fields, and a hand-built one keeps
 * the meaning a field name has everywhere else.
 */
export const OBJECT_REF_FIELDS: ReadonlySet<string> = new Set(
  Object.values(OP_SPECS).flatMap((spec: OpSpec) => refFieldsOf(spec)),
);
