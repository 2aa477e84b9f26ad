import { formatLoadError, loadValue, replay, save } from '../scenario/index.ts';
import type { ReplayReport } from '../scenario/index.ts';
import { lesson000 } from './narratives/000-iova-list-host-bridge-windows.ts';
import { lesson001 } from './narratives/001-iommufd-bind-attach-msi.ts';
import { lesson002 } from './narratives/002-type1-multi-domain.ts';
import { lesson003 } from './narratives/003-acs-peer-to-peer.ts';
import { lesson004 } from './narratives/004-top-of-64bit-space.ts';
import scenario000 from './scenarios/000-iova-list-host-bridge-windows.scenario.json';
import scenario001 from './scenarios/001-iommufd-bind-attach-msi.scenario.json';
import scenario002 from './scenarios/002-type1-multi-domain.scenario.json';
import scenario003 from './scenarios/003-acs-peer-to-peer.scenario.json';
import scenario004 from './scenarios/004-top-of-64bit-space.scenario.json';
import { lesson005 } from './narratives/005-amd-ht-hole-1tib.ts';
import scenario005 from './scenarios/005-amd-ht-hole-1tib.scenario.json';
import { lesson006 } from './narratives/006-dma-entry-limit.ts';
import scenario006 from './scenarios/006-dma-entry-limit.scenario.json';
import { lesson007 } from './narratives/007-iommu-width-39-bit.ts';
import scenario007 from './scenarios/007-iommu-width-39-bit.scenario.json';
import { lesson008 } from './narratives/008-rmrr-ineligible.ts';
import scenario008 from './scenarios/008-rmrr-ineligible.scenario.json';
import { lesson009 } from './narratives/009-isa-bridge-direct-region.ts';
import scenario009 from './scenarios/009-isa-bridge-direct-region.scenario.json';
import { lesson010 } from './narratives/010-arm64-msi-doorbell.ts';
import scenario010 from './scenarios/010-arm64-msi-doorbell.scenario.json';
import { lesson011 } from './narratives/011-page-tables-2mib-alignment.ts';
import scenario011 from './scenarios/011-page-tables-2mib-alignment.scenario.json';
import type { Lesson, LessonSpec, LessonStep } from './types.ts';

export type * from './types.ts';
export { lessonHint } from './hint.ts';

/**
 * The built-in lessons, one per seed thread (DESIGN.md §6), in seed order. Each is a scenario
 * file in `scenarios/` (pure `iova-explorer.scenario/1`, so `iova-explorer replay` runs it) and a
 * narrative module in `narratives/`. Pure core: no I/O, usable by the CLI and the browser alike.
 */

/** The seed threads (`shared/seeds/*.txt`), each of which has exactly one lesson. */
export const LESSON_SEED_FILES: readonly string[] = [
  '000_ebd213ba5d897ad5.txt',
  '001_4354e45049d87bee.txt',
  '002_7bc90686c7907540.txt',
  '003_9248a2ab6fe3479c.txt',
  '004_445483b4d9f0dadf.txt',
];

const SEED_SOURCES: ReadonlyArray<readonly [LessonSpec, unknown]> = [
  [lesson000, scenario000],
  [lesson001, scenario001],
  [lesson002, scenario002],
  [lesson003, scenario003],
  [lesson004, scenario004],
];

/** Lessons from real incidents, each on the platform as the real host had it. */
const INCIDENT_SOURCES: ReadonlyArray<readonly [LessonSpec, unknown]> = [
  [lesson005, scenario005],
  [lesson006, scenario006],
  [lesson007, scenario007],
  [lesson008, scenario008],
  [lesson009, scenario009],
  [lesson010, scenario010],
  [lesson011, scenario011],
];

/** Joins a narrative with its scenario; throws (a bug in a built-in lesson) when they disagree. */
export function buildLesson(spec: LessonSpec, scenarioJson: unknown): Lesson {
  const loaded = loadValue(scenarioJson);
  if (!loaded.ok)
    throw new Error(
      `lesson ${spec.id}: scenario does not load: ${loaded.errors.map(formatLoadError).join('; ')}`,
    );
  if (loaded.kind !== 'scenario')
    throw new Error(`lesson ${spec.id}: expected one scenario, found a conformance file`);
  const scenario = loaded.scenario;
  if (scenario.id !== spec.id)
    throw new Error(`lesson ${spec.id}: scenario id is ${String(scenario.id)}`);
  const steps: LessonStep[] = spec.steps.map((s, index) => {
    const action = s.action === undefined ? undefined : scenario.steps[s.action];
    if (s.action !== undefined && action === undefined)
      throw new Error(
        `lesson ${spec.id}: step ${index} refers to scenario step ${s.action}, which does not exist`,
      );
    return Object.freeze({
      index,
      title: s.title,
      prose: s.prose,
      ...(s.quote ? { quote: s.quote } : {}),
      ...(action ? { action, actionIndex: s.action } : {}),
      ...(s.view ? { view: s.view } : {}),
      tryThis: s.tryThis ?? [],
      ...(s.hint !== undefined ? { hint: s.hint } : {}),
    });
  });
  return Object.freeze({
    id: spec.id,
    title: scenario.title ?? spec.id,
    summary: scenario.description ?? '',
    seed: spec.seed,
    scenario,
    scenarioText: save(scenario),
    steps: Object.freeze(steps),
  });
}

/** One lesson per seed thread, in seed order. */
export const SEED_LESSONS: readonly Lesson[] = Object.freeze(
  SEED_SOURCES.map(([spec, json]) => buildLesson(spec, json)),
);

/** Every lesson: the seed threads', then the incidents'. */
export const LESSONS: readonly Lesson[] = Object.freeze([
  ...SEED_LESSONS,
  ...INCIDENT_SOURCES.map(([spec, json]) => buildLesson(spec, json)),
]);

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** What the lesson retells, as the list labels it: a thread, an incident or a change. */
export function lessonStory(lesson: Lesson): 'thread' | 'incident' | 'change' {
  return lesson.seed.file !== undefined ? 'thread' : (lesson.seed.story ?? 'incident');
}

/** The lesson retelling a seed thread, by the seed's file name. */
export function lessonForSeed(file: string): Lesson | undefined {
  return LESSONS.find((l) => l.seed.file === file);
}

export interface LessonVerification {
  readonly id: string;
  readonly mismatches: number;
  readonly report: ReplayReport;
}

/** Replays the lesson's reference solution; every action's `expect` must hold. */
export function verifyLesson(lesson: Lesson): LessonVerification {
  const report = replay(lesson.scenario);
  return { id: lesson.id, mismatches: report.mismatches, report };
}

/**
 * The engine after narrative step `stepIndex` (and every action before it): what the map should
 * show while the learner reads that step. `stepIndex` -1 gives the platform before any action.
 */
export function replayLessonThrough(lesson: Lesson, stepIndex: number): ReplayReport {
  let count = 0;
  for (const s of lesson.steps) {
    if (s.index > stepIndex) break;
    if (s.actionIndex !== undefined) count = s.actionIndex + 1;
  }
  return replay({ ...lesson.scenario, steps: lesson.scenario.steps.slice(0, count) });
}
