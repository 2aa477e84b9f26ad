import type { AppStore } from '../../src/store/app-store.ts';

export interface Counted {
  /** Store notifications (one per `set`). */
  readonly notifications: number;
  /** Undo entries added (negative when undo walked back). */
  readonly entries: number;
}

/** Starts counting what the store does; `stop` ends it and says what it counted. */
export function countUpdates(store: AppStore): { stop(): Counted } {
  const entriesBefore = store.getState().history?.past.length ?? 0;
  let notifications = 0;
  const unsubscribe = store.subscribe(() => notifications++);
  return {
    stop() {
      unsubscribe();
      return {
        notifications,
        entries: (store.getState().history?.past.length ?? 0) - entriesBefore,
      };
    },
  };
}

/** What one synchronous gesture costs. */
export function measure(store: AppStore, gesture: () => unknown): Counted {
  const counter = countUpdates(store);
  gesture();
  return counter.stop();
}
