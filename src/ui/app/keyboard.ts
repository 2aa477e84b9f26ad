import type { AppStore } from '../../store/app-store.ts';
import type { PanelStore } from './panel-layout.ts';
import { lanesOf } from '../../store/address-spaces.ts';
import { selectShown } from '../../store/app-store.ts';
import { selectionRange } from '../../store/selection.ts';
import { makeViewport, panBytes, spanOf, zoomAt } from '../../view/viewport/viewport.ts';
import { TWO_POW_64 } from '../../core/u64.ts';

/** Share of the span one arrow press moves: an exact power of two, so +d then -d is exact. */
const PAN_SHIFT = 3n;

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/**
 * Arrows pan, +/- zoom about the centre, u / Shift+U and Ctrl+Z / Ctrl+Shift+Z undo and redo,
 * Home / End go to the bottom / top of the 64-bit space at the same zoom, Page Up / Page Down move
 * a whole screen, f frames the selection, [ and ] fold and unfold the side panels.
 * Keys typed into a form field stay with the field.
 */
export function handleKey(
  store: AppStore,
  e: KeyboardEvent,
  width: number,
  panels?: PanelStore,
): boolean {
  if (isTyping(e.target) || e.altKey || e.metaKey) return false;
  const s = store.getState();
  const ctrl = e.ctrlKey;
  if (ctrl && (e.key === 'z' || e.key === 'Z')) {
    if (e.shiftKey) s.redo();
    else s.undo();
    return true;
  }
  if (ctrl && e.key === 'y') {
    s.redo();
    return true;
  }
  if (ctrl) return false;
  const step = spanOf(s.viewport) >> PAN_SHIFT;
  switch (e.key) {
    case 'ArrowLeft':
      s.setViewport(panBytes(s.viewport, -step));
      return true;
    case 'ArrowRight':
      s.setViewport(panBytes(s.viewport, step));
      return true;
    case '+':
    case '=':
      s.setViewport(zoomAt(s.viewport, width / 2, width, 1));
      return true;
    case '-':
    case '_':
      s.setViewport(zoomAt(s.viewport, width / 2, width, -1));
      return true;
    case 'Home':
      s.setViewport(makeViewport(0n, s.viewport.zoom));
      return true;
    case 'End':
      s.setViewport(makeViewport(TWO_POW_64 - spanOf(s.viewport), s.viewport.zoom));
      return true;
    case 'PageUp':
      s.setViewport(panBytes(s.viewport, -spanOf(s.viewport)));
      return true;
    case 'PageDown':
      s.setViewport(panBytes(s.viewport, spanOf(s.viewport)));
      return true;
    case 'f': {
      const shown = selectShown(s);
      const range = selectionRange(s.selection, shown ? lanesOf(shown) : []);
      if (range) s.showRange(range);
      return range !== undefined;
    }
    case '[':
    case ']':
      if (!panels) return false;
      panels.getState().toggle(e.key === '[' ? 'left' : 'right');
      return true;
    case 'u':
      s.undo();
      return true;
    case 'U':
      s.redo();
      return true;
    default:
      return false;
  }
}
