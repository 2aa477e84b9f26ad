import type { Errno } from '../outcome.ts';
import type { Range, U64 } from '../u64.ts';

/**
 * The kinds of field an op's action can carry. Each builder returns plain data (what the loader,
 * the forms and the replay need to know about the field) plus, at the type level only, the value
 * the engine receives — so one op entry yields both the action type and everything derived from it.
 */

/** An object id the engine returned (a scenario's `"$name"` is resolved to it before the engine runs). */
export type ObjectRef = number | string;
/** Flag names (`READ`, `FIXED_IOVA`) or raw bits written as hex strings (`"0x8"`). */
export type FlagList = readonly string[];

/** Which objects a reference names: what the form suggests for it. */
export type RefTarget = 'container' | 'ioas' | 'device' | 'pt' | 'object' | 'fd';

declare const valueType: unique symbol;

interface FieldBase<K extends string, V> {
  readonly kind: K;
  readonly optional: boolean;
  /** The form's label; the field's name when absent. */
  readonly label?: string;
  /** The form's placeholder. */
  readonly hint?: string;
  /** Type-level only: the value the engine receives for this field. */
  readonly [valueType]?: V;
}

export interface U64Field extends FieldBase<'u64', U64> {
  /** A host user address: the form pre-fills it from this IOVA field until edited. */
  readonly userVaFor?: string;
  /**
   * An address the kernel only honours with a flag (FIXED_IOVA): the form ties the flag to whether
   * the address is typed and reads the address the engine chose from result[`result`].
   */
  readonly placement?: { readonly flag: string; readonly result: string };
}
export interface RefField extends FieldBase<'ref', ObjectRef> {
  readonly refs: RefTarget;
}
export type GroupField = FieldBase<'group', number>;
export type IntField = FieldBase<'int', number>;
/** A PCI device by its BDF (`0000:01:00.0`). */
export type DeviceField = FieldBase<'device', string>;
export type RangesField = FieldBase<'ranges', readonly Range[]>;

export interface FlagsField extends FieldBase<'flags', FlagList> {
  /** The uAPI's flag names and their bit values. */
  readonly bits: Readonly<Record<string, bigint>>;
  /** What the ioctl answers for a bit it does not define (type1: EINVAL, iommufd: EOPNOTSUPP). */
  readonly unknownErrno: Errno;
  /** The flags a new form starts with. */
  readonly formDefault?: readonly string[];
}

export interface ChoiceField<V> extends FieldBase<'choice', V> {
  /** The names the loader accepts and the form offers, in the form's order. */
  readonly choices: readonly string[];
  /** Set when a raw uAPI number is accepted too: the loader's "expected ..." phrase. */
  readonly orNumber?: string;
  /** The form's starting choice. */
  readonly formDefault?: string;
}

export type Field =
  | U64Field
  | RefField
  | GroupField
  | IntField
  | DeviceField
  | RangesField
  | FlagsField
  | ChoiceField<unknown>;

/** An op's fields, in the order the form shows them. */
export type FieldMap = Readonly<Record<string, Field>>;

/** The value type a field carries into the action. */
export type ValueOf<F> = F extends FieldBase<string, infer V> ? V : never;

type Labels = Pick<FieldBase<string, unknown>, 'label' | 'hint'>;

export function u64(opts: Labels & Pick<U64Field, 'userVaFor' | 'placement'> = {}): U64Field {
  return { kind: 'u64', optional: false, ...opts };
}

export function objectRef(refs: RefTarget, opts: Labels = {}): RefField {
  return { kind: 'ref', optional: false, refs, ...opts };
}

export function group(opts: Labels = {}): GroupField {
  return { kind: 'group', optional: false, ...opts };
}

export function int(opts: Labels = {}): IntField {
  return { kind: 'int', optional: false, ...opts };
}

export function device(opts: Labels = {}): DeviceField {
  return { kind: 'device', optional: false, ...opts };
}

export function ranges(opts: Labels = {}): RangesField {
  return { kind: 'ranges', optional: false, ...opts };
}

/**
 * A flags word. Left out of a step it is the empty list (flags = 0), unless wrapped in
 * `optional()` for ops whose action leaves it absent.
 */
export function flags<const B extends Readonly<Record<string, bigint>>>(
  bits: B,
  opts: Labels & { readonly unknownErrno: Errno; readonly formDefault?: readonly (keyof B)[] },
): FlagsField & { readonly bits: B } {
  const { formDefault, ...rest } = opts;
  return {
    kind: 'flags',
    optional: false,
    bits,
    ...rest,
    ...(formDefault !== undefined ? { formDefault: formDefault.map(String) } : {}),
  };
}

/** One of a few names. */
export function choice<const C extends readonly string[]>(
  choices: C,
  opts: Labels & { readonly formDefault?: C[number] } = {},
): ChoiceField<C[number]> {
  return { kind: 'choice', optional: false, choices, ...opts };
}

/** One of a few names or the raw uAPI number they stand for. */
export function choiceOrNumber<const C extends readonly string[]>(
  choices: C,
  opts: Labels & { readonly expected: string; readonly formDefault?: C[number] },
): ChoiceField<C[number] | number> {
  const { expected, ...rest } = opts;
  return { kind: 'choice', optional: false, choices, orNumber: expected, ...rest };
}

/**
 * A uAPI argument the kernel takes as a number; the names are the spellings a scenario may use,
 * and any other string reaches the op (which reads raw numbers from it).
 */
export function nameOrNumber(
  choices: readonly string[],
  opts: Labels & { readonly expected: string; readonly formDefault?: string },
): ChoiceField<string | number> {
  return choiceOrNumber(choices, opts);
}

/** The field may be left out of the action. */
export function optional<F extends Field>(field: F): F & { readonly optional: true } {
  return { ...field, optional: true };
}
