import { useEffect, useSyncExternalStore } from 'react';
import type { Lesson } from '../../core/lessons/index.ts';
import { knownLessons, loadLessons, onLessonsLoaded } from '../../store/lesson-catalog.ts';

/**
 * The lessons, for a list of them: none until they load, which the first render starts (after
 * the first map, which does without them), then all of them.
 */
export function useLessons(): readonly Lesson[] {
  useEffect(() => {
    void loadLessons();
  }, []);
  return useSyncExternalStore(onLessonsLoaded, knownLessons);
}
