import { select } from 'd3-selection';
import { FIRST_MAP_MARK } from './first-map-mark.ts';
import { hexGrouped, readableSize } from '../../core/u64.ts';
import { lanesOf } from '../../store/address-spaces.ts';
import { type AppState, type AppStore, selectShown } from '../../store/app-store.ts';
import { selectionRange } from '../../store/selection.ts';
import { PALETTES } from '../../view/theme/palette.ts';
import { AXIS_ROWS, axisTicks, type Tick } from '../../view/viewport/ticks.ts';
import { spanOf, visibleRange } from '../../view/viewport/viewport.ts';
import { compressedSegments, compressedTicks } from '../../view/map/compressed.ts';
import { drawMap, type DrawStats, type MapMark } from './draw-map.ts';
import { type Lane, type LaneRow, layoutLanes } from '../../view/map/lanes.ts';
import { type FrameLayer, type FrameScheduler, frameScheduler } from './frame-scheduler.ts';
import { type MapSegment, viewportSegment } from '../../view/map/segments.ts';
import { SummaryCache } from '../../view/map/summary-cache.ts';
import { footprintOf } from '../../view/actions/footprint.ts';
import { failedLabel, type FootprintMark, footprintMark } from '../../view/map/footprint-marks.ts';

/**
 * Paints the map outside React: a layer of the shared frame scheduler (frame-scheduler.ts), so a
 * burst of store changes marks it dirty and it paints once in the app's one rAF loop, reading the
 * latest state when the frame runs. The canvas holds the rectangles; the SVG axis and the range
 * readout are updated here too, so a pan or zoom re-renders no React component.
 */
export interface MapElements {
  readonly canvas: HTMLCanvasElement;
  readonly axis: SVGSVGElement;
  readonly readout: HTMLElement;
  /** The frame-stats overlay: written after each frame while it is shown (not `hidden`). */
  readonly debug?: HTMLElement;
}

/** Where one frame's time went, in milliseconds (the debug overlay shows these). */
export interface FramePhases {
  /** Lanes of the workspace and their rows. */
  lanes: number;
  /** Map segments: culling and per-pixel aggregation, or the folded view's segments. */
  segments: number;
  /** Canvas drawing of rects, spans and marks. */
  draw: number;
  /** The SVG axis and the readout. */
  axis: number;
}

export interface FrameStats extends DrawStats {
  ms: number;
  frames: number;
  phases: FramePhases;
  /** Milliseconds between the starts of the last two frames (0 before the second). */
  intervalMs: number;
}

/** Pasted lines of the workspace's import and of "explain a line", then the focused finding. */
export function marksOf(s: AppState): MapMark[] {
  const marks: MapMark[] = [];
  for (const e of [...(s.history?.present.host?.events ?? []), ...s.explained]) {
    marks.push({
      start: e.range.start,
      last: e.range.last,
      kind: 'event',
      label: `line ${e.line}: ${e.kind}`,
    });
  }
  // A focused range that is a placed line already has its mark.
  const seen = new Set<string>(marks.map((m) => `${m.start}-${m.last}`));
  for (const r of s.focus?.ranges ?? []) {
    const key = `${r.start}-${r.last}`;
    if (seen.has(key)) continue; // a finding may name one range once per group
    seen.add(key);
    marks.push({ start: r.start, last: r.last, kind: 'focus', label: s.focus?.label ?? '' });
  }
  return marks;
}

/**
 * The failed run's mark (while the snapshot it failed on is shown: the next change clears it) and
 * the ghost of the action being filled in.
 */
export function footprintsOf(s: AppState, lanes: readonly Lane[]): FootprintMark[] {
  const out: FootprintMark[] = [];
  const run = s.lastRun;
  if (run && !run.outcome.ok && run.on === selectShown(s)) {
    const f = footprintOf(run.action, run.outcome);
    const label = failedLabel(run.action.op, run.outcome);
    const m = f && label ? footprintMark(lanes, f, 'failed', label) : undefined;
    if (m) out.push(m);
  }
  if (s.draft) {
    const m = footprintMark(lanes, s.draft, s.draft.ok ? 'ghost' : 'ghost-refused', s.draft.label);
    if (m) out.push(m);
  }
  return out;
}

/** Mark labels stack in a strip under the lanes; past this many rows they are left out. */
export const MARK_LABEL_ROWS = 8;
export const MARK_LABEL_ROW_PX = 14;

export function markStripHeight(marks: number): number {
  return marks === 0 ? 0 : 8 + MARK_LABEL_ROW_PX * Math.min(marks, MARK_LABEL_ROWS);
}

/** How many marks the map shows (a number, so a component can select it without re-rendering on pans). */
export function markCountOf(s: AppState): number {
  return marksOf(s).length;
}

/** The axis strip over the lanes: up to AXIS_ROWS rows of labels over the tick marks. */
export const AXIS_HEIGHT_PX = 42;
const AXIS_TEXT_TOP = -2;
const AXIS_ROW_PX = 11;
const MAJOR_TICK_PX = 7;
const MINOR_TICK_PX = 3;

/** Paint order in the shared scheduler: the map before the minimap. */
export const MAP_LAYER_ORDER = 0;

const ms = (v: number) => v.toFixed(2).padStart(6);

/** The debug overlay's text for the last frame: per-phase times and what was drawn. */
export function describeFrame(stats: FrameStats, lanes: number): string {
  const p = stats.phases;
  return [
    `frame ${stats.frames}  ${ms(stats.ms)} ms${stats.intervalMs ? `  (every ${stats.intervalMs.toFixed(1)} ms)` : ''}`,
    `  lanes    ${ms(p.lanes)} ms  ${lanes} lanes`,
    `  segments ${ms(p.segments)} ms  ${stats.aggregated} aggregated`,
    `  draw     ${ms(p.draw)} ms  ${stats.rects} rects, ${stats.labels} labels`,
    `  axis     ${ms(p.axis)} ms`,
    `  summary  ${stats.summarised} lane(s) drawn from it${stats.summaryPending ? `, ${stats.summaryPending} walked while it is built` : ''}`,
  ].join('\n');
}

export class MapPainter {
  private readonly layer: FrameLayer;
  private firstMapMarked = false;
  private unsubscribe: (() => void) | undefined;
  private width = 0;
  private height = 0;
  private compressedCache:
    { lanes: readonly Lane[]; width: number; segments: MapSegment[] } | undefined;
  /** What the last frame drew, for hit testing. */
  rows: LaneRow[] = [];
  segments: MapSegment[] = [];
  readonly stats: FrameStats = {
    ms: 0,
    frames: 0,
    rects: 0,
    aggregated: 0,
    labels: 0,
    summarised: 0,
    summaryPending: 0,
    phases: { lanes: 0, segments: 0, draw: 0, axis: 0 },
    intervalMs: 0,
  };
  private lastFrameStart: number | undefined;
  private axisWidth: number | undefined;
  /** How far the tick group is shifted (a pan moves the group, not each tick). */
  private axisShift = 0;
  /** What each tick element shows now, so a frame writes only what changed. */
  private readonly axisDrawn = new WeakMap<
    SVGGElement,
    { x: number; dx: number; y: number; label: string; major: boolean }
  >();
  /** Summaries of the large mapping trees; a finished background build repaints the map. */
  readonly summaries = new SummaryCache({ onReady: () => this.schedule() });

  constructor(
    private readonly store: AppStore,
    private readonly el: MapElements,
    scheduler: FrameScheduler = frameScheduler,
  ) {
    this.layer = scheduler.register(() => this.paint(this.store.getState()), {
      order: MAP_LAYER_ORDER,
    });
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((s, prev) => {
      if (
        s.viewport !== prev.viewport ||
        s.history !== prev.history ||
        s.stepView !== prev.stepView ||
        s.compressed !== prev.compressed ||
        s.foldAlike !== prev.foldAlike ||
        s.theme !== prev.theme ||
        s.selection !== prev.selection ||
        s.focus !== prev.focus ||
        s.explained !== prev.explained ||
        s.draft !== prev.draft ||
        s.cursor !== prev.cursor ||
        s.lastRun !== prev.lastRun
      ) {
        this.schedule();
      }
    });
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.layer.dispose();
  }

  resize(width: number, height: number): void {
    this.width = Math.max(1, Math.floor(width));
    this.height = Math.max(1, Math.floor(height));
    this.schedule();
  }

  get mapWidth(): number {
    return this.width;
  }

  /** Marks the map dirty: it paints in the scheduler's next frame. */
  schedule(): void {
    this.layer.invalidate();
  }

  private segmentsFor(s: AppState, lanes: readonly Lane[]): MapSegment[] {
    if (!s.compressed) return [viewportSegment(s.viewport, this.width)];
    const c = this.compressedCache;
    if (c && c.lanes === lanes && c.width === this.width) return c.segments;
    const segments = compressedSegments(lanes, this.width);
    this.compressedCache = { lanes, width: this.width, segments };
    return segments;
  }

  paint(s: AppState): void {
    const t0 = performance.now();
    this.stats.intervalMs = this.lastFrameStart === undefined ? 0 : t0 - this.lastFrameStart;
    this.lastFrameStart = t0;
    const present = selectShown(s);
    const lanes = present ? lanesOf(present, s.foldAlike) : [];
    const { rows, height: lanesHeight } = layoutLanes(lanes);
    const height = Math.max(this.height, lanesHeight);
    const t1 = performance.now();
    const segments = this.segmentsFor(s, lanes);
    const t2 = performance.now();
    this.rows = rows;
    this.segments = segments;

    const canvas = this.el.canvas;
    const dpr = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;
    const pxW = Math.round(this.width * dpr);
    const pxH = Math.round(height * dpr);
    if (canvas.width !== pxW || canvas.height !== pxH) {
      canvas.width = pxW;
      canvas.height = pxH;
      canvas.style.width = `${this.width}px`;
      canvas.style.height = `${height}px`;
    }
    // Opaque: the background fill is the clear, and an opaque canvas composites without blending.
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      const drawn = drawMap(ctx, {
        rows,
        segments,
        width: this.width,
        height,
        palette: PALETTES[s.theme],
        selection: selectionRange(s.selection, lanes),
        marks: marksOf(s),
        maxMarkLabels: MARK_LABEL_ROWS,
        summaries: this.summaries,
        footprints: footprintsOf(s, lanes),
        cursor: s.cursor,
      });
      Object.assign(this.stats, drawn);
    }
    const t3 = performance.now();
    const axis = s.compressed
      ? { ticks: compressedTicks(segments), rows: 1 }
      : axisTicks(s.viewport, this.width);
    this.paintAxis(axis.ticks, axis.rows);
    this.paintReadout(s);
    const t4 = performance.now();
    this.stats.ms = t4 - t0;
    this.stats.phases = { lanes: t1 - t0, segments: t2 - t1, draw: t3 - t2, axis: t4 - t3 };
    this.stats.frames++;
    const debug = this.el.debug;
    if (debug && !debug.hidden) debug.textContent = describeFrame(this.stats, lanes.length);
    // The first frame with mappings drawn, as a User Timing mark: `npm run bench` reads how long
    // after navigation the first map appears (performance.getEntriesByName(FIRST_MAP_MARK)).
    if (!this.firstMapMarked && lanes.length > 0) {
      this.firstMapMarked = true;
      performance.mark(FIRST_MAP_MARK);
    }
    canvas.dataset['frameMs'] = this.stats.ms.toFixed(2);
    canvas.dataset['rects'] = String(this.stats.rects);
    canvas.dataset['summarised'] = String(this.stats.summarised);
  }

  /**
   * The axis: one SVG group of ticks, keyed by address. A pan moves every tick by the same
   * distance, so the group is shifted and a tick is written only when it shows something new
   * (profiled: rewriting each tick's attributes was a quarter of a frame with a million
   * mappings in view, half of it the browser's style work).
   */
  private paintAxis(ticks: readonly Tick[], rows: number): void {
    const svg = select(this.el.axis);
    if (this.axisWidth !== this.width) {
      this.axisWidth = this.width;
      svg.attr('width', this.width);
    }
    let group = svg.select<SVGGElement>('g.ticks');
    if (group.empty()) group = svg.append('g').attr('class', 'ticks');
    const drawn = this.axisDrawn;
    const joined = group
      .selectAll<SVGGElement, Tick>('g.tick')
      .data(ticks, (t) => String(t.addr))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'tick');
        g.append('line').attr('y2', AXIS_HEIGHT_PX);
        g.append('text').attr('text-anchor', 'start');
        return g;
      });
    // The shift that keeps the first tick already drawn where it is inside the group.
    let shift = this.axisShift;
    const kept = joined.nodes().find((n) => drawn.has(n));
    if (kept) {
      const t = select<SVGGElement, Tick>(kept).datum();
      shift = t.x - (drawn.get(kept)?.x ?? t.x);
    }
    if (shift !== this.axisShift) {
      this.axisShift = shift;
      group.attr('transform', `translate(${shift.toFixed(2)},0)`);
    }
    const baseline = (row: number) => AXIS_TEXT_TOP + (AXIS_ROWS - rows + row + 1) * AXIS_ROW_PX;
    joined.each(function (t) {
      const was = drawn.get(this);
      const x = t.x - shift;
      const y = baseline(t.row);
      const line = this.firstChild as SVGLineElement;
      const text = this.lastChild as SVGTextElement;
      if (!was || was.major !== t.major) {
        this.setAttribute('class', t.major ? 'tick major' : 'tick minor');
        line.setAttribute('y1', String(AXIS_HEIGHT_PX - (t.major ? MAJOR_TICK_PX : MINOR_TICK_PX)));
      }
      // Float drift of a few thousandths of a pixel is not a move.
      const moved = !was || Math.abs(was.x - x) > 0.004;
      if (moved) this.setAttribute('transform', `translate(${x.toFixed(2)},0)`);
      if (!was || was.label !== t.label) text.textContent = t.label;
      const dx = t.labelX - t.x;
      if (!was || Math.abs(was.dx - dx) > 0.004) text.setAttribute('x', dx.toFixed(2));
      if (!was || was.y !== y) text.setAttribute('y', String(y));
      drawn.set(this, { x: moved || !was ? x : was.x, dx, y, label: t.label, major: t.major });
    });
  }

  private paintReadout(s: AppState): void {
    const r = s.compressed ? undefined : visibleRange(s.viewport);
    const text = r
      ? `${hexGrouped(r.start)} – ${hexGrouped(r.last)} · ${readableSize(spanOf(s.viewport))} across`
      : `gap-compressed: ${this.segments.length} occupied stretch(es), empty space folded`;
    // The one text node is changed in place: a pan changes it every frame, and replacing the
    // node each time is layout work for the browser on top of the new text's.
    const el = this.el.readout;
    const node = el.firstChild;
    if (node && node.nodeType === Node.TEXT_NODE && node === el.lastChild) {
      if (node.nodeValue !== text) node.nodeValue = text;
    } else el.textContent = text;
  }
}
