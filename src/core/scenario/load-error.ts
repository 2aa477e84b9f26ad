/**
 * A problem with a scenario file, as the loader (load.ts) reports it, and its sentence. Kept
 * apart from the loader so code that only shows errors does not load the schema and zod with it.
 */
export interface LoadError {
  /** JSON path such as `steps[3].op` or `[2].platform.iommus[0].addressWidth`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
  /** For JSON syntax errors. */
  readonly line?: number;
  readonly column?: number;
  /** The `id` of the conformance scenario the path is in, when known. */
  readonly scenario?: string;
}

/** `steps[3].op: unknown op ...` (with ` (scenario "id")` inside conformance files). */
export function formatLoadError(e: LoadError): string {
  const where =
    e.line !== undefined
      ? `line ${e.line}, column ${e.column ?? 1}`
      : e.path === ''
        ? 'file'
        : e.path;
  return `${where}${e.scenario !== undefined ? ` (scenario "${e.scenario}")` : ''}: ${e.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key))
      out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
