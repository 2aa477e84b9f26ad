import type { ReactNode } from 'react';
import { useRef } from 'react';
import { useStore } from 'zustand';
import {
  clampPanelWidth,
  PANEL_MAX_PX,
  PANEL_MIN_PX,
  type PanelSide,
  type PanelStore,
} from './panel-layout.ts';

const KEY_STEP_PX = 24;

/**
 * A side panel that folds to a rail and resizes from its inner edge. Folded, its content stays
 * mounted (hidden), so a half-filled form or the chosen tab survive folding it away.
 */
export function SidePanel({
  side,
  panels,
  name,
  shortcut,
  children,
}: {
  side: PanelSide;
  panels: PanelStore;
  /** What the panel holds, for its buttons: "topology and lessons". */
  name: string;
  shortcut: string;
  children: ReactNode;
}) {
  const state = useStore(panels, (s) => s[side]);
  const drag = useRef<{ x: number; w: number } | undefined>(undefined);
  // Dragging the inner edge towards the map widens the panel.
  const towardsMap = side === 'left' ? 1 : -1;
  const fold = (
    <button
      type="button"
      className="panel-fold"
      aria-expanded={state.open}
      aria-label={`${state.open ? 'Hide' : 'Show'} the ${name} panel (${shortcut})`}
      title={`${state.open ? 'Hide' : 'Show'} the ${name} panel (${shortcut})`}
      onClick={() => panels.getState().toggle(side)}
    >
      {(side === 'left') === state.open ? '«' : '»'}
    </button>
  );
  return (
    <aside className={`${side}${state.open ? '' : ' folded'}`} data-testid={`${side}-panel`}>
      {!state.open && (
        <div className="panel-rail">
          {fold}
          <span className="panel-rail-name" aria-hidden="true">
            {name}
          </span>
        </div>
      )}
      <div className="panel-body" hidden={!state.open}>
        <div className="panel-fold-row">{fold}</div>
        {children}
      </div>
      {state.open && (
        <div
          className="panel-resize"
          role="separator"
          aria-orientation="vertical"
          aria-label={`resize the ${name} panel`}
          aria-valuemin={PANEL_MIN_PX}
          aria-valuemax={PANEL_MAX_PX}
          aria-valuenow={state.width}
          tabIndex={0}
          data-testid={`${side}-panel-resize`}
          onPointerDown={(e) => {
            e.preventDefault();
            drag.current = { x: e.clientX, w: state.width };
            e.currentTarget.setPointerCapture?.(e.pointerId);
          }}
          onPointerMove={(e) => {
            const d = drag.current;
            if (d)
              panels
                .getState()
                .setWidth(side, clampPanelWidth(d.w + towardsMap * (e.clientX - d.x)));
          }}
          onPointerUp={(e) => {
            drag.current = undefined;
            e.currentTarget.releasePointerCapture?.(e.pointerId);
          }}
          onKeyDown={(e) => {
            let next: number | undefined;
            if (e.key === 'ArrowRight') next = state.width + towardsMap * KEY_STEP_PX;
            else if (e.key === 'ArrowLeft') next = state.width - towardsMap * KEY_STEP_PX;
            else if (e.key === 'Home') next = PANEL_MIN_PX;
            else if (e.key === 'End') next = PANEL_MAX_PX;
            if (next === undefined) return;
            // The arrows would also pan the map (the app's key handler on window).
            e.preventDefault();
            e.stopPropagation();
            panels.getState().setWidth(side, next);
          }}
        />
      )}
    </aside>
  );
}
