import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { PANEL_MAX_PX, PANEL_MIN_PX, type PanelSide, type PanelStore } from './panel-layout.ts';
import { ResizeSeparator } from './ResizeSeparator.tsx';

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
        <ResizeSeparator
          className="panel-resize"
          label={`resize the ${name} panel`}
          testId={`${side}-panel-resize`}
          axis="x"
          // Dragging the inner edge towards the map widens the panel.
          grows={side === 'left' ? 1 : -1}
          size={state.width}
          bounds={() => [PANEL_MIN_PX, PANEL_MAX_PX]}
          setSize={(width) => panels.getState().setWidth(side, width)}
        />
      )}
    </aside>
  );
}
