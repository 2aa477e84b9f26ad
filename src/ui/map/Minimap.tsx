import { useEffect, useRef } from 'react';
import { normalize } from '../../core/ranges/range-set.ts';
import { lanesOf } from '../../store/address-spaces.ts';
import { type AppState, selectShown } from '../../store/app-store.ts';
import { useStoreApi } from '../app/store-context.tsx';
import { PALETTES } from '../../view/theme/palette.ts';
import { fitRange, makeViewport, spanOf, visibleRange } from '../../view/viewport/viewport.ts';
import { frameScheduler } from './frame-scheduler.ts';
import { minimapAddr, minimapLabels, minimapX } from '../../view/map/minimap-scale.ts';
import { loadBeside } from './load-beside.ts';
import type { MinimapBrush } from './minimap-brush.ts';

const HEIGHT = 34;
/** Paint order in the shared scheduler: after the map (MAP_LAYER_ORDER). */
export const MINIMAP_LAYER_ORDER = 1;

/**
 * The whole 64-bit space on a log2 scale, with what occupies it and a brush for the current view.
 * A layer of the shared frame scheduler, marked dirty from a store subscription (no React render
 * per pan, no rAF of its own); brushing sets the view.
 */
export function Minimap() {
  const store = useStoreApi();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    const svg = svgRef.current;
    if (!canvas || !svg) return;
    let width = Math.max(1, canvas.parentElement?.clientWidth ?? 600);
    // d3-brush (with d3-transition, d3-interpolate, d3-color) is not needed to draw the first
    // map: it loads beside it, and the minimap takes drags from when it has.
    let brush: MinimapBrush | undefined;
    const cancel = loadBeside(
      store,
      'choosing the view on the minimap',
      () => import('./minimap-brush.ts'),
      ({ minimapBrush }) => {
        brush = minimapBrush(
          svg,
          HEIGHT,
          (x0, x1) => {
            const start = minimapAddr(x0, width);
            const last = minimapAddr(x1, width);
            store.getState().setViewport(fitRange({ start, last: last > start ? last : start }));
          },
          (x) => {
            const s = store.getState();
            const half = spanOf(s.viewport) / 2n;
            s.setViewport(makeViewport(minimapAddr(x, width) - half, s.viewport.zoom));
          },
        );
        schedule();
      },
    );

    const paint = (s: AppState) => {
      width = Math.max(1, canvas.parentElement?.clientWidth ?? width);
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(HEIGHT * dpr);
      canvas.style.width = `${width}px`;
      svg.setAttribute('width', String(width));
      const ctx = canvas.getContext('2d');
      const palette = PALETTES[s.theme];
      if (ctx) {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.fillStyle = palette.laneBand;
        ctx.fillRect(0, 0, width, HEIGHT);
        const present = selectShown(s);
        const lanes = present ? lanesOf(present) : [];
        for (const lane of lanes) {
          for (const span of lane.spans) {
            const x0 = minimapX(span.start, width);
            const x1 = minimapX(span.last, width);
            ctx.fillStyle = palette.spans[span.kind];
            ctx.fillRect(x0, 4, Math.max(1, x1 - x0), 10);
          }
          if (lane.mappings && !lane.nested) {
            // Mapping extents only: first and last entry per lane keep this O(1) per lane.
            const first = lane.mappings.first();
            const last = lane.mappings.last();
            if (first && last) {
              for (const r of normalize([first, last])) {
                ctx.fillStyle = palette.mapping;
                ctx.fillRect(
                  minimapX(r.start, width),
                  16,
                  Math.max(1, minimapX(r.last, width) - minimapX(r.start, width)),
                  8,
                );
              }
            }
          }
        }
        ctx.fillStyle = palette.mutedText;
        ctx.font = '10px ui-monospace, monospace';
        ctx.textBaseline = 'bottom';
        for (const l of minimapLabels(width, (t) => ctx.measureText(t).width)) {
          ctx.fillRect(l.tickX, HEIGHT - 12, 1, 3);
          if (l.text) ctx.fillText(l.text, l.x, HEIGHT);
        }
      }
      const r = visibleRange(s.viewport);
      const x0 = minimapX(r.start, width);
      brush?.show(width, x0, Math.max(x0 + 2, minimapX(r.last, width)));
    };
    const layer = frameScheduler.register(() => paint(store.getState()), {
      order: MINIMAP_LAYER_ORDER,
    });
    const schedule = () => layer.invalidate();
    const unsubscribe = store.subscribe((s, prev) => {
      if (
        s.viewport !== prev.viewport ||
        s.history !== prev.history ||
        s.stepView !== prev.stepView ||
        s.theme !== prev.theme
      )
        schedule();
    });
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(schedule) : undefined;
    if (canvas.parentElement) ro?.observe(canvas.parentElement);
    schedule();
    return () => {
      unsubscribe();
      ro?.disconnect();
      layer.dispose();
      cancel();
      brush?.remove();
    };
  }, [store]);

  return (
    <div
      className="minimap"
      aria-label="minimap of the whole 64-bit space (log scale); drag to choose the view"
    >
      <canvas ref={canvasRef} height={HEIGHT} />
      <svg ref={svgRef} height={HEIGHT} className="minimap-brush" />
    </div>
  );
}
