import type { DrawContext } from '../../src/ui/map/draw-map.ts';

/** A fake 2D context that records every call, so drawing is tested without a real canvas. */
export interface Call {
  readonly name: string;
  readonly args: readonly unknown[];
  readonly fillStyle: string;
}

export function recordingContext(): { ctx: DrawContext; calls: Call[] } {
  const calls: Call[] = [];
  const state = {
    fillStyle: '#000' as DrawContext['fillStyle'],
    strokeStyle: '#000' as DrawContext['strokeStyle'],
    font: '',
    textBaseline: 'alphabetic' as CanvasTextBaseline,
    lineWidth: 1,
  };
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push({ name, args, fillStyle: String(state.fillStyle) });
    };
  const ctx = {
    get fillStyle() {
      return state.fillStyle;
    },
    set fillStyle(v) {
      state.fillStyle = v;
    },
    get strokeStyle() {
      return state.strokeStyle;
    },
    set strokeStyle(v) {
      state.strokeStyle = v;
    },
    get font() {
      return state.font;
    },
    set font(v) {
      state.font = v;
    },
    get textBaseline() {
      return state.textBaseline;
    },
    set textBaseline(v) {
      state.textBaseline = v;
    },
    get lineWidth() {
      return state.lineWidth;
    },
    set lineWidth(v) {
      state.lineWidth = v;
    },
    fillRect: record('fillRect'),
    strokeRect: record('strokeRect'),
    clearRect: record('clearRect'),
    fillText: record('fillText'),
    save: record('save'),
    restore: record('restore'),
    beginPath: record('beginPath'),
    rect: record('rect'),
    clip: record('clip'),
  } as unknown as DrawContext;
  return { ctx, calls };
}
