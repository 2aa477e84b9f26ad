import type { AppStore } from '../../store/app-store.ts';
import { knownLessons } from '../../store/lesson-catalog.ts';

/**
 * How far this browser's learner has got in each lesson, for the lesson list ("done", "step 4 of
 * 12 reached"): kept in localStorage, apart from any workspace, since a learner opens lessons
 * from links and the picker in whatever workspace and expects the list to remember them all.
 */
const PROGRESS_KEY = 'iova-explorer.lesson-progress';

export interface LessonProgress {
  /** The furthest step reached, counted from 1 as the panel counts. */
  readonly reached: number;
  readonly steps: number;
  /** The last step was reached. */
  readonly done: boolean;
}

export type ProgressBook = Readonly<Record<string, LessonProgress>>;

function storage(): Storage | undefined {
  try {
    return typeof localStorage !== 'undefined' ? localStorage : undefined;
  } catch {
    return undefined;
  }
}

export function readProgress(): ProgressBook {
  try {
    const text = storage()?.getItem(PROGRESS_KEY);
    const value = text ? (JSON.parse(text) as unknown) : {};
    if (typeof value !== 'object' || value === null) return {};
    const book: Record<string, LessonProgress> = {};
    for (const [id, p] of Object.entries(value as Record<string, Partial<LessonProgress>>))
      if (Number.isSafeInteger(p?.reached) && Number.isSafeInteger(p?.steps))
        book[id] = { reached: p.reached as number, steps: p.steps as number, done: !!p.done };
    return book;
  } catch {
    return {};
  }
}

/** The book with `step` (from 0) of lesson `id`, of `steps`, reached. */
export function withStepReached(
  book: ProgressBook,
  id: string,
  step: number,
  steps: number,
): ProgressBook {
  const was = book[id];
  const reached = Math.max(was?.reached ?? 0, step + 1);
  const done = (was?.done ?? false) || reached >= steps;
  if (was && was.reached === reached && was.done === done && was.steps === steps) return book;
  return { ...book, [id]: { reached, steps, done } };
}

/** Records every step the learner reaches from now on; returns the unsubscribe. */
export function trackLessonProgress(store: AppStore): () => void {
  return store.subscribe((s, prev) => {
    const at = s.lesson;
    if (!at || (at.id === prev.lesson?.id && at.step === prev.lesson.step)) return;
    const lesson = knownLessons().find((l) => l.id === at.id);
    if (!lesson) return;
    const book = readProgress();
    const next = withStepReached(book, at.id, at.step, lesson.steps.length);
    if (next === book) return;
    try {
      storage()?.setItem(PROGRESS_KEY, JSON.stringify(next));
    } catch {
      // Without storage the list simply does not remember.
    }
  });
}
