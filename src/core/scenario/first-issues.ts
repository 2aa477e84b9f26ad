import type * as z from 'zod';
import { hasMoreNodesThan } from './json-extent.ts';

/**
 * The first issues a schema finds in a large value, found element by element so that a file of
 * millions of wrong elements never holds millions of issues: zod collects every issue of a parse
 * before the loader can stop at its cap (a 4 MB array of the wrong type took 2.4 GB). The walk
 * follows the schema through arrays, objects, wrappers and discriminated unions, and hands any
 * value of at most LEAF_NODES nodes (or of another schema kind) to zod whole, with the loader's
 * error map, so each issue is the one a full parse reports, with its full path.
 *
 * It is a pre-check: below the cap the loader parses the whole value anyway, which also reports
 * what this walk does not look at (missing keys of large objects, unknown keys).
 */

const LEAF_NODES = 1000;

const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'nonoptional',
]);

interface SchemaDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly discriminator?: string;
  readonly options?: readonly z.ZodType[];
}

export function firstIssues(
  schema: z.ZodType,
  value: unknown,
  cap: number,
  params: z.core.ParseContext<z.core.$ZodIssue>,
): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  const walk = (s: z.ZodType, v: unknown, path: readonly PropertyKey[]): void => {
    if (out.length >= cap) return;
    const def = s._zod.def as SchemaDef;
    if (WRAPPERS.has(def.type) && def.innerType && v !== undefined && v !== null)
      return walk(def.innerType, v, path);
    if (v !== null && typeof v === 'object' && hasMoreNodesThan(v, LEAF_NODES)) {
      if (def.type === 'array' && def.element && Array.isArray(v)) {
        for (let i = 0; i < v.length && out.length < cap; i++)
          walk(def.element, v[i], [...path, i]);
        return;
      }
      if (def.type === 'object' && def.shape && !Array.isArray(v)) {
        const record = v as Record<string, unknown>;
        for (const [key, field] of Object.entries(def.shape))
          if (Object.hasOwn(record, key)) walk(field, record[key], [...path, key]);
        return;
      }
      const option = def.discriminator ? optionFor(def, v) : undefined;
      if (option) return walk(option, v, path);
    }
    const r = s.safeParse(v, params);
    if (r.success) return;
    for (const issue of r.error.issues) {
      if (out.length >= cap) return;
      out.push({ ...issue, path: [...path, ...issue.path] });
    }
  };
  walk(schema, value, []);
  return out;
}

/** The option of a discriminated union that the value's discriminator selects. */
function optionFor(def: SchemaDef, v: object): z.ZodType | undefined {
  const tag = (v as Record<string, unknown>)[def.discriminator as string];
  return def.options?.find((o) =>
    (o._zod as { propValues?: Record<string, Set<unknown>> }).propValues?.[
      def.discriminator as string
    ]?.has(tag),
  );
}
