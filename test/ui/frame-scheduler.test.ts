import { describe, expect, it } from 'vitest';
import { hexGrouped } from '../../src/core/u64.ts';
import { type FrameLayer, FrameScheduler, type RafApi } from '../../src/ui/map/frame-scheduler.ts';
import { MapPainter } from '../../src/ui/map/map-painter.ts';
import { makeViewport } from '../../src/view/viewport/viewport.ts';
import { defaultStore } from './app-fixture.tsx';

/** A fake requestAnimationFrame: callbacks wait until `tick()` runs them as one frame. */
function fakeRaf() {
  let next = 1;
  let now = 0;
  const queued = new Map<number, (t: number) => void>();
  const log = { requests: 0, cancels: 0 };
  const api: RafApi = {
    request(cb) {
      log.requests++;
      const h = next++;
      queued.set(h, cb);
      return h;
    },
    cancel(h) {
      log.cancels++;
      queued.delete(h);
    },
  };
  const tick = () => {
    now += 16;
    const cbs = [...queued.values()];
    queued.clear();
    for (const cb of cbs) cb(now);
  };
  return {
    api,
    tick,
    log,
    get queued() {
      return queued.size;
    },
  };
}

describe('FrameScheduler', () => {
  it('coalesces many invalidations in one frame into one rAF request and one paint per dirty layer', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const painted: string[] = [];
    const a = sched.register(() => painted.push('a'));
    const b = sched.register(() => painted.push('b'));
    const c = sched.register(() => painted.push('c'));
    for (let i = 0; i < 100; i++) {
      a.invalidate();
      b.invalidate();
    }
    expect(raf.log.requests).toBe(1);
    expect(raf.queued).toBe(1);
    expect(painted).toEqual([]);
    raf.tick();
    expect(painted).toEqual(['a', 'b']); // c was not dirty
    expect(sched.frames).toBe(1);
    // Nothing dirty: no further frame is asked for.
    raf.tick();
    expect(raf.log.requests).toBe(1);
    c.invalidate();
    raf.tick();
    expect(painted).toEqual(['a', 'b', 'c']);
    expect(raf.log.requests).toBe(2);
  });

  it('does not paint a layer that unregistered, even when it was dirty', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const painted: string[] = [];
    const a = sched.register(() => painted.push('a'));
    const b = sched.register(() => painted.push('b'));
    a.invalidate();
    b.invalidate();
    a.dispose();
    raf.tick();
    expect(painted).toEqual(['b']);
    a.invalidate(); // a no-op once disposed
    expect(sched.pending).toBe(false);
    raf.tick();
    expect(painted).toEqual(['b']);
  });

  it('cancels the frame when the last dirty layer unregisters', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const a = sched.register(() => undefined);
    a.invalidate();
    expect(sched.pending).toBe(true);
    a.dispose();
    expect(sched.pending).toBe(false);
    expect(raf.log.cancels).toBe(1);
  });

  it('paints in a stable order: by order, then registration, whatever order they were invalidated in', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const painted: string[] = [];
    const overlay = sched.register(() => painted.push('overlay'), { order: 2 });
    const minimap = sched.register(() => painted.push('minimap'), { order: 1 });
    const map = sched.register(() => painted.push('map'), { order: 0 });
    const map2 = sched.register(() => painted.push('map2'), { order: 0 });
    for (let frame = 0; frame < 3; frame++) {
      overlay.invalidate();
      map2.invalidate();
      minimap.invalidate();
      map.invalidate();
      raf.tick();
    }
    expect(painted).toEqual(
      Array.from({ length: 3 }, () => ['map', 'map2', 'minimap', 'overlay']).flat(),
    );
  });

  it('a layer invalidated while the frame paints is painted once more, in the next frame', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const painted: string[] = [];
    let again = true;
    const b = sched.register(() => painted.push('b'));
    const a = sched.register(() => {
      painted.push('a');
      if (again) b.invalidate(); // b already painted this frame
      again = false;
    });
    a.invalidate();
    b.invalidate();
    raf.tick();
    expect(painted).toEqual(['b', 'a']);
    expect(raf.log.requests).toBe(2);
    raf.tick();
    expect(painted).toEqual(['b', 'a', 'b']);
  });

  it('a layer disposed by an earlier layer’s paint is skipped; a throwing layer does not stop the others', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const painted: string[] = [];
    const later: { c?: FrameLayer } = {};
    const a = sched.register(() => {
      painted.push('a');
      later.c?.dispose();
    });
    const b = sched.register(() => {
      painted.push('b');
      throw new Error('boom');
    });
    const c = sched.register(() => painted.push('c'));
    later.c = c;
    const d = sched.register(() => painted.push('d'));
    for (const l of [a, b, c, d]) l.invalidate();
    expect(() => raf.tick()).toThrow('boom');
    expect(painted).toEqual(['a', 'b', 'd']);
  });
});

describe('map layers on one scheduler', () => {
  it('a burst of viewport changes paints the map once, in one rAF, and data-frame-ms is reported', () => {
    const raf = fakeRaf();
    const sched = new FrameScheduler(raf.api);
    const store = defaultStore();
    const canvas = document.createElement('canvas');
    canvas.getContext = (() => null) as unknown as HTMLCanvasElement['getContext']; // jsdom has no 2D context
    const axis = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const readout = document.createElement('div');
    const painter = new MapPainter(store, { canvas, axis, readout }, sched);
    let minimapPaints = 0;
    const minimap = sched.register(() => minimapPaints++, { order: 1 });
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.viewport !== prev.viewport) minimap.invalidate();
    });
    painter.resize(800, 200);
    painter.start();
    raf.tick();
    expect(painter.stats.frames).toBe(1);
    expect(canvas.dataset['frameMs']).toMatch(/^\d+\.\d\d$/);
    const requests = raf.log.requests;
    for (let i = 0; i < 50; i++) store.getState().setViewport(makeViewport(BigInt(i) << 32n, 40));
    expect(raf.log.requests).toBe(requests + 1);
    raf.tick();
    expect(painter.stats.frames).toBe(2);
    expect(minimapPaints).toBe(1);
    // The one paint read the latest state: the last of the 50 views.
    expect(readout.textContent).toContain(hexGrouped(store.getState().viewport.start));
    expect(store.getState().viewport.start).toBe(49n << 32n);
    painter.stop();
    store.getState().setViewport(makeViewport(0n, 30));
    raf.tick();
    expect(painter.stats.frames).toBe(2); // stopped: no longer painted
    expect(minimapPaints).toBe(2);
    unsubscribe();
    minimap.dispose();
  });
});
