import type { Scenario } from '../../core/scenario/schema.ts';
import { knownLessons } from '../lesson-catalog.ts';
import { Q35_GPU_VTD } from './q35-gpu-vtd.prebuilt.ts';

/**
 * Scenarios that ship inside the bundle (no network request ever loads one). A share link names
 * them by id (`#scenario=ID`); the first one opens on first visit. Every lesson's reference
 * scenario is one of them too (all its steps replayed), under the lesson's id; `#lesson=ID`
 * opens the same scenario as a guided lesson instead.
 */
export interface BuiltinScenario {
  readonly id: string;
  readonly title: string;
  /**
   * The scenario file's text, loaded when something asks: the worlds' files stay out of the
   * JavaScript loaded before the first map (the default one opens from its prebuilt form).
   */
  readonly text: () => Promise<string>;
  /** What it shows, in a few words, for the picker (the lessons' scenarios have none). */
  readonly shows?: string;
  /**
   * What the loader reads from `text`, prebuilt (test/ui/prebuilt-scenario.test.ts keeps the two
   * equal): the scenario opens from it without the schema, which the first view does without.
   */
  readonly scenario?: Scenario;
  /** Set for a lesson's scenario: the lesson with this id can be opened from it. */
  readonly lessonId?: string;
}

/** The scenario the first visit opens: prebuilt, so the first view does without the schema. */
export const DEFAULT_SCENARIO: BuiltinScenario & { readonly scenario: Scenario } = {
  id: 'q35-gpu-vtd',
  title: 'q35 guest, 8 GiB, GPU on VT-d',
  shows: 'a type1 container; a GPU sharing its group; RMRRs and the MSI window',
  text: () => import('./q35-gpu-vtd.scenario.json?raw').then((m) => m.default),
  scenario: Q35_GPU_VTD,
};

/** One host per IOMMU and uAPI people pass devices through with; each opens with its steps run. */
const SCENARIOS: readonly BuiltinScenario[] = [
  DEFAULT_SCENARIO,
  {
    id: 'iommufd-first-vtd',
    title: 'q35 guest, 8 GiB, on iommufd (VT-d)',
    shows: 'a device cdev bound to /dev/iommu, an IOAS and its HWPT; no container',
    text: () => import('./iommufd-first-vtd.scenario.json?raw').then((m) => m.default),
  },
  {
    id: 'amd-epyc-nic',
    title: 'q35 guest, 16 GiB, NIC on AMD-Vi',
    shows: 'the HyperTransport window just under 1 TiB, reserved in every group',
    text: () => import('./amd-epyc-nic.scenario.json?raw').then((m) => m.default),
  },
  {
    id: 'arm-smmuv3-nvme',
    title: 'virt guest, 4 GiB, NVMe on Arm SMMUv3',
    shows: 'the software MSI window at 0x8000000 and RAM from 1 GiB',
    text: () => import('./arm-smmuv3-nvme.scenario.json?raw').then((m) => m.default),
  },
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
        ...lessons.map((l) => ({
          id: l.id,
          title: l.title,
          text: () => Promise.resolve(l.scenarioText),
          lessonId: l.id,
        })),
      ],
    };
  return withLessons.all;
}

export const DEFAULT_SCENARIO_ID = DEFAULT_SCENARIO.id;

export function builtinScenario(id: string): BuiltinScenario | undefined {
  return builtinScenarios().find((s) => s.id === id);
}
