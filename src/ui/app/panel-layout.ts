import { createStore, type StoreApi } from 'zustand/vanilla';

/**
 * Which side panels are open and how wide they are. The map is what the tool is for, so on a
 * laptop-sized window it gets the room first: below WIDE_WINDOW_PX the left panel (topology,
 * lessons) starts folded to a rail and the right one is narrow, which leaves the canvas over 60%
 * of a 1280-px window. `[` and `]` (or each panel's button) fold and unfold them; their inner
 * edge drags (or takes arrow keys) to resize.
 */
export type PanelSide = 'left' | 'right';

export interface PanelState {
  readonly open: boolean;
  readonly width: number;
}

export interface PanelLayout {
  readonly left: PanelState;
  readonly right: PanelState;
}

export interface PanelActions {
  toggle(side: PanelSide): void;
  open(side: PanelSide): void;
  setWidth(side: PanelSide, width: number): void;
}

export type PanelStore = StoreApi<PanelLayout & PanelActions>;

export const WIDE_WINDOW_PX = 1500;
export const PANEL_MIN_PX = 220;
export const PANEL_MAX_PX = 620;
/** A folded panel keeps a rail this wide, with the button that unfolds it. */
export const PANEL_RAIL_PX = 30;

export function initialPanelLayout(windowWidth: number): PanelLayout {
  const wide = windowWidth >= WIDE_WINDOW_PX;
  return {
    left: { open: wide, width: 280 },
    right: { open: true, width: wide ? 340 : 300 },
  };
}

export function clampPanelWidth(width: number): number {
  return Math.round(Math.min(PANEL_MAX_PX, Math.max(PANEL_MIN_PX, width)));
}

/** The layout grid's columns: each panel's width, or its rail when folded; the map takes the rest. */
export function layoutColumns(l: PanelLayout): string {
  const px = (p: PanelState) => `${p.open ? p.width : PANEL_RAIL_PX}px`;
  return `${px(l.left)} minmax(0, 1fr) ${px(l.right)}`;
}

export function createPanelStore(windowWidth: number): PanelStore {
  return createStore<PanelLayout & PanelActions>()((set) => ({
    ...initialPanelLayout(windowWidth),
    toggle: (side) => set((s) => ({ [side]: { ...s[side], open: !s[side].open } })),
    open: (side) => set((s) => (s[side].open ? s : { [side]: { ...s[side], open: true } })),
    setWidth: (side, width) =>
      set((s) => ({ [side]: { ...s[side], width: clampPanelWidth(width) } })),
  }));
}
