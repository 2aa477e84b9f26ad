import * as z from 'zod';
import type { Field } from '../ops/fields.ts';
import { OP_SPECS, type ActionOf, type OpName } from '../ops/registry.ts';
import type { OpSpec } from '../ops/spec.ts';
import { ERRNO_NUMBERS, type Errno } from '../outcome.ts';
import { parseU64 } from '../u64.ts';
import { describeValue } from './describe.ts';
import { didYouMean } from './suggest.ts';
import { groupNumber, integer, rangeSchema, u64String } from './u64-codec.ts';

/**
 * The schema of a scenario step, derived from the op entries (`ops/registry.ts`): one strict
 * object per op with `op`, `as`, `expect` and the entry's fields, each field's kind giving its
 * syntax check and its error sentence. Syntax only: every semantic rule is the engine's.
 */

/** `"as": "name"` binds the step's `result.id`; `"$name"` uses it. */
const bindName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, {
  error: (iss) =>
    typeof iss.input === 'string' && iss.input.startsWith('$')
      ? `"as" takes the bare name: write "${iss.input.slice(1)}" here and "${iss.input}" where it is used`
      : `expected a name made of letters, digits, "_", "." or "-" (not starting with a digit), found ${describeValue(iss.input)}`,
});

/** An object id: a raw integer (ids the engine never returned exercise lookup failures) or "$name". */
function objectRefError(iss: { input?: unknown }): string {
  // Said here: a union left without input would otherwise report that nothing matches.
  if (iss.input === undefined)
    return `required field is missing (expected an object id: an integer or "$name")`;
  const hint =
    typeof iss.input === 'string' && /^[A-Za-z_]/.test(iss.input)
      ? ` (write "$${iss.input}" to use the id bound by "as": "${iss.input}")`
      : '';
  return `expected an object id: an integer or "$name" bound by an earlier step's "as", found ${describeValue(iss.input)}${hint}`;
}
const objectRef = z.union(
  [
    z
      .number({ error: objectRefError })
      .int({ error: objectRefError })
      .nonnegative({ error: objectRefError }),
    z
      .string({ error: objectRefError })
      .regex(/^\$[A-Za-z_][A-Za-z0-9_.-]*$/, { error: objectRefError }),
  ],
  { error: objectRefError },
);

/** Flags: the op's known names, or raw bits in hex ("0x8") so unknown bits can be exercised. */
function flagList(op: string, names: readonly string[]) {
  const flag = z.string().superRefine((s, ctx) => {
    if (names.includes(s)) return;
    if (/^0[xX][0-9a-fA-F_]+$/.test(s) && parseU64(s).ok) return;
    const known = names.length > 0 ? `${names.join(', ')} or raw bits` : 'raw bits';
    ctx.addIssue({
      code: 'custom',
      message: `unknown flag "${s}" for ${op}: expected ${known} written in hex such as "0x8"${didYouMean(s, names)}`,
    });
  });
  return z.array(flag);
}

/** A name from the entry's list, or (when it takes one) the raw uAPI number. */
function choiceSchema(choices: readonly string[], orNumber: string | undefined): z.ZodType {
  const names = z.enum(choices as [string, ...string[]]);
  if (orNumber === undefined) return names;
  return z.union([z.number().int().nonnegative(), names], {
    error: (iss) =>
      iss.input === undefined
        ? `required field is missing (expected ${orNumber})`
        : `expected ${orNumber}, found ${describeValue(iss.input)}${typeof iss.input === 'string' ? didYouMean(iss.input, choices) : ''}`,
  });
}

/** The syntax of one field's value, before optionality. */
function valueSchema(op: string, field: Field): z.ZodType {
  switch (field.kind) {
    case 'u64':
      return u64String;
    case 'ref':
      return objectRef;
    case 'group':
      return groupNumber;
    case 'int':
      return integer();
    case 'device':
      return z.string();
    case 'ranges':
      return z.array(rangeSchema);
    case 'choice':
      return choiceSchema(field.choices, field.orNumber);
    case 'flags':
      return flagList(op, Object.keys(field.bits));
  }
}

/** A field the step may leave out; a flags word left out is the empty list (flags = 0). */
function fieldSchema(op: string, field: Field): z.ZodType {
  const value = valueSchema(op, field);
  if (field.optional) return value.optional();
  return field.kind === 'flags' ? value.default([]) : value;
}

const errnoNames = Object.keys(ERRNO_NUMBERS) as [Errno, ...Errno[]];

const jsonRecord = z.record(z.string(), z.json());

/**
 * `{ "ok": true }` or `{ "errno": "EINVAL" }`, either with `result` matched as a subset.
 * `"ok": false` may accompany an errno but says nothing on its own.
 */
export const expectSchema = z
  .strictObject({
    ok: z.boolean().optional(),
    errno: z.enum(errnoNames).optional(),
    result: jsonRecord.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.ok === true && e.errno !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"ok": true and "errno": "${e.errno}" contradict each other: expect one or the other`,
      });
    } else if (e.ok !== true && e.errno === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expect needs "ok": true or "errno": "E…" (for example {"errno": "EINVAL"})',
      });
    }
  });

export type Expect = z.output<typeof expectSchema>;

/** The schema of a step of op `op` described by `spec`: its fields plus `as` and `expect`. */
export function stepSchemaFor(op: string, spec: OpSpec) {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(spec.fields)) shape[name] = fieldSchema(op, field);
  return z.strictObject({
    op: z.literal(op),
    as: bindName.optional(),
    expect: expectSchema.optional(),
    ...shape,
  });
}

/** What a step adds to its action: the name it binds and the outcome it expects. */
interface StepExtras {
  readonly as?: string;
  readonly expect?: Expect;
}

/** A step of op N as loaded: the engine's action (with `"$name"` refs unresolved) plus `as`/`expect`. */
export type ScenarioStepOf<N extends OpName> = ActionOf<N> & StepExtras;
export type ScenarioStep = { [N in OpName]: ScenarioStepOf<N> }[OpName];

/** One schema per registered op, in the registry's order. */
export const stepSchemas: { readonly [N in OpName]: ReturnType<typeof stepSchemaFor> } =
  Object.fromEntries(
    Object.entries(OP_SPECS).map(([op, spec]) => [op, stepSchemaFor(op, spec)]),
  ) as { [N in OpName]: ReturnType<typeof stepSchemaFor> };

type AnyStepSchema = ReturnType<typeof stepSchemaFor>;

/**
 * Any step, chosen by `op`. Built from data, zod cannot infer its output type; the entries'
 * action types are what its field kinds produce (test/core/ops/registry.test.ts checks each).
 */
export const stepSchema = z.discriminatedUnion(
  'op',
  Object.values(stepSchemas) as [AnyStepSchema, ...AnyStepSchema[]],
) as unknown as z.ZodType<ScenarioStep, unknown>;
