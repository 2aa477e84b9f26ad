import { toApproxNumber, TWO_POW_64 } from '../../core/u64.ts';

/**
 * The minimap's x scale: log2 of the address, so the whole 64-bit space fits and the low 4 GiB a
 * guest uses is still half the strip's width. Pure arithmetic: x = log2(addr + 1) / 64 × width.
 */
export function minimapX(addr: bigint, width: number): number {
  // log2 of a bigint beyond 2^53: take the top 53 bits, then add back the shift.
  const v = addr + 1n;
  const bits = v.toString(2).length;
  const shift = Math.max(0, bits - 53);
  const log = Math.log2(toApproxNumber(v >> BigInt(shift))) + shift;
  return (log / 64) * width;
}

export function minimapAddr(x: number, width: number): bigint {
  const log = Math.min(64, Math.max(0, (x / width) * 64));
  if (log >= 64) return TWO_POW_64 - 1n;
  const whole = Math.floor(log);
  // 2^whole × 2^frac with the fraction kept to 2^-20 precision, computed in bigint.
  const frac = Math.round(2 ** (log - whole) * 2 ** 20);
  const v = ((1n << BigInt(whole)) * BigInt(frac)) >> 20n;
  return v > 0n ? v - 1n : 0n;
}

export const MINIMAP_LABELS: ReadonlyArray<{ addr: bigint; label: string }> = [
  { addr: 0n, label: '0' },
  { addr: 1n << 20n, label: '1M' },
  { addr: 1n << 32n, label: '4G' },
  { addr: 1n << 39n, label: '2^39' },
  { addr: 1n << 48n, label: '2^48' },
  { addr: 1n << 57n, label: '2^57' },
  { addr: TWO_POW_64 - 1n, label: '2^64' },
];

export interface MinimapLabel {
  readonly tickX: number;
  /** Empty when it would touch a neighbour's label. */
  readonly text: string;
  readonly x: number;
}

/**
 * The minimap's labels placed on a strip `width` wide: each centred under its tick and kept
 * inside the strip; one that would touch its neighbour is left out, never the first or the last
 * (0 and 2^64 say what the strip spans).
 */
export function minimapLabels(width: number, textWidth: (t: string) => number): MinimapLabel[] {
  const GAP = 6;
  const placed = MINIMAP_LABELS.map((l) => {
    const tickX = minimapX(l.addr, width);
    const w = textWidth(l.label);
    const x = Math.min(Math.max(0, tickX - w / 2), width - w);
    return { tickX, text: l.label, x, w };
  });
  const last = placed[placed.length - 1];
  let rightEnd = -Infinity;
  return placed.map((p, i) => {
    const keep =
      i === 0 || p === last || (p.x >= rightEnd + GAP && (!last || p.x + p.w + GAP <= last.x));
    if (keep) rightEnd = p.x + p.w;
    return { tickX: p.tickX, text: keep ? p.text : '', x: p.x };
  });
}
