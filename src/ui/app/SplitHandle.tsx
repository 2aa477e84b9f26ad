import { useRef } from 'react';

/** Height limits of the log pane under the map, in px. */
export const LOG_MIN_PX = 44;
/** The map keeps at least this much when the log is dragged up. */
export const MAP_MIN_PX = 160;
const KEY_STEP_PX = 24;

export function clampLogHeight(h: number, containerHeight: number): number {
  const max = Math.max(LOG_MIN_PX, containerHeight - MAP_MIN_PX);
  return Math.round(Math.min(max, Math.max(LOG_MIN_PX, h)));
}

/**
 * The handle between the map and the log: drag it (or focus it and press ↑/↓, Home/End) to give
 * one more height than the other. It sets the log's height; the map takes the rest.
 */
export function SplitHandle({
  logHeight,
  setLogHeight,
  container,
}: {
  logHeight: number;
  setLogHeight: (h: number) => void;
  container: () => HTMLElement | null;
}) {
  const drag = useRef<{ y: number; h: number } | undefined>(undefined);
  const total = () => container()?.clientHeight ?? 800;
  return (
    <div
      className="split-handle"
      role="separator"
      aria-orientation="horizontal"
      aria-label="resize the map and the log"
      aria-valuemin={LOG_MIN_PX}
      aria-valuemax={Math.max(LOG_MIN_PX, total() - MAP_MIN_PX)}
      aria-valuenow={logHeight}
      tabIndex={0}
      data-testid="split-handle"
      onPointerDown={(e) => {
        e.preventDefault();
        drag.current = { y: e.clientY, h: logHeight };
        e.currentTarget.setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={(e) => {
        const d = drag.current;
        if (d) setLogHeight(clampLogHeight(d.h - (e.clientY - d.y), total()));
      }}
      onPointerUp={(e) => {
        drag.current = undefined;
        e.currentTarget.releasePointerCapture?.(e.pointerId);
      }}
      onKeyDown={(e) => {
        let next: number | undefined;
        if (e.key === 'ArrowUp') next = logHeight + KEY_STEP_PX;
        else if (e.key === 'ArrowDown') next = logHeight - KEY_STEP_PX;
        else if (e.key === 'Home') next = LOG_MIN_PX;
        else if (e.key === 'End') next = total() - MAP_MIN_PX;
        if (next === undefined) return;
        // The arrows would also pan the map (the app's key handler on window).
        e.preventDefault();
        e.stopPropagation();
        setLogHeight(clampLogHeight(next, total()));
      }}
    />
  );
}
