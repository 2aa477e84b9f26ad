import { describe, expect, it } from 'vitest';
import {
  createPanelStore,
  initialPanelLayout,
  layoutColumns,
  PANEL_MAX_PX,
  PANEL_MIN_PX,
  PANEL_RAIL_PX,
} from '../../src/ui/app/panel-layout.ts';
import { minimapLabels } from '../../src/view/map/minimap-scale.ts';

describe('side panels', () => {
  it('leave a laptop-sized window to the map: the left panel folded, the right one narrow', () => {
    const narrow = initialPanelLayout(1280);
    expect(narrow.left.open).toBe(false);
    expect(narrow.right).toEqual({ open: true, width: 300 });
    // 1280 less the rail and the right panel: over 60% of the window is left for labels and canvas.
    expect(1280 - PANEL_RAIL_PX - narrow.right.width - 176).toBeGreaterThanOrEqual(0.6 * 1280);
    expect(initialPanelLayout(1920).left.open).toBe(true);
  });

  it('fold, unfold and resize within their limits', () => {
    const panels = createPanelStore(1280);
    expect(layoutColumns(panels.getState())).toBe(`${PANEL_RAIL_PX}px minmax(0, 1fr) 300px`);
    panels.getState().toggle('left');
    panels.getState().setWidth('right', 10_000);
    expect(panels.getState().right.width).toBe(PANEL_MAX_PX);
    panels.getState().setWidth('left', 3);
    expect(panels.getState().left.width).toBe(PANEL_MIN_PX);
    expect(layoutColumns(panels.getState())).toBe(
      `${PANEL_MIN_PX}px minmax(0, 1fr) ${PANEL_MAX_PX}px`,
    );
    panels.getState().toggle('right');
    expect(panels.getState().right.open).toBe(false);
    panels.getState().open('right');
    expect(panels.getState().right).toEqual({ open: true, width: PANEL_MAX_PX });
  });
});

describe('minimap labels', () => {
  it('never touch each other at any width, and always show where the strip starts and ends', () => {
    for (let width = 120; width <= 2000; width += 7) {
      const labels = minimapLabels(width, (t) => t.length * 6);
      const shown = labels.filter((l) => l.text !== '');
      expect(shown[0]?.text).toBe('0');
      expect(shown.at(-1)?.text).toBe('2^64');
      for (let i = 1; i < shown.length; i++)
        expect(shown[i]!.x).toBeGreaterThanOrEqual(shown[i - 1]!.x + shown[i - 1]!.text.length * 6);
      for (const l of shown) {
        expect(l.x).toBeGreaterThanOrEqual(0);
        expect(l.x + l.text.length * 6).toBeLessThanOrEqual(width + 1e-9);
      }
    }
  });
});
