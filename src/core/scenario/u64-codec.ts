import * as z from 'zod';
import { hex, parseU64 } from '../u64.ts';
import { describeValue } from './describe.ts';

/**
 * Addresses and sizes are written as strings (hex with `_`, decimal, or `4K`/`2M`/`1G`/`4KiB`) and
 * held as bigint. A JSON number is refused: above 2^53 it has already lost precision by the time
 * the loader sees it, so accepting small ones would make a file's meaning depend on its values.
 * Saving writes compact hex, which parses back to the same bigint (load(save(x)) round-trips).
 */
export const u64String = z.codec(
  z.string({
    error: (iss) =>
      iss.input === undefined
        ? undefined
        : typeof iss.input === 'number'
          ? `expected a u64 string such as "0x1000" or "4K", found the JSON number ${String(iss.input)} (addresses and sizes must be strings: JSON numbers lose precision above 2^53)`
          : `expected a u64 string such as "0x1000" or "4K", found ${describeValue(iss.input)}`,
  }),
  z.bigint(),
  {
    decode: (text, ctx) => {
      // A file says one thing: "0x1g" is a typo for hex or a size, never 1 GiB ("0x1E" would
      // be hex 30 and "0x1G" 1 GiB), so hex takes no size suffix here.
      const suffix = /^\s*0[xX][0-9a-fA-F_]+(\s*[g-zG-Z]\S*)\s*$/.exec(text)?.[1];
      if (suffix !== undefined) {
        ctx.issues.push({
          code: 'custom',
          message: `"${text}" is not a u64: hex takes no size suffix ("${suffix.trim()}"); write hex digits only (0x40000000) or a decimal size (1G)`,
          input: text,
        });
        return z.NEVER;
      }
      const r = parseU64(text);
      if (!r.ok) {
        ctx.issues.push({ code: 'custom', message: r.error, input: text });
        return z.NEVER;
      }
      return r.value;
    },
    encode: (value) => hex(value),
  },
);

/** A non-negative integer: ids, group numbers, counts. */
export function integer(what = 'an integer'): z.ZodNumber {
  const error = (iss: { input?: unknown }) =>
    iss.input === undefined ? undefined : `expected ${what}, found ${describeValue(iss.input)}`;
  return z
    .number({ error })
    .int({ error })
    .nonnegative({ error: (iss) => `expected ${what} >= 0, found ${describeValue(iss.input)}` });
}

/** An inclusive range of u64 addresses, `{ "start": ..., "last": ... }`. */
export const rangeSchema = z.strictObject({ start: u64String, last: u64String });

/** An IOMMU group number (`/sys/kernel/iommu_groups/N`). */
export const groupNumber = integer('an IOMMU group number (an integer)');
