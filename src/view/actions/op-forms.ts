import type { Action, OpName } from '../../core/actions.ts';
import type { Field, RefTarget, U64Field } from '../../core/ops/fields.ts';
import { flagsFieldOf } from '../../core/ops/flags.ts';
import { OP_SPECS } from '../../core/ops/registry.ts';
import type { OpSpec } from '../../core/ops/spec.ts';
import { FLAG_NAMES, SCENARIO_OPS } from '../../core/scenario/format.ts';
import { hex, parseU64, type Range } from '../../core/u64.ts';

/**
 * What each op's form asks for, and how the typed text becomes an action. Parsing only: whether
 * the action is allowed is the engine's answer (dry run), never decided here.
 */
export type FieldKind =
  | 'u64'
  | 'ref' // an object id the engine returned (container, IOAS, device, HWPT)
  | 'group'
  | 'bdf'
  | 'flags'
  | 'choice'
  | 'int'
  | 'ranges';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly optional?: boolean;
  /** For `ref`: which objects to suggest. */
  readonly refs?: RefTarget;
  readonly choices?: readonly string[];
  readonly defaultValue?: string;
  /** For `u64` user addresses: pre-filled from the IOVA field until edited. */
  readonly userVaFor?: string;
  readonly hint?: string;
  /**
   * For an optional `u64` address that the kernel only honours with a flag (FIXED_IOVA): the flag
   * follows whether the address is typed, and the dry run tells fixed from automatic placement,
   * reading the address the engine chose from the outcome's result[`result`].
   */
  readonly placement?: U64Field['placement'];
}

export interface OpFormOf<N extends string> {
  readonly op: N;
  /** The uAPI call the op mirrors. */
  readonly title: string;
  /** What the op does, in one line. */
  readonly doc: string;
  readonly fields: readonly FieldSpec[];
  readonly defaultFlags?: readonly string[];
}

export type OpForm = OpFormOf<OpName>;

/** How the form asks for each kind of field an op entry declares. */
const FORM_KINDS: Readonly<Record<Field['kind'], FieldKind>> = {
  u64: 'u64',
  ref: 'ref',
  group: 'group',
  int: 'int',
  device: 'bdf',
  flags: 'flags',
  choice: 'choice',
  ranges: 'ranges',
};

/**
 * Whether the form lets the field be left empty: an empty ranges box is the empty list, flags are
 * ticked or not, and a user address left empty follows its IOVA (see `userVaFor`).
 */
function mayBeEmpty(field: Field): boolean {
  if (field.kind === 'ranges') return true;
  if (field.kind === 'flags' || (field.kind === 'u64' && field.userVaFor !== undefined))
    return false;
  return field.optional;
}

/** The form field for an entry's field `name`. */
export function formFieldOf(name: string, field: Field): FieldSpec {
  return {
    name,
    label: field.label ?? name,
    kind: FORM_KINDS[field.kind],
    ...(mayBeEmpty(field) ? { optional: true } : {}),
    ...(field.hint !== undefined ? { hint: field.hint } : {}),
    ...(field.kind === 'ref' ? { refs: field.refs } : {}),
    ...(field.kind === 'choice' ? { choices: field.choices } : {}),
    ...(field.kind === 'choice' && field.formDefault !== undefined
      ? { defaultValue: field.formDefault }
      : {}),
    ...(field.kind === 'u64' && field.userVaFor !== undefined
      ? { userVaFor: field.userVaFor }
      : {}),
    ...(field.kind === 'u64' && field.placement !== undefined
      ? { placement: field.placement }
      : {}),
  };
}

/**
 * The form for an op entry: titled by its uAPI call, one field per entry field in the entry's
 * order. A flags word with no named flags (IOMMU_IOAS_ALLOC) has nothing to tick and is left out.
 */
export function opFormOf<N extends string>(op: N, spec: OpSpec): OpFormOf<N> {
  const flagsField = flagsFieldOf(spec);
  return {
    op,
    title: spec.call,
    doc: spec.doc,
    fields: Object.entries(spec.fields)
      .filter(([, f]) => f.kind !== 'flags' || Object.keys(f.bits).length > 0)
      .map(([name, f]) => formFieldOf(name, f)),
    ...(flagsField?.formDefault !== undefined ? { defaultFlags: flagsField.formDefault } : {}),
  };
}

const FORMS = Object.fromEntries(
  Object.entries(OP_SPECS).map(([op, spec]) => [op, opFormOf(op, spec)]),
) as Readonly<Record<OpName, OpForm>>;

export const OP_FORMS: readonly OpForm[] = SCENARIO_OPS.map((op) => FORMS[op]);

export function formFor(op: OpName): OpForm {
  return FORMS[op];
}

export function flagNamesFor(op: OpName): readonly string[] {
  return FLAG_NAMES[op] ?? [];
}

/** A host address QEMU could plausibly use: the iova's offset within 1 TiB above 0x7f00_0000_0000, so huge-page alignment matches. */
export function plausibleUserVa(iova: bigint | undefined): bigint {
  const base = 0x7f00_0000_0000n;
  return iova === undefined ? base : base + (iova % (1n << 40n));
}

export type FieldValues = Readonly<Record<string, string | readonly string[]>>;

export type BuildResult =
  | { readonly ok: true; readonly action: Action }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

function parseInteger(text: string): { ok: true; value: number } | { ok: false; error: string } {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t))
    return { ok: false, error: `"${text}" is not a whole number` };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { ok: false, error: `"${text}" is too large for an id` };
  return { ok: true, value: n };
}

function parseRanges(text: string): { ok: true; value: Range[] } | { ok: false; error: string } {
  const out: Range[] = [];
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const [i, line] of lines.entries()) {
    const m = /^(\S+)\s*(?:-|\.\.)\s*(\S+)$/.exec(line);
    if (!m) return { ok: false, error: `line ${i + 1}: write START-LAST, e.g. 0x100000-0x1fffff` };
    const a = parseU64(m[1] as string);
    const b = parseU64(m[2] as string);
    if (!a.ok) return { ok: false, error: `line ${i + 1}: ${a.error}` };
    if (!b.ok) return { ok: false, error: `line ${i + 1}: ${b.error}` };
    out.push({ start: a.value, last: b.value });
  }
  return { ok: true, value: out };
}

/** Turns the form's text into an action, or says which fields do not parse. */
export function buildAction(form: OpFormOf<string>, values: FieldValues): BuildResult {
  const errors: Record<string, string> = {};
  const action: Record<string, unknown> = { op: form.op };
  for (const f of form.fields) {
    const raw = values[f.name];
    if (f.kind === 'flags') {
      action[f.name] = Array.isArray(raw) ? [...raw] : [];
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (f.kind === 'ranges') action[f.name] = []; // an empty box is the empty list
      if (f.optional) continue;
      if (f.userVaFor !== undefined) continue; // the engine picks a plausible address when absent
      errors[f.name] = `${f.label} is required`;
      continue;
    }
    switch (f.kind) {
      case 'u64': {
        const r = parseU64(text);
        if (r.ok) action[f.name] = r.value;
        else errors[f.name] = r.error;
        break;
      }
      case 'ref':
      case 'group':
      case 'int': {
        const r = parseInteger(text);
        if (r.ok) action[f.name] = r.value;
        else errors[f.name] = r.error;
        break;
      }
      case 'bdf':
      case 'choice':
        action[f.name] = text.trim();
        break;
      case 'ranges': {
        const r = parseRanges(text);
        if (r.ok) action[f.name] = r.value;
        else errors[f.name] = r.error;
        break;
      }
    }
  }
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, action: action as unknown as Action };
}

/**
 * An action as the form's text, for filling the form with it (a lesson's step): addresses in hex,
 * flags as one comma-separated text, ranges one START-LAST a line. Fields the action leaves out
 * are left out, for the form's own defaults.
 */
export function formValuesOf(form: OpFormOf<string>, action: Action): Record<string, string> {
  const values: Record<string, string> = {};
  const a = action as unknown as Record<string, unknown>;
  for (const f of form.fields) {
    const v = a[f.name];
    if (v === undefined) continue;
    if (typeof v === 'bigint') values[f.name] = hex(v);
    else if (typeof v === 'number' || typeof v === 'string') values[f.name] = String(v);
    else if (Array.isArray(v) && f.kind === 'flags') values[f.name] = v.join(',');
    else if (Array.isArray(v) && f.kind === 'ranges')
      values[f.name] = (v as Range[]).map((r) => `${hex(r.start)}-${hex(r.last)}`).join('\n');
  }
  return values;
}

/** The form's starting values: default choices and flags; user addresses follow their IOVA. */
export function initialValues(
  form: OpFormOf<string>,
  defaults: Readonly<Record<string, string>> = {},
): Record<string, string | readonly string[]> {
  let values: Record<string, string | readonly string[]> = {};
  for (const f of form.fields) {
    if (f.kind === 'flags') {
      // Preset flags come as one comma-separated text (formValuesOf).
      const preset = defaults[f.name];
      values[f.name] =
        preset !== undefined ? preset.split(',').filter(Boolean) : (form.defaultFlags ?? []);
    } else values[f.name] = defaults[f.name] ?? f.defaultValue ?? '';
  }
  // A placement flag starts as its address does: ticked when one is pre-filled.
  for (const f of form.fields) {
    if (f.placement && isTyped(values[f.name]))
      values = { ...values, ...withFlag(form, values, f.placement.flag, true) };
  }
  return values;
}

function isTyped(v: string | readonly string[] | undefined): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

function flagsField(form: OpFormOf<string>): FieldSpec | undefined {
  return form.fields.find((f) => f.kind === 'flags');
}

function withFlag(
  form: OpFormOf<string>,
  values: FieldValues,
  flag: string,
  on: boolean,
): Record<string, string | readonly string[]> {
  const ff = flagsField(form);
  if (!ff) return { ...values };
  const raw = values[ff.name];
  const chosen: readonly string[] = Array.isArray(raw) ? raw : [];
  const next = on
    ? chosen.includes(flag)
      ? chosen
      : [...chosen, flag]
    : chosen.filter((x) => x !== flag);
  return { ...values, [ff.name]: next };
}

/**
 * The values after the user set field `name` to `value`. An address with a placement flag carries
 * its flag along when it goes from empty to typed (ticked) or back (unticked); editing a typed
 * address leaves the flag as the user last set it, so an explicit choice on the checkbox stands.
 */
export function setFieldValue(
  form: OpFormOf<string>,
  values: FieldValues,
  name: string,
  value: string | readonly string[],
): Record<string, string | readonly string[]> {
  const next = { ...values, [name]: value };
  const f = form.fields.find((x) => x.name === name);
  if (!f?.placement) return next;
  const was = isTyped(values[name]);
  const now = isTyped(value);
  return was === now ? next : withFlag(form, next, f.placement.flag, now);
}

export interface Placement {
  readonly field: string;
  /** FIXED_IOVA is ticked: the kernel maps at the typed address (0 when none is typed). */
  readonly fixed: boolean;
  /** The address typed in the field, if any and if it parses. */
  readonly typed: bigint | undefined;
}

/** How the action asks the kernel to place it, for a form with a placement field. */
export function placementOf(form: OpFormOf<string>, values: FieldValues): Placement | undefined {
  const f = form.fields.find((x) => x.placement !== undefined);
  const ff = flagsField(form);
  if (!f?.placement || !ff) return undefined;
  const raw = values[ff.name];
  const fixed = Array.isArray(raw) && raw.includes(f.placement.flag);
  const text = values[f.name];
  const parsed = typeof text === 'string' && text.trim() !== '' ? parseU64(text) : undefined;
  return { field: f.name, fixed, typed: parsed?.ok ? parsed.value : undefined };
}
