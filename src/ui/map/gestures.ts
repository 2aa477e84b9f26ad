import { select } from 'd3-selection';
import { zoom, type D3ZoomEvent, zoomIdentity } from 'd3-zoom';
import type { AppStore } from '../../store/app-store.ts';
import { panPixels, type Viewport, zoomAt } from '../../view/viewport/viewport.ts';

/**
 * d3-zoom only recognises the gestures (wheel, drag, pinch, double-click); the store owns the
 * viewport. d3's transform is reset to identity after every event so its k never grows (at 2^64
 * bytes a float transform is 512 px wrong at the top page, style-anchors §1.4). Drags are taken
 * relative to the viewport at the gesture's start; a wheel notch is one zoom level, and smaller
 * (trackpad) steps accumulate until they make a whole power of two, since the zoom level is an
 * integer.
 */
const WHEEL_EPSILON = 1e-9;

export function bindGestures(target: Element, store: AppStore, width: () => number): () => void {
  let gestureStart: Viewport | undefined;
  let wheelAccumulator = 0;
  const behaviour = zoom<Element, unknown>()
    .scaleExtent([1e-6, 1e6])
    // One wheel notch (100 px, or 3 lines) is one zoom level, a factor of two that shows at once;
    // a trackpad's small deltas add up to the same (d3's default makes a notch a fifth of one).
    .wheelDelta((e: WheelEvent) => -e.deltaY * (e.deltaMode === 1 ? 1 / 3 : e.deltaMode ? 1 : 0.01))
    .on('start', (e: D3ZoomEvent<Element, unknown>) => {
      if (!e.sourceEvent) return;
      gestureStart = store.getState().viewport;
    })
    .on('zoom', (e: D3ZoomEvent<Element, unknown>) => {
      const source = e.sourceEvent as Event | null;
      if (!source) return;
      const { k, x } = e.transform;
      const w = width();
      const state = store.getState();
      if (state.compressed) {
        (target as Element & { __zoom?: unknown }).__zoom = zoomIdentity;
        return;
      }
      if (source.type === 'wheel' || source.type === 'dblclick') {
        wheelAccumulator += Math.log2(k);
        // Five notches of 2^0.2 sum to 0.9999999…: round away that float drift, or as many notches
        // out as in would not come back to the same zoom level.
        const steps = Math.trunc(wheelAccumulator + Math.sign(wheelAccumulator) * WHEEL_EPSILON);
        if (steps !== 0) {
          wheelAccumulator -= steps;
          if (Math.abs(wheelAccumulator) < WHEEL_EPSILON) wheelAccumulator = 0;
          const px = (source as MouseEvent).offsetX ?? w / 2;
          state.setViewport(zoomAt(state.viewport, px, w, steps));
        }
        (target as Element & { __zoom?: unknown }).__zoom = zoomIdentity;
        gestureStart = store.getState().viewport;
        return;
      }
      // Drag or pinch: the cumulative transform since the gesture began.
      const base = gestureStart ?? state.viewport;
      const steps = Math.round(Math.log2(k));
      let v = panPixels(base, x, w);
      if (steps !== 0) v = zoomAt(v, w / 2, w, steps);
      state.setViewport(v);
    })
    .on('end', () => {
      (target as Element & { __zoom?: unknown }).__zoom = zoomIdentity;
      gestureStart = undefined;
    });
  const sel = select(target);
  sel.call(behaviour).on('dblclick.zoom', null);
  return () => {
    sel.on('.zoom', null);
  };
}
