import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameScheduler } from '../../src/ui/map/frame-scheduler.ts';
import { describeFrame, MapPainter } from '../../src/ui/map/map-painter.ts';
import { MapView } from '../../src/ui/map/MapView.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

/** A scheduler whose frames run only when the test flushes them. */
const manualScheduler = () => new FrameScheduler({ request: () => 1, cancel: () => {} });

function elements() {
  const debug = document.createElement('pre');
  return {
    canvas: document.createElement('canvas'),
    axis: document.createElementNS('http://www.w3.org/2000/svg', 'svg'),
    readout: document.createElement('div'),
    debug,
  };
}

describe('the frame-stats overlay', () => {
  it('shows each frame by phase, with the lanes and counts it drew, only while shown', () => {
    const store = defaultStore();
    const scheduler = manualScheduler();
    const el = elements();
    el.debug.hidden = true;
    const painter = new MapPainter(store, el, scheduler);
    painter.resize(1000, 400);
    painter.start();
    scheduler.flush();
    expect(painter.stats.frames).toBe(1);
    expect(el.debug.textContent).toBe('');

    el.debug.hidden = false;
    painter.schedule();
    scheduler.flush();
    const text = el.debug.textContent ?? '';
    expect(text).toMatch(/^frame 2 +\d+\.\d\d ms/);
    for (const phase of ['lanes', 'segments', 'draw', 'axis'])
      expect(text).toMatch(new RegExp(`^  ${phase} +\\d+\\.\\d\\d ms`, 'm'));
    const { phases, ms } = painter.stats;
    const sum = phases.lanes + phases.segments + phases.draw + phases.axis;
    expect(Math.abs(sum - ms)).toBeLessThan(1e-6);
    // the default scenario shows its container and IOMMU lanes
    expect(Number(/(\d+) lanes/.exec(text)?.[1])).toBeGreaterThan(0);
    painter.stop();
  });

  it('names the lanes, rects and aggregated counts of the frame', () => {
    const text = describeFrame(
      {
        ms: 3.5,
        frames: 7,
        rects: 120,
        aggregated: 40,
        labels: 3,
        summarised: 2,
        summaryPending: 1,
        phases: { lanes: 0.5, segments: 1, draw: 1.75, axis: 0.25 },
        intervalMs: 16.7,
      },
      5,
    );
    expect(text.split('\n')).toEqual([
      'frame 7    3.50 ms  (every 16.7 ms)',
      '  lanes      0.50 ms  5 lanes',
      '  segments   1.00 ms  40 aggregated',
      '  draw       1.75 ms  120 rects, 3 labels',
      '  axis       0.25 ms',
      '  summary  2 lane(s) drawn from it, 1 walked while it is built',
    ]);
  });

  it('is toggled from the map and is hidden at first', () => {
    const store = defaultStore();
    renderWith(store, <MapView />);
    const overlay = screen.getByTestId('map-debug');
    const toggle = screen.getByRole('button', { name: 'Frame stats' });
    expect(overlay.hidden).toBe(true);
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(overlay.hidden).toBe(false);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(toggle);
    expect(overlay.hidden).toBe(true);
  });
});
