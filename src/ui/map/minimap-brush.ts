import { brushX, type D3BrushEvent } from 'd3-brush';
import { pointer, select } from 'd3-selection';

/** The minimap's brush: shows the current view, and a drag on it chooses a new one. */
export interface MinimapBrush {
  /** Sizes the brush to the minimap and moves its selection to x0..x1 (no brush event). */
  show(width: number, x0: number, x1: number): void;
  remove(): void;
}

export function minimapBrush(
  svg: SVGSVGElement,
  height: number,
  chosen: (x0: number, x1: number) => void,
  /** A click that drew no range: the view is centred there. */
  clicked: (x: number) => void,
): MinimapBrush {
  let syncing = false;
  const brush = brushX<unknown>().on('brush end', (e: D3BrushEvent<unknown>) => {
    if (syncing || !e.sourceEvent) return;
    if (!e.selection) {
      if (e.type === 'end') clicked(pointer(e.sourceEvent, svg)[0]);
      return;
    }
    const [x0, x1] = e.selection as [number, number];
    chosen(x0, x1);
  });
  const g = select(svg).append('g').attr('class', 'brush');
  return {
    show(width, x0, x1) {
      brush.extent([
        [0, 0],
        [width, height],
      ]);
      g.call(brush);
      syncing = true;
      g.call(brush.move, [x0, x1]);
      // A selection over (nearly) the whole minimap would take every press as a move of itself, so
      // a user at the 2^64 view could never draw a new one: let presses reach the overlay then.
      g.select('.selection').attr('pointer-events', x1 - x0 >= width - 4 ? 'none' : null);
      syncing = false;
    },
    remove: () => g.remove(),
  };
}
