/**
 * One requestAnimationFrame loop for every canvas layer (in the spirit of Perfetto's
 * raf_scheduler): a layer registers a paint callback and marks itself dirty when what it shows
 * changed; the scheduler asks for at most one animation frame at a time and, when it runs, paints
 * every dirty layer once, in a stable order. Any number of store updates between two frames
 * coalesce into one paint per layer, and no React component re-renders for a pan or zoom.
 */

export interface RafApi {
  request(cb: (time: number) => void): number;
  cancel(handle: number): void;
}

/** The browser's rAF, looked up when called (so a test environment can install its own). */
const browserRaf: RafApi = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export interface FrameLayer {
  /** Marks the layer dirty: it is painted in the next frame (once, however often this is called). */
  invalidate(): void;
  /** Removes the layer: it is never painted again, even if it was dirty. */
  dispose(): void;
}

export interface LayerOptions {
  /** Layers paint in ascending order, then in registration order. Default 0. */
  readonly order?: number;
}

interface Entry {
  readonly paint: (time: number) => void;
  readonly order: number;
  readonly seq: number;
  dirty: boolean;
  alive: boolean;
}

export class FrameScheduler {
  private layers: Entry[] = [];
  private seq = 0;
  private handle: number | undefined;
  /** Frames run so far (each painted at least one layer). */
  frames = 0;

  constructor(private readonly raf: RafApi = browserRaf) {}

  register(paint: (time: number) => void, options: LayerOptions = {}): FrameLayer {
    const entry: Entry = {
      paint,
      order: options.order ?? 0,
      seq: this.seq++,
      dirty: false,
      alive: true,
    };
    this.layers.push(entry);
    this.layers.sort((a, b) => a.order - b.order || a.seq - b.seq);
    return {
      invalidate: () => {
        if (!entry.alive || entry.dirty) return;
        entry.dirty = true;
        this.request();
      },
      dispose: () => {
        if (!entry.alive) return;
        entry.alive = false;
        entry.dirty = false;
        this.layers = this.layers.filter((e) => e !== entry);
        if (this.handle !== undefined && !this.layers.some((e) => e.dirty)) {
          this.raf.cancel(this.handle);
          this.handle = undefined;
        }
      },
    };
  }

  /** A frame has been asked for and has not run yet. */
  get pending(): boolean {
    return this.handle !== undefined;
  }

  /** Paints the dirty layers now (outside a frame), cancelling the frame asked for. */
  flush(time: number = typeof performance !== 'undefined' ? performance.now() : Date.now()): void {
    if (this.handle !== undefined) {
      this.raf.cancel(this.handle);
      this.handle = undefined;
    }
    this.run(time);
  }

  private request(): void {
    if (this.handle !== undefined) return;
    this.handle = this.raf.request((time) => {
      this.handle = undefined;
      this.run(time);
    });
  }

  private run(time: number): void {
    // The dirty set is taken when the frame starts: a layer invalidated while painting (by its own
    // paint or another's) is painted in the next frame, never twice in this one.
    const due = this.layers.filter((e) => e.dirty);
    if (due.length === 0) return;
    for (const e of due) e.dirty = false;
    this.frames++;
    let failure: { error: unknown } | undefined;
    for (const e of due) {
      if (!e.alive) continue; // disposed by an earlier layer's paint
      try {
        e.paint(time);
      } catch (error) {
        // One failing layer does not keep the others from painting.
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

/** The app's one scheduler: the map canvas, its axis and readout, and the minimap paint here. */
export const frameScheduler = new FrameScheduler();
