import { type History, pushHistory, redoHistory, startHistory, undoHistory } from './history.ts';
import type { AppState, LessonPosition } from './app-store.ts';
import type { Snapshot } from './workspace.ts';

/**
 * Whether an intent enters undo history (Excalidraw's CaptureUpdateAction):
 * - IMMEDIATELY: the workspace the intent makes, if it makes one, is ONE undo entry;
 * - NEVER: view state (viewport, selection, the lesson page read, a notice); undo and redo walk
 *   the history and add no entry.
 */
export type Capture = 'IMMEDIATELY' | 'NEVER';

/** The state an intent sets besides the workspace history, which only `commit` and `walk` move. */
export type ViewPatch = Partial<Omit<AppState, 'history' | 'lessonMoves'>>;

/** What an intent does, worked out from the state before it: applied in one `set`. */
export interface Change<R = void> {
  readonly patch?: ViewPatch;
  /** The new workspace present, pushed as one undo entry. */
  readonly commit?: Snapshot;
  /** A step through the history (undo, redo), which adds no entry. */
  readonly walk?: 'undo' | 'redo';
  readonly result: R;
}

/**
 * The lesson positions around an undo entry that moved the learner to another lesson or step
 * (open, a jump, Next): undo puts `before` back and redo `after`, so undoing onto the lesson's path
 * is on it again. Entries that stay on the step ("Do it", the learner's own actions) carry none:
 * undoing them leaves the step read over a state it does not describe, which is departed.
 */
export interface LessonMove {
  readonly before: LessonPosition | undefined;
  readonly after: LessonPosition | undefined;
}

function movedLesson(move: LessonMove): boolean {
  return move.before?.id !== move.after?.id || move.before?.step !== move.after?.step;
}

/** Nothing to set: the intent notifies no one. */
function isEmpty(change: Change<unknown>): boolean {
  return !change.commit && !change.walk && Object.keys(change.patch ?? {}).length === 0;
}

/**
 * The state update a change makes, or undefined when it changes nothing. The workspace history and
 * its lesson moves advance in lockstep, one entry each, so they can never disagree.
 */
export function updateOf(
  name: string,
  capture: Capture,
  s: AppState,
  change: Change<unknown>,
): Partial<AppState> | undefined {
  if (change.commit && capture === 'NEVER')
    throw new Error(`the intent ${name} is declared NEVER but made an undo entry`);
  if (isEmpty(change)) return undefined;
  if (change.commit) {
    const lesson = change.patch && 'lesson' in change.patch ? change.patch.lesson : s.lesson;
    const move: LessonMove = { before: s.lesson, after: lesson };
    const entryMove = movedLesson(move) ? move : undefined;
    const moves = lessonMovesOf(s);
    return {
      ...change.patch,
      history: s.history ? pushHistory(s.history, change.commit) : startHistory(change.commit),
      lessonMoves: moves ? pushHistory(moves, entryMove) : startHistory(entryMove),
    };
  }
  const moves = lessonMovesOf(s);
  if (change.walk && s.history && moves) {
    const walked = walk(change.walk, s.history, moves);
    return {
      ...change.patch,
      history: walked.history,
      lessonMoves: walked.lessonMoves,
      ...(walked.lesson ? { lesson: walked.lesson.position } : {}),
    };
  }
  return change.patch;
}

/** The lesson moves beside the history; none recorded (a store made with a history) is all none. */
function lessonMovesOf(s: AppState): History<LessonMove | undefined> | undefined {
  if (s.lessonMoves || !s.history) return s.lessonMoves;
  const none = (entries: readonly Snapshot[]) => entries.map(() => undefined);
  return { past: none(s.history.past), present: undefined, future: none(s.history.future) };
}

function walk(
  direction: 'undo' | 'redo',
  history: History<Snapshot>,
  lessonMoves: History<LessonMove | undefined>,
): {
  history: History<Snapshot>;
  lessonMoves: History<LessonMove | undefined>;
  lesson: { position: LessonPosition | undefined } | undefined;
} {
  if (direction === 'undo') {
    const undone = lessonMoves.present;
    return {
      history: undoHistory(history),
      lessonMoves: undoHistory(lessonMoves),
      lesson: undone && { position: undone.before },
    };
  }
  const redone = redoHistory(lessonMoves);
  return {
    history: redoHistory(history),
    lessonMoves: redone,
    lesson: redone.present && { position: redone.present.after },
  };
}
