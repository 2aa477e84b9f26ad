import type { RangeMap } from '../../core/ranges/range-map.ts';
import { MappingSummary, SummaryBuilder } from './mapping-summary.ts';

/**
 * Below this many mappings a frame walks the tree itself (at most BUCKET_CAP entries per pixel
 * column): a summary would cost more than it saves.
 */
export const SUMMARY_MIN_MAPPINGS = 4096;

/**
 * Up to this many changed starts, a new version's summary is the previous one updated at once in
 * the frame (measured in Node: ~4 µs a change spread over a 1M-entry tree, clustered ones less);
 * past it the summary is built afresh in slices between frames.
 */
export const SYNC_UPDATE_LIMIT = 2048;

/** How long one background slice of a summary build may run, in ms. */
const SLICE_MS = 8;

export interface SummaryCacheOptions {
  /** Runs `work` soon, outside the current task (a timeout in the browser). */
  readonly runSoon?: (work: () => void) => void;
  /** Called when a background build has finished: the map can repaint with it. */
  readonly onReady?: () => void;
  readonly now?: () => number;
}

/**
 * The drawing summaries of the lanes' mapping trees. A version seen before (undo, redo, a dry run
 * dropped) has its summary already; a new one is the lane's last summary updated by the tree diff
 * (one action, a trace slice); a tree unrelated to the last one (another scenario, a whole import
 * committed at once) is summarised in 8 ms slices between frames, and until that is done the lane
 * is drawn by walking its tree. No frame pays for a whole build.
 */
export class SummaryCache {
  private readonly summaries = new WeakMap<RangeMap<unknown>, MappingSummary>();
  /** The last map summarised for each lane: the version the next one is diffed against. */
  private readonly lastOfLane = new Map<string, RangeMap<unknown>>();
  /** Builds under way, one per tree (a container and its domains share one). */
  private readonly builds = new Map<RangeMap<unknown>, SummaryBuilder<unknown>>();
  /** The tree each lane waits for; a build no lane waits for any more is dropped. */
  private readonly awaited = new Map<string, RangeMap<unknown>>();
  private scheduled = false;
  private readonly runSoon: (work: () => void) => void;
  private readonly now: () => number;
  private waiting: Array<() => void> = [];

  constructor(private readonly options: SummaryCacheOptions = {}) {
    this.runSoon = options.runSoon ?? ((work) => setTimeout(work, 0));
    this.now = options.now ?? (() => performance.now());
  }

  /** The lane's summary, or undefined when the tree is small or its summary is being built. */
  get<V>(laneId: string, map: RangeMap<V>): MappingSummary | undefined {
    if (map.size < SUMMARY_MIN_MAPPINGS) return undefined;
    const key = map as RangeMap<unknown>;
    const known = this.summaries.get(key);
    if (known) {
      this.remember(laneId, key, known);
      return known;
    }
    const prev = this.lastOfLane.get(laneId);
    const prevSummary = prev && this.summaries.get(prev);
    const changed = prevSummary && key.changedStarts(prev, SYNC_UPDATE_LIMIT);
    if (prevSummary && changed) {
      const summary = prevSummary.updated(key, changed);
      this.remember(laneId, key, summary);
      return summary;
    }
    this.awaited.set(laneId, key);
    if (!this.builds.has(key)) {
      this.builds.set(key, new SummaryBuilder(key));
      this.schedule();
    }
    return undefined;
  }

  /** True while this tree's summary is being built in the background. */
  isBuilding<V>(map: RangeMap<V>): boolean {
    return this.builds.has(map as RangeMap<unknown>);
  }

  /** True while a summary is being built in the background. */
  get building(): boolean {
    return this.builds.size > 0;
  }

  /** Resolves when no build is left (at once when none runs). */
  idle(): Promise<void> {
    if (!this.building) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private remember(laneId: string, map: RangeMap<unknown>, summary: MappingSummary): void {
    this.summaries.set(map, summary);
    this.lastOfLane.set(laneId, map);
    this.awaited.delete(laneId);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.runSoon(() => {
      this.scheduled = false;
      this.slice();
    });
  }

  private slice(): void {
    const deadline = this.now() + SLICE_MS;
    const stop = () => this.now() >= deadline;
    let finished = false;
    const wanted = new Set(this.awaited.values());
    for (const [map, builder] of this.builds) {
      if (!wanted.has(map)) {
        this.builds.delete(map); // every lane moved on to a newer tree
        continue;
      }
      const summary = builder.step(stop);
      if (summary) {
        this.builds.delete(map);
        for (const [laneId, awaited] of [...this.awaited])
          if (awaited === map) this.remember(laneId, map, summary);
        finished = true;
      }
      if (stop()) break;
    }
    if (this.builds.size > 0) this.schedule();
    if (finished) this.options.onReady?.();
    if (this.builds.size === 0) {
      const waiting = this.waiting;
      this.waiting = [];
      for (const resolve of waiting) resolve();
    }
  }
}
