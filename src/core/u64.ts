/**
 * 64-bit unsigned address arithmetic on `bigint`.
 *
 * Every IO virtual address, size and user virtual address in the core is a `bigint` holding a u64
 * value. `Number()` appears only in the named helpers at the bottom of this file, whose comments
 * say when the conversion loses precision.
 *
 * Ranges are inclusive `{ start, last }` (seed 004: a base/size pair cannot describe the whole
 * 2^64 space, and `start + size` wraps). Size-based uAPI fields are turned into ranges only
 * through `lastOf`, which reports overflow the way `check_add_overflow(iova, size - 1, &last)` does.
 */

export type U64 = bigint;

/**
 * Branded u64 values: a bigint that says what it is, so that passing a user virtual address where
 * an IOVA belongs (or a size where a page-size bitmap belongs) does not compile. Arithmetic gives
 * back a plain bigint; the result is branded again through the constructor that says what it is.
 * The brands exist only for the type checker: at run time every one is a bigint.
 */
declare const unitOf: unique symbol;
type Branded<Kind extends string> = bigint & { readonly [unitOf]: Kind };

/** An IO virtual address: what a device puts on the bus, translated by the IOMMU. */
export type Iova = Branded<'iova'>;
/** A virtual address in the calling process (`vaddr`, `user_va`): the memory behind a mapping. */
export type UserVa = Branded<'user-va'>;
/** A length in bytes. */
export type ByteSize = Branded<'size'>;
/** A set of page sizes, one bit per size (`pgsize_bitmap`, `iova_pgsizes`). */
export type PgsizeBitmap = Branded<'pgsize-bitmap'>;

export const asIova = (v: bigint): Iova => v as Iova;
export const asUserVa = (v: bigint): UserVa => v as UserVa;
export const asByteSize = (v: bigint): ByteSize => v as ByteSize;
export const asPgsizeBitmap = (v: bigint): PgsizeBitmap => v as PgsizeBitmap;

/** A range of the process's user virtual addresses (pinning walks these, never IOVA ranges). */
export interface UserVaRange {
  readonly start: UserVa;
  readonly last: UserVa;
}

/** The user addresses behind `size` bytes starting at `start` (inclusive last, size > 0). */
export function userVaRange(start: UserVa, size: bigint): UserVaRange {
  return { start, last: asUserVa(start + size - 1n) };
}

export const U64_MAX: U64 = (1n << 64n) - 1n;
export const TWO_POW_64 = 1n << 64n;

export interface Range {
  readonly start: U64;
  readonly last: U64;
}

export function range(start: U64, last: U64): Range {
  return { start, last };
}

export function isU64(v: bigint): boolean {
  return v >= 0n && v <= U64_MAX;
}

/** Sum of two u64 values and whether it wrapped, like the kernel's `check_add_overflow`. */
export function checkedAdd(a: U64, b: U64): { value: U64; overflow: boolean } {
  const sum = a + b;
  return sum > U64_MAX
    ? { value: sum - TWO_POW_64, overflow: true }
    : { value: sum, overflow: false };
}

/**
 * The inclusive last byte of `[start, start + size)`. `size` must be non-zero (every kernel path
 * rejects 0 before this check). `overflow` is true when `start + size - 1` does not fit in 64 bits;
 * a range may end exactly at 0xffff_ffff_ffff_ffff.
 */
export function lastOf(start: U64, size: U64): { last: U64; overflow: boolean } {
  if (size === 0n) throw new RangeError('lastOf: size 0 has no last byte');
  const r = checkedAdd(start, size - 1n);
  return { last: r.value, overflow: r.overflow };
}

/** Number of bytes in a range: up to 2^64, which does not fit in a u64 (kernel-semantics §2). */
export function rangeLength(r: Range): bigint {
  return r.last - r.start + 1n;
}

export function rangesIntersect(a: Range, b: Range): boolean {
  return a.start <= b.last && b.start <= a.last;
}

export function rangeContains(outer: Range, inner: Range): boolean {
  return outer.start <= inner.start && inner.last <= outer.last;
}

export function rangeContainsAddress(r: Range, addr: U64): boolean {
  return r.start <= addr && addr <= r.last;
}

export function intersection(a: Range, b: Range): Range | undefined {
  const start = a.start > b.start ? a.start : b.start;
  const last = a.last < b.last ? a.last : b.last;
  return start <= last ? { start, last } : undefined;
}

export function minU64(a: U64, b: U64): U64 {
  return a < b ? a : b;
}

export function maxU64(a: U64, b: U64): U64 {
  return a > b ? a : b;
}

// ---------------------------------------------------------------------------------------------
// Bits and alignment

export function isPowerOfTwo(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/** Lowest set bit as a value (`1 << __ffs(v)`); 0 for 0. */
export function lowestSetBit(v: bigint): bigint {
  return v & -v;
}

/** Index of the lowest set bit (`__ffs`); -1 for 0. */
export function lowestBitIndex(v: bigint): number {
  if (v === 0n) return -1;
  let i = 0;
  let x = v;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    i++;
  }
  return i;
}

/** Index of the highest set bit (`fls - 1`); -1 for 0. */
export function highestBitIndex(v: bigint): number {
  return v <= 0n ? -1 : v.toString(2).length - 1;
}

/** `roundup_pow_of_two`; values above 2^63 round to 2^64. */
export function roundUpPowerOfTwo(v: bigint): bigint {
  if (v <= 1n) return 1n;
  return 1n << BigInt(highestBitIndex(v - 1n) + 1);
}

export function isAligned(v: bigint, alignment: bigint): boolean {
  return alignment <= 1n || v % alignment === 0n;
}

/** Round up to a multiple of a power-of-two alignment (may exceed U64_MAX; callers check). */
export function alignUp(v: bigint, alignment: bigint): bigint {
  if (alignment <= 1n) return v;
  return ((v + alignment - 1n) / alignment) * alignment;
}

export function alignDown(v: bigint, alignment: bigint): bigint {
  if (alignment <= 1n) return v;
  return (v / alignment) * alignment;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const SIZE_SUFFIXES: Record<string, bigint> = {
  '': 1n,
  B: 1n,
  K: 1n << 10n,
  KB: 1n << 10n,
  KIB: 1n << 10n,
  M: 1n << 20n,
  MB: 1n << 20n,
  MIB: 1n << 20n,
  G: 1n << 30n,
  GB: 1n << 30n,
  GIB: 1n << 30n,
  T: 1n << 40n,
  TB: 1n << 40n,
  TIB: 1n << 40n,
  P: 1n << 50n,
  PB: 1n << 50n,
  PIB: 1n << 50n,
  E: 1n << 60n,
  EB: 1n << 60n,
  EIB: 1n << 60n,
};

export type ParseResult = { ok: true; value: U64 } | { ok: false; error: string };

/**
 * Parses an address or size as people write them: `0xfee0_0000`, `4276092928`, `4K`, `2M`,
 * `1G`, `4KiB`, `0x10M`. Sizes are binary (K = 1024). Rejects negatives, fractions and anything
 * that does not fit in 64 bits, saying why.
 */
export function parseU64(text: string): ParseResult {
  const raw = text.trim();
  if (raw === '') return { ok: false, error: 'expected a number, found an empty string' };
  const m = /^(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)\s*([a-zA-Z]*)$/.exec(raw);
  if (!m) {
    return {
      ok: false,
      error: `"${text}" is not a u64: write hex (0xfee00000, "_" allowed), decimal, or a size such as 4K, 2M, 1G, 4KiB`,
    };
  }
  // "0x" or "0xg": the regex reads a decimal 0 with the suffix "x…"; say what is really wrong.
  if (/^[xX]/.test(m[2] as string))
    return { ok: false, error: `"${text}" is not a u64: "0x" must be followed by hex digits` };
  const digits = (m[1] as string).replace(/_/g, '');
  if (/^0[xX]$/.test(digits) || (m[1] as string).endsWith('_')) {
    return { ok: false, error: `"${text}" has no digits` };
  }
  const suffix = (m[2] as string).toUpperCase();
  const multiplier = SIZE_SUFFIXES[suffix];
  if (multiplier === undefined) {
    return {
      ok: false,
      error: `"${text}" has an unknown size suffix "${m[2]}" (use K, M, G, T, P, E or KiB, MiB, ...)`,
    };
  }
  const value = BigInt(digits) * multiplier;
  if (value > U64_MAX) {
    return {
      ok: false,
      error: `"${text}" does not fit in 64 bits (the largest u64 is 0xffffffffffffffff)`,
    };
  }
  return { ok: true, value };
}

/** Like `parseU64` but throws; for literals in code and tests. */
export function u64(text: string): U64 {
  const r = parseU64(text);
  if (!r.ok) throw new RangeError(r.error);
  return r.value;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** `0xfee00000`: the compact form used in messages and result fields. */
export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** `0xffff_ffff_ffff_f000`: groups of four digits, for labels meant to be read. */
export function hexGrouped(v: bigint): string {
  const digits = v.toString(16);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4)
    groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return '0x' + groups.join('_');
}

/** `%016llx` as sysfs prints reserved regions: 16 digits, zero padded, with a 0x prefix. */
export function hex16(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

/** `0xfee00000..0xfeefffff` (inclusive), the form every message uses. */
export function formatRange(r: Range): string {
  return `${hex(r.start)}..${hex(r.last)}`;
}

const SIZE_UNITS: Array<[bigint, string]> = [
  [1n << 60n, 'EiB'],
  [1n << 50n, 'PiB'],
  [1n << 40n, 'TiB'],
  [1n << 30n, 'GiB'],
  [1n << 20n, 'MiB'],
  [1n << 10n, 'KiB'],
];

/** Human size: `4 KiB`, `2 MiB`, `16 EiB` (2^64), `0x1801 bytes` when not a whole unit. */
export function formatSize(bytes: bigint): string {
  for (const [unit, name] of SIZE_UNITS) {
    if (bytes >= unit && bytes % unit === 0n) return `${bytes / unit} ${name}`;
  }
  return bytes < 1024n ? `${bytes} bytes` : `${hex(bytes)} bytes`;
}

/**
 * A size to read at a glance: the largest unit it reaches, with two decimals cut (never rounded
 * up, so a window just short of 256 TiB reads `255.99 TiB`, not `256.00 TiB`); whole units print
 * bare (`2 MiB`). Not exact: show `exactBytes` beside it.
 */
export function readableSize(bytes: bigint): string {
  for (const [unit, name] of SIZE_UNITS) {
    if (bytes < unit) continue;
    if (bytes % unit === 0n) return `${bytes / unit} ${name}`;
    const hundredths = (bytes * 100n) / unit;
    const whole = hundredths / 100n;
    const frac = (hundredths % 100n).toString().padStart(2, '0');
    return `${whole}.${frac} ${name}`;
  }
  return `${bytes} bytes`;
}

/** The exact byte count in decimal, grouped by thousands: `281,474,976,706,560 bytes`. */
export function exactBytes(bytes: bigint): string {
  const digits = bytes.toString();
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${groups.join(',')} ${bytes === 1n ? 'byte' : 'bytes'}`;
}

/** `255.99 TiB (281,463,313,649,664 bytes)`; a size under 1 KiB is only its bytes. */
export function sizeWithBytes(bytes: bigint): string {
  return bytes < 1024n ? exactBytes(bytes) : `${readableSize(bytes)} (${exactBytes(bytes)})`;
}

// ---------------------------------------------------------------------------------------------
// Lossy conversions, named so that every use is visible

/** To a float for drawing. Exact below 2^53; above, rounds to the nearest representable double. */
export function toApproxNumber(v: bigint): number {
  return Number(v);
}
