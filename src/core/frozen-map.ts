/**
 * The fields an op changes in one record of state. Every field of those records is required
 * and never undefined, so an absent field keeps its old value. The records are copied field by
 * field (`iommufdWith`, `ioasWith`, `type1With`, `engineWith`), not with `Object.freeze({ ...s })`:
 * profiled, spreading a frozen object cost 100 ns and freezing a spread copy up to 390 ns, a
 * third of an IOAS map at a million mappings; a literal of the same fields costs under 30 ns
 * and gives every version of a record one hidden class. Listing the fields means a field added
 * to a record must be added to its copy too: the record's type makes a missing one an error.
 */
export type Changes<T> = { readonly [K in keyof T]?: Exclude<T[K], undefined> };

/**
 * Copy-and-change for the small maps of model state (containers, groups, iommufd objects): the
 * input map is never touched, so an op that fails hands back its input state unchanged.
 */

export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

export function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

/** `map` with `key` set to `value`, or without `key` when `value` is undefined. */
export function withEntryOrWithout<K, V>(
  map: ReadonlyMap<K, V>,
  key: K,
  value: V | undefined,
): Map<K, V> {
  return value === undefined ? withoutEntry(map, key) : withEntry(map, key, value);
}
