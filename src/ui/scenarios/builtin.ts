import q35GpuVtd from './q35-gpu-vtd.scenario.json?raw';

/**
 * Scenarios that ship inside the bundle (no network request ever loads one). A share link names
 * them by id; the first one opens on first visit.
 */
export interface BuiltinScenario {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export const BUILTIN_SCENARIOS: readonly BuiltinScenario[] = [
  { id: 'q35-gpu-vtd', title: 'q35 guest, 8 GiB, GPU on VT-d', text: q35GpuVtd },
];

export const DEFAULT_SCENARIO_ID = 'q35-gpu-vtd';

export function builtinScenario(id: string): BuiltinScenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.id === id);
}
