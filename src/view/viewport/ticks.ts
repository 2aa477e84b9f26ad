import { hexGrouped, roundUpPowerOfTwo, toApproxNumber } from '../../core/u64.ts';
import { pxOf, spanOf, visibleRange, type Viewport } from './viewport.ts';

/**
 * Axis ticks from a small bigint scale (d3-scale throws on bigint and its 1-2-5 steps are
 * decimal): major ticks at a power-of-two step some 64–128 px apart, each labelled with its exact
 * address in grouped hex, and minor ticks between them. A 64-bit label is wider than that
 * spacing, so labels take turns on up to AXIS_ROWS rows (a tick's row follows from its address,
 * so it stays put while the view pans); a label never overlaps another on its row, and the labels
 * at either end are moved inwards rather than left out.
 */
export interface Tick {
  readonly addr: bigint;
  readonly x: number;
  /** Empty for a minor tick. */
  readonly label: string;
  readonly major: boolean;
  /** The label's row, 0 at the top. */
  readonly row: number;
  /** Where the label starts (its tick's x + 2, or moved inwards at an edge). */
  readonly labelX: number;
}

export interface TickSet {
  readonly step: bigint;
  readonly ticks: readonly Tick[];
  /** Label rows in use (1..AXIS_ROWS). */
  readonly rows: number;
}

/** Advance of one character of the axis font (10.5 px monospace). */
export const AXIS_CHAR_PX = 6.4;
const LABEL_GAP_PX = 10;
/** Major ticks are at least this far apart: at most ~12 across 774 px, at least 6. */
const MAJOR_MIN_PX = 64;
export const AXIS_ROWS = 3;
/** Minor ticks are never closer than this. */
const MINOR_MIN_PX = 10;
/** A label starts this far right of its tick. */
export const LABEL_PAD_PX = 2;

export function labelWidthPx(label: string): number {
  return label.length * AXIS_CHAR_PX;
}

/** The power-of-two step whose ticks are at least `px` apart. */
function stepFor(span: bigint, width: number, px: number): bigint {
  const w = BigInt(Math.max(1, Math.floor(width)));
  return roundUpPowerOfTwo((span * BigInt(Math.ceil(px))) / w + 1n);
}

export function axisTicks(v: Viewport, width: number): TickSet {
  const range = visibleRange(v);
  const span = spanOf(v);
  // The widest label in view decides how many rows the labels need at this spacing.
  const labelPx = labelWidthPx(hexGrouped(range.last)) + LABEL_GAP_PX;
  let step = stepFor(span, width, MAJOR_MIN_PX);
  const spacing = () => (toApproxNumber(step) * width) / toApproxNumber(span);
  while (labelPx > spacing() * AXIS_ROWS) step *= 2n;
  const rows = Math.min(AXIS_ROWS, Math.ceil(labelPx / spacing()));
  const minorDiv =
    [8n, 4n, 2n].find((d) => step >= d && spacing() / toApproxNumber(d) >= MINOR_MIN_PX) ?? 1n;
  const minor = step / minorDiv;

  const ticks: Tick[] = [];
  const first = ((range.start + minor - 1n) / minor) * minor;
  for (let t = first; t <= range.last; t += minor) {
    const x = pxOf(v, t, width);
    if (t % step !== 0n) {
      ticks.push({ addr: t, x, label: '', major: false, row: 0, labelX: x });
      continue;
    }
    const label = hexGrouped(t);
    const row = toApproxNumber((t / step) % BigInt(rows));
    const labelX = Math.min(x + LABEL_PAD_PX, width - labelWidthPx(label));
    ticks.push({ addr: t, x, label, major: true, row, labelX: Math.max(0, labelX) });
  }
  return { step, ticks: withoutCollisions(ticks), rows };
}

/**
 * Blanks the labels that would overlap another on their row. The last label is placed first (it
 * may have been moved inwards over its neighbour), then the rest from the left.
 */
function withoutCollisions(ticks: Tick[]): Tick[] {
  const majors = ticks.filter((t) => t.major);
  const last = majors[majors.length - 1];
  const kept = new Set<Tick>(last ? [last] : []);
  const rightEnd = new Map<number, number>();
  const overlapsLast = (t: Tick) =>
    last !== undefined &&
    t !== last &&
    t.row === last.row &&
    t.labelX + labelWidthPx(t.label) + LABEL_GAP_PX / 2 > last.labelX;
  for (const t of majors) {
    if (t === last) continue;
    if (overlapsLast(t)) continue;
    if (t.labelX < (rightEnd.get(t.row) ?? -Infinity)) continue;
    kept.add(t);
    rightEnd.set(t.row, t.labelX + labelWidthPx(t.label) + LABEL_GAP_PX / 2);
  }
  return ticks.map((t) => (!t.major || kept.has(t) ? t : { ...t, label: '' }));
}
