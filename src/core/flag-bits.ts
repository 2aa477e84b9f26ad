import type { FlagList } from './actions.ts';
import { hex } from './u64.ts';

export type FlagParse =
  | { readonly ok: true; readonly bits: bigint }
  /** `bits` holds what could be read; `bad` is the first entry that is neither a name nor bits. */
  | { readonly ok: false; readonly bits: bigint; readonly bad: string };

/** Raw bits: hex with at least one digit (`"0x_"` is no number) or decimal. */
const RAW_BITS = /^(0[xX](?=[0-9a-fA-F_]*[0-9a-fA-F])[0-9a-fA-F_]+|[0-9]+)$/;

/**
 * Turns a step's flag names and raw bit strings ("0x8", "8") into the uAPI bit value, with the
 * ioctl's own name table. A name the ioctl does not know cannot be expressed as bits; each op
 * reports it as the ioctl reports an unknown bit (type1: EINVAL, iommufd: EOPNOTSUPP). Never
 * throws: whatever is neither a name nor raw bits comes back as `bad`.
 */
export function parseFlags(
  flags: FlagList | undefined,
  names: Readonly<Record<string, bigint>>,
): FlagParse {
  let bits = 0n;
  let bad: string | undefined;
  for (const raw of flags ?? []) {
    // The exact upper-case name is what actions nearly always carry: looked up before any copy.
    const exact = Object.hasOwn(names, raw) ? names[raw] : undefined;
    if (exact !== undefined) {
      bits |= exact;
      continue;
    }
    const name = raw.trim();
    const known = names[name.toUpperCase()];
    if (known !== undefined) bits |= known;
    else if (RAW_BITS.test(name)) bits |= BigInt(name.replace(/_/g, ''));
    else bad ??= name;
  }
  return bad === undefined ? { ok: true, bits } : { ok: false, bits, bad };
}

/** `READ=0x1, WRITE=0x2`: the names an ioctl knows, for messages. */
export function describeKnown(names: Readonly<Record<string, bigint>>): string {
  return Object.entries(names)
    .map(([n, v]) => `${n}=${hex(v)}`)
    .join(', ');
}
