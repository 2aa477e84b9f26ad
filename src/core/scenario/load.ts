import * as z from 'zod';
import { platformProblems } from '../platform/validate.ts';
import { firstIssues } from './first-issues.ts';
import { MAX_NESTING, measureJson } from './json-extent.ts';
import { findJsonSyntaxError } from './json-syntax.ts';
import { describeExpected, describeValue } from './describe.ts';
import {
  conformanceFileSchema,
  type ConformanceScenario,
  SCENARIO_FORMAT,
  SCENARIO_OPS,
  type Scenario,
  scenarioSchema,
} from './schema.ts';
import { didYouMean } from './suggest.ts';
import { formatPath, type LoadError } from './load-error.ts';

export { formatLoadError, formatPath, type LoadError } from './load-error.ts';

/**
 * Loading and saving scenario files. `load` never throws for bad input: every problem comes back
 * as a sentence with the JSON path (or the line and column of a JSON syntax error). Beyond the
 * schema's syntax it refuses what would cost out of proportion (nesting past MAX_NESTING, errors
 * past MAX_ERRORS are never built) and platforms no host can have (platform/validate.ts).
 */

export type LoadResult =
  | { readonly ok: true; readonly kind: 'scenario'; readonly scenario: Scenario }
  | { readonly ok: true; readonly kind: 'conformance'; readonly scenarios: ConformanceScenario[] }
  | { readonly ok: false; readonly errors: readonly LoadError[] };

/** At most this many errors are reported; the rest are usually consequences of the first. */
const MAX_ERRORS = 20;

/** Above this many nodes, `firstIssues` looks for the first MAX_ERRORS before zod parses it all. */
const PRECHECK_NODES = 20_000;

/** Parses a scenario file or a conformance file (a JSON array of scenarios). */
export function load(text: string): LoadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const where = findJsonSyntaxError(text);
    if (where)
      return {
        ok: false,
        errors: [
          {
            path: '',
            message: `invalid JSON: ${where.message}`,
            line: where.line,
            column: where.column,
          },
        ],
      };
    return { ok: false, errors: [{ path: '', message: `invalid JSON: ${(e as Error).message}` }] };
  }
  return loadValue(value);
}

/** Like `load`, for a value already parsed from JSON. */
export function loadValue(value: unknown): LoadResult {
  try {
    const extent = measureJson(value);
    if (extent.tooDeep)
      return {
        ok: false,
        errors: [
          {
            path: formatPath(extent.tooDeep),
            message: `nested deeper than ${MAX_NESTING} levels of arrays and objects (the nesting limit): a scenario file needs a few`,
          },
        ],
      };
    const tooMany = (schema: z.ZodType): LoadResult | undefined => {
      if (extent.nodes <= PRECHECK_NODES) return undefined;
      const issues = firstIssues(schema, value, MAX_ERRORS, { error: sentenceFor });
      return issues.length >= MAX_ERRORS
        ? { ok: false, errors: toLoadErrors(issues, value) }
        : undefined;
    };
    if (Array.isArray(value)) {
      const early = tooMany(conformanceFileSchema);
      if (early) return early;
      const r = conformanceFileSchema.safeParse(value, { error: sentenceFor });
      if (!r.success) return { ok: false, errors: toLoadErrors(r.error.issues, value) };
      const impossible = r.data.flatMap((s, i) =>
        platformErrors(s.platform, [i, 'platform'], s.id),
      );
      return impossible.length > 0
        ? { ok: false, errors: impossible.slice(0, MAX_ERRORS) }
        : { ok: true, kind: 'conformance', scenarios: r.data };
    }
    if (value !== null && typeof value === 'object') {
      const early = tooMany(scenarioSchema);
      if (early) return early;
      const r = scenarioSchema.safeParse(value, { error: sentenceFor });
      if (!r.success) return { ok: false, errors: toLoadErrors(r.error.issues, value) };
      const impossible = platformErrors(r.data.platform, ['platform']);
      return impossible.length > 0
        ? { ok: false, errors: impossible.slice(0, MAX_ERRORS) }
        : { ok: true, kind: 'scenario', scenario: r.data };
    }
    return {
      ok: false,
      errors: [
        {
          path: '',
          message: `expected a scenario object ("format": "${SCENARIO_FORMAT}") or an array of scenarios (a conformance file), found ${describeValue(value)}`,
        },
      ],
    };
  } catch (e) {
    // A schema bug must not surface as a stack trace to the person loading a file.
    return {
      ok: false,
      errors: [
        { path: '', message: `internal error while checking the file: ${(e as Error).message}` },
      ],
    };
  }
}

/** The scenario as `iova-explorer.scenario/1` JSON text (addresses as hex strings). */
export function save(scenario: Scenario): string {
  return JSON.stringify(z.encode(scenarioSchema, scenario), null, 2) + '\n';
}

/** A conformance file: a JSON array of scenarios with ids. */
export function saveConformance(scenarios: readonly ConformanceScenario[]): string {
  return JSON.stringify(z.encode(conformanceFileSchema, [...scenarios]), null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------

type PathKey = PropertyKey;

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as string];
  }
  return v;
}

function toLoadErrors(issues: readonly z.core.$ZodIssue[], root: unknown): LoadError[] {
  const out: LoadError[] = [];
  for (const issue of issues) {
    let path = issue.path;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys' && issue.keys.length === 1)
      path = [...path, issue.keys[0] as string];
    if (
      issue.code === 'invalid_union' &&
      'note' in issue &&
      issue.note === 'No matching discriminator'
    ) {
      message = unknownOpSentence(valueAt(root, path));
    }
    const scenario =
      Array.isArray(root) && typeof path[0] === 'number'
        ? valueAt(root, [path[0], 'id'])
        : undefined;
    out.push({
      path: formatPath(path),
      message,
      ...(typeof scenario === 'string' ? { scenario } : {}),
    });
    if (out.length >= MAX_ERRORS) break;
  }
  return out;
}

/** A platform no host can have, as load errors under `prefix` (platform/validate.ts). */
function platformErrors(
  platform: Scenario['platform'],
  prefix: readonly PathKey[],
  scenario?: string,
): LoadError[] {
  if (!platform) return [];
  return platformProblems(platform).map((p) => ({
    path: formatPath([...prefix, ...p.path]),
    message: p.message,
    ...(scenario !== undefined ? { scenario } : {}),
  }));
}

function unknownOpSentence(op: unknown): string {
  if (op === undefined)
    return `missing "op": every step names its op, such as "vfio.map_dma" or "iommufd.ioas_map"`;
  if (typeof op !== 'string')
    return `expected an op name such as "vfio.map_dma", found ${describeValue(op)}`;
  const hint = didYouMean(op, SCENARIO_OPS);
  return `unknown op "${op}"${hint || ` (known ops: ${SCENARIO_OPS.join(', ')})`}`;
}

/**
 * The loader's error map: a sentence for each zod issue, naming what was expected and what was
 * found. Schema-level messages (u64 strings, object ids, flags, ACS) take precedence over it.
 */
function sentenceFor(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined)
        return `required field is missing (expected ${describeExpected(iss.expected)})`;
      return `expected ${describeExpected(iss.expected)}, found ${describeValue(iss.input)}`;
    }
    case 'unrecognized_keys': {
      const shape = (iss.inst as { shape?: Record<string, unknown> } | undefined)?.shape;
      const known = shape ? Object.keys(shape) : [];
      const op = (iss.input as { op?: unknown } | undefined)?.op;
      const owner = typeof op === 'string' ? ` for ${op}` : '';
      if (iss.keys.length === 1) {
        const key = iss.keys[0] as string;
        const hint = didYouMean(key, known);
        return `unknown field "${key}"${owner}${hint || (known.length ? ` (known fields: ${known.join(', ')})` : '')}`;
      }
      return `unknown fields ${iss.keys.map((k) => `"${k}"`).join(', ')}${owner} (known fields: ${known.join(', ')})`;
    }
    case 'invalid_value': {
      const options = iss.values.map((v) => JSON.stringify(v));
      const hint =
        typeof iss.input === 'string' ? didYouMean(iss.input, iss.values.map(String)) : '';
      const expected = options.length === 1 ? options[0] : `one of ${options.join(', ')}`;
      if (iss.input === undefined) return `required field is missing (expected ${expected})`;
      return `expected ${expected}, found ${describeValue(iss.input)}${hint}`;
    }
    case 'invalid_format':
      return `${describeValue(iss.input)} is not in the expected format`;
    case 'too_small':
    case 'too_big':
      return `${describeValue(iss.input)} is out of range`;
    case 'invalid_union':
      return `${describeValue(iss.input)} matches none of the accepted forms`;
    default:
      return undefined;
  }
}
