import { hexGrouped, roundUpPowerOfTwo } from '../../core/u64.ts';
import { pxOf, spanOf, visibleRange, type Viewport } from './viewport.ts';

/**
 * Axis ticks from a small bigint scale (d3-scale throws on bigint and its 1-2-5 steps are
 * decimal): the step is a power of two, chosen so that labels never overlap, and every label is
 * the exact address in grouped hex.
 */
export interface Tick {
  readonly addr: bigint;
  readonly x: number;
  readonly label: string;
}

export interface TickSet {
  readonly step: bigint;
  readonly ticks: readonly Tick[];
}

/** Width of one character of the axis font (12 px monospace), with room between labels. */
export const AXIS_CHAR_PX = 7.3;
const LABEL_GAP_PX = 24;

export function labelWidthPx(label: string): number {
  return label.length * AXIS_CHAR_PX;
}

export function axisTicks(v: Viewport, width: number): TickSet {
  const range = visibleRange(v);
  // The widest label in view decides the spacing, so long 64-bit labels get more room.
  const minPx = labelWidthPx(hexGrouped(range.last)) + LABEL_GAP_PX;
  const span = spanOf(v);
  const need = (span * BigInt(Math.ceil(minPx))) / BigInt(Math.max(1, Math.floor(width))) + 1n;
  const step = roundUpPowerOfTwo(need);
  const ticks: Tick[] = [];
  const first = ((range.start + step - 1n) / step) * step;
  for (let t = first; t <= range.last; t += step) {
    ticks.push({ addr: t, x: pxOf(v, t, width), label: hexGrouped(t) });
  }
  return { step, ticks };
}
