import { parseU64, type Range, U64_MAX } from '../../core/u64.ts';

/**
 * The "go to" box: `0xfee00000` (the 4 KiB page holding it), `START-LAST` / `START..LAST`
 * (inclusive), or `START+SIZE`. Errors say what to write.
 */
export type GotoResult =
  { readonly ok: true; readonly range: Range } | { readonly ok: false; readonly error: string };

const PAGE = 0x1000n;

export function parseGoto(text: string): GotoResult {
  const t = text.trim();
  if (t === '')
    return {
      ok: false,
      error:
        'type an address (0xfee00000), a range (0xfee00000-0xfeefffff) or START+SIZE (0x100000000+6G)',
    };
  const plus = /^(.+?)\s*\+\s*(.+)$/.exec(t);
  if (plus) {
    const a = parseU64(plus[1] as string);
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
    const a = parseU64(range[1] as string);
    const b = parseU64(range[2] as string);
    if (!a.ok) return { ok: false, error: a.error };
    if (!b.ok) return { ok: false, error: b.error };
    if (b.value < a.value)
      return { ok: false, error: 'the range ends before it starts (write START-LAST, inclusive)' };
    return { ok: true, range: { start: a.value, last: b.value } };
  }
  const a = parseU64(t);
  if (!a.ok) return { ok: false, error: a.error };
  const start = a.value - (a.value % PAGE);
  return { ok: true, range: { start, last: start + PAGE - 1n } };
}
