import { parseU64, type Range, U64_MAX } from '../../core/u64.ts';

/**
 * The "go to" box: `0xfee00000` (the 4 KiB page holding it), `START-LAST` / `START..LAST`
 * (inclusive), or `START+SIZE`, and what people paste: `fee00000`, a /proc/iomem line
 * (`fee00000-feefffff : IOAPIC 0`, bare hex). Errors say what to write.
 */
export type GotoResult =
  { readonly ok: true; readonly range: Range } | { readonly ok: false; readonly error: string };

const PAGE = 0x1000n;

/** A bare run of hex digits with a letter in it (`fee00000`): hex, as /proc/iomem and dmesg print. */
const BARE_HEX = /^[0-9a-f]*[a-f][0-9a-f]*$/i;
const HEX_DIGITS = /^[0-9a-f]+$/i;

function u64Of(token: string, bareIsHex: boolean) {
  const t = token.trim();
  return parseU64((bareIsHex && HEX_DIGITS.test(t)) || BARE_HEX.test(t) ? `0x${t}` : t);
}

export function parseGoto(text: string): GotoResult {
  // A line pasted from /proc/iomem keeps its name after " : ".
  const t = text.trim().replace(/\s+:\s.*$/, '');
  if (t === '')
    return {
      ok: false,
      error:
        'type an address (0xfee00000), a range (0xfee00000-0xfeefffff) or START+SIZE (0x100000000+6G)',
    };
  const plus = /^(.+?)\s*\+\s*(.+)$/.exec(t);
  if (plus) {
    const a = u64Of(plus[1] as string, false);
    const b = parseU64(plus[2] as string);
    if (!a.ok) return { ok: false, error: a.error };
    if (!b.ok) return { ok: false, error: b.error };
    if (b.value === 0n) return { ok: false, error: 'a size of 0 has no bytes to show' };
    const last = a.value + b.value - 1n;
    if (last > U64_MAX) return { ok: false, error: `${t} runs past 0xffffffffffffffff` };
    return { ok: true, range: { start: a.value, last } };
  }
  const range = /^(.+?)\s*(?:\.\.|-|–)\s*(.+)$/.exec(t);
  if (range) {
    // START-LAST with both ends bare hex digits is /proc/iomem's form: hex.
    const bare =
      HEX_DIGITS.test((range[1] as string).trim()) && HEX_DIGITS.test((range[2] as string).trim());
    const a = u64Of(range[1] as string, bare);
    const b = u64Of(range[2] as string, bare);
    if (!a.ok) return { ok: false, error: a.error };
    if (!b.ok) return { ok: false, error: b.error };
    if (b.value < a.value)
      return { ok: false, error: 'the range ends before it starts (write START-LAST, inclusive)' };
    return { ok: true, range: { start: a.value, last: b.value } };
  }
  const a = u64Of(t, false);
  if (!a.ok) return { ok: false, error: a.error };
  const start = a.value - (a.value % PAGE);
  return { ok: true, range: { start, last: start + PAGE - 1n } };
}
