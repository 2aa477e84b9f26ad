import { knownLessons } from '../lesson-catalog.ts';
import q35GpuVtd from './q35-gpu-vtd.scenario.json?raw';

/**
 * Scenarios that ship inside the bundle (no network request ever loads one). A share link names
 * them by id (`#scenario=ID`); the first one opens on first visit. Every lesson's reference
 * scenario is one of them too (all its steps replayed), under the lesson's id; `#lesson=ID`
 * opens the same scenario as a guided lesson instead.
 */
export interface BuiltinScenario {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  /** Set for a lesson's scenario: the lesson with this id can be opened from it. */
  readonly lessonId?: string;
}

const SCENARIOS: readonly BuiltinScenario[] = [
  { id: 'q35-gpu-vtd', title: 'q35 guest, 8 GiB, GPU on VT-d', text: q35GpuVtd },
];

let withLessons: { lessons: unknown; all: readonly BuiltinScenario[] } | undefined;

/**
 * The built-in scenarios: the lessons' are among them once the lessons have loaded
 * (lesson-catalog.ts `loadLessons`), which a link naming one waits for.
 */
export function builtinScenarios(): readonly BuiltinScenario[] {
  const lessons = knownLessons();
  if (withLessons?.lessons !== lessons)
    withLessons = {
      lessons,
      all: [
        ...SCENARIOS,
        ...lessons.map((l) => ({ id: l.id, title: l.title, text: l.scenarioText, lessonId: l.id })),
      ],
    };
  return withLessons.all;
}

export const DEFAULT_SCENARIO_ID = 'q35-gpu-vtd';

export function builtinScenario(id: string): BuiltinScenario | undefined {
  return builtinScenarios().find((s) => s.id === id);
}
