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
