import { describeKnown, parseFlags } from '../flag-bits.ts';
import type { Errno } from '../outcome.ts';
import { hex } from '../u64.ts';
import type { FlagList, FlagsField } from './fields.ts';
import { OP_SPECS, type OpName, type OpSpecs } from './registry.ts';
import type { OpSpec } from './spec.ts';

/**
 * Flag parsing derived from an op's entry: its flags field's name table and the errno its ioctl
 * gives for bits it does not define. Never throws: a name the ioctl does not know, raw text that is
 * no number and bits outside the table all come back as that errno.
 */

export type OpFlagParse =
  | { readonly ok: true; readonly bits: bigint }
  | { readonly ok: false; readonly errno: Errno; readonly message: string };

/** The ops whose entry has a `flags` field. */
export type FlagOpName = {
  [N in OpName]: OpSpecs[N]['fields'] extends { readonly flags: FlagsField } ? N : never;
}[OpName];

/** The entry's `flags` field, if it has one. */
export function flagsFieldOf(spec: OpSpec): FlagsField | undefined {
  const field = spec.fields['flags'];
  return field?.kind === 'flags' ? field : undefined;
}

/** The flag names an entry's `flags` field knows (none when it has no flags field). */
export function flagNamesOf(spec: OpSpec): readonly string[] {
  return Object.keys(flagsFieldOf(spec)?.bits ?? {});
}

/** A step's flags as the uAPI bit value, or the errno the entry's ioctl gives for them. */
export function parseSpecFlags(spec: OpSpec, flags: FlagList | undefined): OpFlagParse {
  const field = flagsFieldOf(spec);
  const names = field?.bits ?? {};
  // No flags field: no ioctl word to carry them, so any flag is as invalid as an unknown bit.
  const errno = field?.unknownErrno ?? 'EINVAL';
  const parsed = parseFlags(flags, names);
  const known = describeKnown(names) || 'none';
  if (!parsed.ok)
    return {
      ok: false,
      errno,
      message: `unknown ${spec.call} flag "${parsed.bad}" (known: ${known})`,
    };
  const defined = Object.values(names).reduce((all, bit) => all | bit, 0n);
  const unknown = parsed.bits & ~defined;
  if (unknown !== 0n)
    return {
      ok: false,
      errno,
      message: `unknown ${spec.call} flag bits ${hex(unknown)} (known: ${known})`,
    };
  return { ok: true, bits: parsed.bits };
}

/** `parseSpecFlags` for a registered op, by name. */
export function parseOpFlags(op: FlagOpName, flags: FlagList | undefined): OpFlagParse {
  return parseSpecFlags(OP_SPECS[op], flags);
}

/** Flag names each op with a flags field knows, by op. */
export const FLAG_NAMES: Readonly<Partial<Record<OpName, readonly string[]>>> = Object.fromEntries(
  Object.entries(OP_SPECS).flatMap(([op, spec]) =>
    flagsFieldOf(spec) ? [[op, flagNamesOf(spec)]] : [],
  ),
);
