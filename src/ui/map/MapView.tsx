import { MapLegend } from './MapLegend.tsx';
import { Toggle } from '../app/Toggle.tsx';
import { useEffect, useId, useRef, useState } from 'react';
import { formatRange, readableSize } from '../../core/u64.ts';
import { type CursorMove, moveCursor } from '../../view/map/lane-cursor.ts';
import { bringIntoView, visibleRange } from '../../view/viewport/viewport.ts';
import { lanesOf } from '../../store/address-spaces.ts';
import { selectShown } from '../../store/app-store.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';
import { groupColor } from '../../view/theme/palette.ts';
import { describeHit, hitTest, type Hit } from '../../view/map/hit-test.ts';
import { layoutLanes } from '../../view/map/lanes.ts';
import { AXIS_HEIGHT_PX as AXIS_HEIGHT, markCountOf, markStripHeight } from './map-painter.ts';
import { MapPainter } from './map-painter.ts';
import { loadBeside } from './load-beside.ts';
import { Minimap } from './Minimap.tsx';
import { fitWords } from './fit-words.ts';

/** Room for text in a lane label (styles.css .lane-labels width less its padding). */
const LABEL_TEXT_PX = 158;
/** A nested lane's detail follows its name on the same line. */
const NESTED_DETAIL_PX = 88;
const NAME_FONT = '600 12px';
const DETAIL_FONT = '10.5px';

/** The address map: lane labels (React, changes with the workspace), canvas + axis (painted outside React). */
export function MapView({ widthRef }: { widthRef?: { current: () => number } }) {
  const store = useStoreApi();
  const present = useApp(selectShown);
  const theme = useApp((s) => s.theme);
  const markCount = useApp(markCountOf);
  const cursor = useApp((s) => s.cursor);
  const foldAlike = useApp((s) => s.foldAlike);
  const cursorId = useId();
  const lanes = present ? lanesOf(present, foldAlike) : [];
  const cursorLane = cursor ? lanes.find((l) => l.id === cursor.laneId) : undefined;
  const cursorText =
    cursor && cursorLane
      ? `${cursorLane.label}: ${cursor.kind === 'mapping' ? 'mapping' : cursor.label} ${formatRange(cursor)} (${readableSize(cursor.last - cursor.start + 1n)})`
      : '';
  const selectedLane = useApp((s) =>
    s.selection?.kind === 'lane' ? s.selection.laneId : undefined,
  );
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const axisRef = useRef<SVGSVGElement>(null);
  const readoutRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const hoverRef = useRef<HTMLDivElement>(null);
  const debugRef = useRef<HTMLPreElement>(null);
  const [debugShown, setDebugShown] = useState(false);
  const painterRef = useRef<MapPainter | undefined>(undefined);
  const [painter, setPainter] = useState<MapPainter | undefined>(undefined);

  useEffect(() => {
    const canvas = canvasRef.current;
    const axis = axisRef.current;
    const readout = readoutRef.current;
    const overlay = overlayRef.current;
    if (!canvas || !axis || !readout || !overlay) return;
    const p = new MapPainter(store, {
      canvas,
      axis,
      readout,
      debug: debugRef.current ?? undefined,
    });
    painterRef.current = p;
    setPainter(p);
    if (widthRef) widthRef.current = () => p.mapWidth;
    const measure = () => p.resize(overlay.clientWidth, overlay.clientHeight);
    measure();
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : undefined;
    ro?.observe(overlay);
    p.start();
    // d3-zoom (with d3-transition, d3-interpolate, d3-color) is not needed to draw the first map:
    // it loads beside it, and the map takes gestures from when it has.
    let unbind: (() => void) | undefined;
    const cancel = loadBeside(
      store,
      'zooming and panning the map',
      () => import('./gestures.ts'),
      ({ bindGestures }) => {
        unbind = bindGestures(overlay, store, () => p.mapWidth);
        // Says the map takes gestures now (the browser tests wait for it, as a user would).
        overlay.dataset['gestures'] = 'on';
      },
    );
    // The hover card describes what was under the pointer; once the view moves it is stale.
    const unsubscribe = store.subscribe((s, prev) => {
      if ((s.viewport !== prev.viewport || s.compressed !== prev.compressed) && hoverRef.current)
        hoverRef.current.hidden = true;
    });
    return () => {
      unsubscribe();
      ro?.disconnect();
      cancel();
      unbind?.();
      p.stop();
      painterRef.current = undefined;
    };
  }, [store, widthRef]);

  const showHover = (hit: Hit | undefined, x: number, y: number) => {
    const card = hoverRef.current;
    if (!card) return;
    if (!hit || (hit.kind === 'empty' && !hit.lane)) {
      card.hidden = true;
      return;
    }
    card.hidden = false;
    card.replaceChildren(
      ...describeHit(hit)
        .filter((l) => l !== '')
        .map((line) => {
          const div = document.createElement('div');
          div.textContent = line; // imported names are text, never HTML
          return div;
        }),
    );
    const w = painterRef.current?.mapWidth ?? 0;
    card.style.left = `${Math.min(x + 14, Math.max(0, w - 380))}px`;
    // Above the pointer in the lower half of the stage, so the card is never cut off below it.
    const stage = card.parentElement?.clientHeight ?? 0;
    const below = y < stage / 2 || card.offsetHeight + 16 > y;
    card.style.top = below ? `${y + 16}px` : `${Math.max(0, y - card.offsetHeight - 10)}px`;
  };

  const locate = (e: React.MouseEvent<HTMLDivElement>) => {
    const p = painterRef.current;
    if (!p) return undefined;
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    return { hit: hitTest(p.rows, p.segments, x, y), x, y };
  };

  const onMove = (e: React.MouseEvent<HTMLDivElement>) => {
    const r = locate(e);
    if (r) showHover(r.hit, r.x, r.y);
  };

  const onClick = (e: React.MouseEvent<HTMLDivElement>) => {
    const hit = locate(e)?.hit;
    const select = store.getState().select;
    if (!hit || hit.kind === 'empty' || hit.kind === 'outside') select(undefined);
    else if (hit.kind === 'mapping')
      select({ kind: 'mapping', laneId: hit.lane.id, start: hit.entry.start });
    else if (hit.kind === 'many')
      select({ kind: 'mapping', laneId: hit.lane.id, start: hit.largest.start });
    else
      select({
        kind: 'span',
        laneId: hit.lane.id,
        start: hit.span.start,
        last: hit.span.last,
        label: `${hit.span.label} · ${hit.span.owner}`,
      });
  };

  const { rows, height: lanesHeight } = layoutLanes(lanes);

  // The keyboard on the map: arrows move the cursor over objects (not the view, as they do
  // elsewhere), Enter selects, Escape leaves the cursor.
  const onKey = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, CursorMove> = {
      ArrowLeft: 'left',
      ArrowRight: 'right',
      ArrowUp: 'up',
      ArrowDown: 'down',
    };
    const s = store.getState();
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      e.stopPropagation();
      const next = moveCursor(lanes, s.cursor, move, visibleRange(s.viewport).start);
      if (!next) return;
      s.setCursor(next);
      if (!s.compressed) {
        const v = bringIntoView(s.viewport, next);
        if (v !== s.viewport) s.setViewport(v);
      }
    } else if (e.key === 'Enter' && s.cursor) {
      e.preventDefault();
      e.stopPropagation();
      const c = s.cursor;
      s.select(
        c.kind === 'mapping'
          ? { kind: 'mapping', laneId: c.laneId, start: c.start }
          : { kind: 'span', laneId: c.laneId, start: c.start, last: c.last, label: c.label },
      );
    } else if (e.key === 'Escape' && s.cursor) {
      e.stopPropagation();
      s.setCursor(undefined);
    }
  };
  const selectLane = (laneId: string) => store.getState().select({ kind: 'lane', laneId });
  // Below the lanes, a strip for the labels of the marks (pasted lines, the focused finding), so
  // that they never print over the last lane.
  const height = lanesHeight + markStripHeight(markCount);

  return (
    <section className="map" aria-label="address map">
      <div className="map-readout" ref={readoutRef} aria-live="polite" data-testid="view-readout" />
      {/* The lanes take the height the map gets and scroll vertically beyond it; the axis stays on top. */}
      <div className="map-scroll" data-testid="map-scroll">
        <div className="map-body">
          <div className="lane-labels" style={{ height: height + AXIS_HEIGHT }} aria-label="lanes">
            {/* The corner above the labels holds what changes the lanes themselves. */}
            <div className="axis-spacer" style={{ height: AXIS_HEIGHT }}>
              <Toggle
                className="lane-fold"
                title="draw group lanes that show the same regions as one lane"
                label="fold alike lanes"
                checked={foldAlike}
                onChange={(on) => store.getState().setFoldAlike(on)}
              />
            </div>
            {rows.map((r) => (
              <div
                key={r.lane.id}
                className={`lane-label${r.lane.nested ? ' nested' : ''}${selectedLane === r.lane.id ? ' selected' : ''}`}
                style={{ top: r.y + AXIS_HEIGHT, height: r.height }}
                title={r.lane.detail ? `${r.lane.label}\n${r.lane.detail}` : r.lane.label}
                role="button"
                tabIndex={0}
                aria-label={`${r.lane.label}: show in the inspector`}
                onClick={() => selectLane(r.lane.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    selectLane(r.lane.id);
                  }
                }}
              >
                {r.lane.group !== undefined && (
                  <span
                    className="swatch"
                    style={{ background: groupColor(r.lane.group, theme) }}
                  />
                )}
                <span className="lane-name">
                  {fitWords(r.lane.label, LABEL_TEXT_PX - (r.lane.nested ? 14 : 0), NAME_FONT)}
                </span>
                <span className="lane-detail">
                  {fitWords(
                    r.lane.detail,
                    r.lane.nested ? NESTED_DETAIL_PX : LABEL_TEXT_PX,
                    DETAIL_FONT,
                  )}
                </span>
              </div>
            ))}
          </div>
          <div className="map-canvas-column">
            <svg
              className="axis"
              ref={axisRef}
              height={AXIS_HEIGHT}
              role="img"
              aria-label="address axis"
              data-testid="axis"
            />
            <div className="map-stage" style={{ height }}>
              <canvas
                ref={canvasRef}
                className="map-canvas"
                data-testid="map-canvas"
                aria-label="address map canvas"
                role="img"
              />
              <div
                ref={overlayRef}
                className="map-overlay"
                data-testid="map-overlay"
                tabIndex={0}
                role="application"
                aria-label="address map: arrow keys move between the regions and mappings of the lanes, Enter shows one in the inspector"
                aria-describedby={cursorText ? cursorId : undefined}
                onMouseMove={onMove}
                onMouseLeave={() => showHover(undefined, 0, 0)}
                onClick={onClick}
                onKeyDown={onKey}
                onBlur={() => store.getState().setCursor(undefined)}
              />
              <div id={cursorId} className="sr-only" aria-live="polite">
                {cursorText}
              </div>
              <div
                ref={hoverRef}
                className="hover-card"
                role="tooltip"
                hidden
                data-testid="hover-card"
              />
            </div>
          </div>
        </div>
      </div>
      <button
        type="button"
        className="map-debug-toggle"
        aria-pressed={debugShown}
        title="Show each frame's time by phase (lanes, segments, drawing, axis) and what it drew"
        onClick={() => {
          setDebugShown((v) => !v);
          painterRef.current?.schedule();
        }}
      >
        Frame stats
      </button>
      <pre className="map-debug" ref={debugRef} hidden={!debugShown} data-testid="map-debug" />
      <MapLegend />
      {painter && <Minimap />}
    </section>
  );
}
