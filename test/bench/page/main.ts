/**
 * The map benchmark page (not part of the app's build): test/bench/browser.ts builds it with Vite,
 * serves it on 127.0.0.1 and calls `window.mapBench` through playwright-core.
 *
 * Canvas: the app's own MapPainter (src/ui/map/map-painter.ts → drawMap → aggregateMappings,
 * which reads a large mapping tree's drawing summary, or walks a small one, and folds sub-pixel
 * mappings per pixel column) over an engine state with n mappings. SVG: the naive alternative, d3-selection
 * joining one <rect> per mapping.
 *
 * A frame is timed on the main thread from the start of a requestAnimationFrame callback (where
 * the drawing work runs) to a message posted from it, which is delivered only after that frame's
 * style, layout and paint: what the page costs per frame, not the vsync interval.
 */
import { select } from 'd3-selection';
import type { RangeEntry } from '../../../src/core/ranges/range-map.ts';
import type { EngineState } from '../../../src/core/state.ts';
import type { Scenario } from '../../../src/core/scenario/schema.ts';
import { SCENARIO_FORMAT } from '../../../src/core/scenario/schema.ts';
import { addressSpaces } from '../../../src/store/address-spaces.ts';
import { createAppStore } from '../../../src/store/app-store.ts';
import { startHistory } from '../../../src/store/history.ts';
import type { Snapshot } from '../../../src/store/workspace.ts';
import { MapPainter } from '../../../src/ui/map/map-painter.ts';
import {
  FULL_VIEW,
  fitRange,
  makeViewport,
  spanOf,
  type Viewport,
} from '../../../src/view/viewport/viewport.ts';
import { BASE, iovaOf, mapMany, PAGE, STRIDE, vfioContainer } from '../state.ts';

export const MAP_WIDTH = 1400;
const MAP_HEIGHT = 300;

export interface FrameResult {
  /** Median main-thread ms per frame (JS + style + layout + paint). */
  medianMs: number;
  p90Ms: number;
  /** The first frame (cold caches: lanes built, DOM created). */
  firstMs: number;
  frames: number;
  /** What one frame drew: fillRect calls (canvas) or <rect> elements (SVG). */
  rects: number;
  /** Canvas only: the painter's own timing of its paint() (JS and canvas calls). */
  paintMs?: number;
  aggregated?: number;
  /** Canvas only: median ms of each phase of paint() (map-painter.ts FramePhases). */
  phases?: Record<string, number>;
  /** Canvas only: how long the page waited after the first frame for the drawing summary. */
  summaryWaitMs?: number;
}

export interface BuildResult {
  n: number;
  ms: number;
  mappings: number;
}

export type ZoomLevel = 'whole' | 'all' | '64MiB' | '1MiB';

export interface MapBench {
  build(n: number): BuildResult;
  canvas(level: ZoomLevel, frames: number): Promise<FrameResult>;
  svg(n: number, frames: number): Promise<FrameResult>;
}

declare global {
  interface Window {
    mapBench: MapBench;
  }
}

function stats(times: number[]): { median: number; p90: number } {
  const s = [...times].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)] ?? NaN,
    p90: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] ?? NaN,
  };
}

/** Runs `work` in a rAF callback; resolves with ms from its start to after the frame rendered. */
function measureFrame(work: () => void): Promise<number> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const t0 = performance.now();
      work();
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve(performance.now() - t0);
      };
      ch.port2.postMessage(0);
    });
  });
}

function el<T extends Element>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing`);
  return e as unknown as T;
}

const store = createAppStore();
const painter = new MapPainter(store, {
  canvas: el<HTMLCanvasElement>('canvas'),
  axis: el<SVGSVGElement>('axis'),
  readout: el<HTMLElement>('readout'),
});
painter.resize(MAP_WIDTH, MAP_HEIGHT);
let built = 0;
let coldPending = true;

function snapshotOf(state: EngineState): Snapshot {
  const scenario: Scenario = { format: SCENARIO_FORMAT, steps: [] };
  return { scenario, builtinId: undefined, state, userSteps: [], logSeq: 1 };
}

/** The viewport for a zoom level, panned `frame` steps of a few pixels to the right. */
function viewportFor(level: ZoomLevel, frame: number): Viewport {
  const all = { start: BASE, last: iovaOf(built - 1) + PAGE - 1n };
  const mid = iovaOf(Math.floor(built / 2));
  const v =
    level === 'whole'
      ? FULL_VIEW
      : level === 'all'
        ? fitRange(all)
        : makeViewport(mid, level === '64MiB' ? 26 : 20);
  const step = (spanOf(v) / BigInt(MAP_WIDTH)) * 3n; // 3 px per frame
  return makeViewport(v.start + step * BigInt(frame), v.zoom);
}

function mappingsOf(state: EngineState): readonly RangeEntry<unknown>[] {
  const c = addressSpaces(state).containers[0];
  if (!c) throw new Error('no container');
  return c.mappings.toArray();
}

window.mapBench = {
  build(n) {
    const t0 = performance.now();
    const { state, container } = vfioContainer(n);
    const full = mapMany(state, container, n);
    const ms = performance.now() - t0;
    built = n;
    coldPending = true;
    store.setState({ history: startHistory(snapshotOf(full)) });
    return { n, ms, mappings: addressSpaces(full).containers[0]?.mappings.size ?? 0 };
  },

  async canvas(level, frames) {
    const times: number[] = [];
    const paints: number[] = [];
    const phases: Record<string, number[]> = {};
    let firstMs = NaN;
    let rects = 0;
    let aggregated = 0;
    let summaryMs = 0;
    for (let f = -1; f < frames; f++) {
      const ms = await measureFrame(() => {
        store.getState().setViewport(viewportFor(level, Math.max(0, f)));
        painter.paint(store.getState());
      });
      if (f < 0) {
        // Warm-up frame; the very first one after build() is also reported as the cold frame.
        if (coldPending) firstMs = ms;
        coldPending = false;
        // A tree the map has not seen is summarised in slices between frames (summary-cache.ts);
        // the frames measured are the ones after that, what every later frame costs.
        const t0 = performance.now();
        await painter.summaries.idle();
        summaryMs = Math.max(summaryMs, performance.now() - t0);
        continue;
      }
      times.push(ms);
      paints.push(painter.stats.ms);
      for (const [name, value] of Object.entries(painter.stats.phases))
        (phases[name] ??= []).push(value);
      rects = painter.stats.rects;
      aggregated = painter.stats.aggregated;
    }
    const t = stats(times);
    return {
      medianMs: t.median,
      p90Ms: t.p90,
      firstMs,
      frames,
      rects,
      paintMs: stats(paints).median,
      aggregated,
      summaryWaitMs: summaryMs,
      phases: Object.fromEntries(
        Object.entries(phases).map(([name, values]) => [name, stats(values).median]),
      ),
    };
  },

  async svg(n, frames) {
    const { state, container } = vfioContainer(n);
    const data = mappingsOf(mapMany(state, container, n));
    const svg = select(el<SVGSVGElement>('svg'));
    const span = Number(BigInt(n) * STRIDE);
    let start = BASE;
    const x = (e: RangeEntry<unknown>) => (Number(e.start - start) * MAP_WIDTH) / span;
    const w = (e: RangeEntry<unknown>) =>
      Math.max(1, (Number(e.last - e.start + 1n) * MAP_WIDTH) / span);
    const render = () => {
      svg
        .selectAll<SVGRectElement, RangeEntry<unknown>>('rect')
        .data(data)
        .join('rect')
        .attr('x', x)
        .attr('y', 20)
        .attr('width', w)
        .attr('height', 30)
        .attr('fill', '#4c8bf5');
    };
    svg.selectAll('rect').remove();
    const firstMs = await measureFrame(render);
    const times: number[] = [];
    const step = (BigInt(n) * STRIDE * 3n) / BigInt(MAP_WIDTH);
    for (let f = 0; f < frames; f++) {
      times.push(
        await measureFrame(() => {
          start += step;
          render();
        }),
      );
    }
    const rects = svg.selectAll('rect').size();
    svg.selectAll('rect').remove();
    const t = stats(times);
    return { medianMs: t.median, p90Ms: t.p90, firstMs, frames, rects };
  },
};
document.body.dataset['ready'] = '1';
