import type { Lesson } from '../core/lessons/index.ts';
import type { AppState } from './app-store.ts';
import type { SavedLesson } from './autosave.ts';
import type { Change } from './capture.ts';
import type { LessonOpening } from './lesson.ts';
import type { Outcome } from '../core/outcome.ts';
import type { Action } from '../core/actions.ts';

/**
 * The lessons and the store's lesson logic (lesson.ts), loaded apart from the first view: building
 * the lessons checks and replays each one's scenario, and neither the first map nor the JavaScript
 * loaded before it needs them. lesson.ts tells the catalog when it has loaded (`provideLessons`),
 * however it was loaded; `loadLessons` loads it.
 */
export interface LessonLogic {
  readonly lessons: readonly Lesson[];
  readonly lessonById: (id: string) => Lesson | undefined;
  readonly openLessonChange: (s: AppState, id: string, opening?: LessonOpening) => Change<boolean>;
  readonly goToLessonStepChange: (s: AppState, step: number) => Change<boolean>;
  readonly doLessonStepChange: (s: AppState) => Change<Outcome | undefined>;
  readonly nextLessonStepChange: (s: AppState) => Change;
  readonly resumeLessonChange: (s: AppState, saved: SavedLesson) => Change<boolean>;
  readonly dispatchInLessonChange: (
    s: AppState,
    action: Action,
  ) => Change<Outcome | undefined> | undefined;
}

const NONE: readonly Lesson[] = [];
let logic: LessonLogic | undefined;
let loading: Promise<unknown> | undefined;
const listeners = new Set<() => void>();

/** Called once by lesson.ts as it loads. */
export function provideLessons(loaded: LessonLogic): void {
  logic = loaded;
  for (const l of listeners) l();
}

/** The lesson logic, once loaded (a lesson can only be open once it has). */
export function lessonLogic(): LessonLogic | undefined {
  return logic;
}

/** The lessons, once loaded; none before. */
export function knownLessons(): readonly Lesson[] {
  return logic?.lessons ?? NONE;
}

export async function loadLessons(): Promise<LessonLogic> {
  await (loading ??= import('./lesson.ts'));
  return logic as LessonLogic;
}

/** For a view that lists the lessons: called when they have loaded. */
export function onLessonsLoaded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
