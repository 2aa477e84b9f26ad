import type { Scenario, ScenarioStep } from '../scenario/schema.ts';
import type { Range } from '../u64.ts';

/**
 * Guided lessons (DESIGN.md §6 "Lessons"): one per seed thread. A lesson is a pure scenario (it
 * loads through `load()` and `replay` checks every step's `expect`) plus narrative steps kept
 * here, because the scenario schema is strict and rejects extra keys.
 */

/**
 * The story a lesson retells: a seed mailing-list thread (with its file under `shared/seeds/`),
 * or a real incident people hit (without one, with a `reference` to where it was reported).
 */
export interface LessonSeed {
  /** File name under `shared/seeds/` (`000_ebd213ba5d897ad5.txt`); absent for an incident. */
  readonly file?: string;
  /** For an incident: where it was reported and fixed. */
  readonly reference?: string;
  /**
   * Without a seed file, what the story is: an incident people hit (the default), or a change
   * to a project that teaches a concept (the page-table lesson).
   */
  readonly story?: 'incident' | 'change';
  /** The thread's subject line. */
  readonly subject: string;
  /** When the messages in the seed file were written (ISO date or month). */
  readonly date: string;
  /** Who speaks in the seed file. */
  readonly participants: readonly string[];
}

/** A short verbatim quote from the seed thread (DESIGN.md §9: a sentence or two at most). */
export interface LessonQuote {
  readonly text: string;
  readonly author: string;
  readonly date: string;
}

/** One narrative step as authored: `action` is an index into the scenario's `steps`. */
export interface LessonStepSpec {
  readonly title: string;
  /** Our own words, paraphrasing the thread and explaining what the engine answers. */
  readonly prose: string;
  readonly quote?: LessonQuote;
  /** Index of the scenario step this narrative step performs. */
  readonly action?: number;
  /** The address range worth looking at on the map for this step (inclusive). */
  readonly view?: Range;
  /** Things to try by hand after this step (edit the platform, dry-run another action, ...). */
  readonly tryThis?: readonly string[];
  /**
   * A hint shown on request before the learner runs the step: where to look to predict the
   * kernel's answer, without giving it away. Steps without one get the call's own description.
   */
  readonly hint?: string;
}

/** What a lesson module exports; `index.ts` joins it with its scenario file. */
export interface LessonSpec {
  readonly id: string;
  readonly seed: LessonSeed;
  readonly steps: readonly LessonStepSpec[];
}

/** A narrative step ready to show: the scenario step it performs is resolved. */
export interface LessonStep {
  /** Position in `Lesson.steps` (0-based). */
  readonly index: number;
  readonly title: string;
  readonly prose: string;
  readonly quote?: LessonQuote;
  /** The scenario step (with `expect`) this narrative step performs, as loaded. */
  readonly action?: ScenarioStep;
  /** Its index in `Lesson.scenario.steps`. */
  readonly actionIndex?: number;
  readonly view?: Range;
  readonly tryThis: readonly string[];
  readonly hint?: string;
}

export interface Lesson {
  /** Stable id for share links (`#lesson=<id>`) and the CLI. */
  readonly id: string;
  readonly title: string;
  /** One paragraph: what the lesson's platform is and what the steps show. */
  readonly summary: string;
  readonly seed: LessonSeed;
  /** The reference solution: a loaded `iova-explorer.scenario/1` scenario. */
  readonly scenario: Scenario;
  /** The same scenario as file text (`save(scenario)`), for opening it as a workspace. */
  readonly scenarioText: string;
  readonly steps: readonly LessonStep[];
}
