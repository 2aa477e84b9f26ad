import { hex, type Range, toApproxNumber, TWO_POW_64, U64_MAX } from '../../core/u64.ts';

/**
 * The map's viewport: a bigint start byte and an integer zoom level; the visible span is exactly
 * 2^zoom bytes. Every operation is pure and returns a new value. Positions on screen are pixels
 * quantised to 1/256 px, so that all byte arithmetic is exact bigint arithmetic: zooming in and out
 * around the same pixel returns to the very same start, and the byte under the cursor never moves
 * (style-anchors §2a: subtract in bigint, only then scale in float).
 */
export interface Viewport {
  readonly start: bigint;
  readonly zoom: number;
}

/** 64 bytes across the screen at the deepest zoom; the whole 2^64 space at the widest. */
export const MIN_ZOOM = 6;
export const MAX_ZOOM = 64;

/** Sub-pixel resolution of pointer positions: 1/256 px. */
const PX_QUANTUM = 256;
const PX_QUANTUM_N = 256n;

export const FULL_VIEW: Viewport = Object.freeze({ start: 0n, zoom: MAX_ZOOM });

export function spanOf(v: Viewport): bigint {
  return 1n << BigInt(v.zoom);
}

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(zoom)));
}

/** Keeps the view inside [0, 2^64): start in [0, 2^64 - span]. */
export function clampStart(start: bigint, zoom: number): bigint {
  const maxStart = TWO_POW_64 - (1n << BigInt(zoom));
  if (start < 0n) return 0n;
  return start > maxStart ? maxStart : start;
}

export function makeViewport(start: bigint, zoom: number): Viewport {
  const z = clampZoom(zoom);
  return Object.freeze({ start: clampStart(start, z), zoom: z });
}

/** The inclusive byte range on screen. */
export function visibleRange(v: Viewport): Range {
  return { start: v.start, last: v.start + spanOf(v) - 1n };
}

function quantisedPx(px: number, width: number): bigint {
  const clamped = Math.min(Math.max(px, 0), width - 1 / PX_QUANTUM);
  return BigInt(Math.round(clamped * PX_QUANTUM));
}

function widthN(width: number): bigint {
  return BigInt(Math.max(1, Math.round(width))) * PX_QUANTUM_N;
}

/** Bytes between the left edge and pixel `px` (floor), exact. */
function offsetAt(zoom: number, px: number, width: number): bigint {
  return (quantisedPx(px, width) << BigInt(zoom)) / widthN(width);
}

/** The byte under pixel `px` of a `width`-pixel-wide map. */
export function byteAt(v: Viewport, px: number, width: number): bigint {
  return v.start + offsetAt(v.zoom, px, width);
}

/**
 * The x position of an address, as a float: the difference is taken in bigint (exact) and only
 * then converted, so precision is lost only when the offset exceeds 2^53 bytes, far below a pixel
 * at such zooms. Callers cull before calling it for addresses far off screen.
 */
export function pxOf(v: Viewport, addr: bigint, width: number): number {
  return (toApproxNumber(addr - v.start) * width) / 2 ** v.zoom;
}

/**
 * Zooms by `steps` powers of two (positive = in) keeping the byte under pixel `px` fixed. Only a
 * clamp at the ends of the address space can move that byte.
 */
export function zoomAt(v: Viewport, px: number, width: number, steps: number): Viewport {
  const zoom = clampZoom(v.zoom - steps);
  if (zoom === v.zoom) return v;
  const anchor = byteAt(v, px, width);
  return makeViewport(anchor - offsetAt(zoom, px, width), zoom);
}

/** Moves the view by `delta` bytes (positive = towards higher addresses), clamped to the space. */
export function panBytes(v: Viewport, delta: bigint): Viewport {
  return makeViewport(v.start + delta, v.zoom);
}

/**
 * How many bytes `dx` pixels stand for at this zoom. Symmetric (rounds towards zero), so that
 * panning by +dx then -dx is exact.
 */
export function bytesForPixels(v: Viewport, dx: number, width: number): bigint {
  const q = BigInt(Math.round(Math.abs(dx) * PX_QUANTUM));
  const bytes = (q << BigInt(v.zoom)) / widthN(width);
  return dx < 0 ? -bytes : bytes;
}

/** A drag of `dx` pixels to the right moves the content right: the view goes to lower addresses. */
export function panPixels(v: Viewport, dx: number, width: number): Viewport {
  return panBytes(v, -bytesForPixels(v, dx, width));
}

/**
 * The tightest view showing all of `r`: the smallest power-of-two span holding it, centred on it
 * (a power-of-two range aligned to its size fills the screen exactly).
 */
export function fitRange(r: Range): Viewport {
  const length = r.last - r.start + 1n;
  let zoom = MIN_ZOOM;
  while (zoom < MAX_ZOOM && 1n << BigInt(zoom) < length) zoom++;
  const slack = (1n << BigInt(zoom)) - length;
  return makeViewport(r.start - slack / 2n, zoom);
}

/**
 * `v` when all of `r` is in view and at least a few pixels wide there at the map's usual widths;
 * else the view fitted on `r` with as much again on each side, so it is seen with its neighbours.
 */
export function bringIntoView(v: Viewport, r: Range): Viewport {
  const seen = visibleRange(v);
  const length = r.last - r.start + 1n;
  if (r.start >= seen.start && r.last <= seen.last && length * 256n >= spanOf(v)) return v;
  const start = r.start >= length ? r.start - length : 0n;
  const last = r.last + length <= U64_MAX ? r.last + length : U64_MAX;
  return fitRange({ start, last });
}

/** `#view=START-LAST` in hex, the form share links use. */
export function formatViewParam(v: Viewport): string {
  const r = visibleRange(v);
  return `${hex(r.start)}-${hex(r.last)}`;
}

/** Parses `START-LAST` (any u64 notation without a `-`), or undefined when it is not a range. */
export function parseViewParam(
  text: string,
  parse: (s: string) => bigint | undefined,
): Range | undefined {
  const m = /^\s*([^-]+?)\s*-\s*([^-]+?)\s*$/.exec(text);
  if (!m) return undefined;
  const start = parse(m[1] as string);
  const last = parse(m[2] as string);
  if (start === undefined || last === undefined || last < start || last > U64_MAX) return undefined;
  return { start, last };
}
