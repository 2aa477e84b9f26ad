/**
 * The scenario parser and writer (zod and the schema), fetched the first time something needs
 * them: the JavaScript loaded before the first map leaves them out (first-load-graph.test.ts
 * fails on a static import of them from the entry's graph).
 */
export function scenarioFiles(): Promise<typeof import('./scenario-files.ts')> {
  return import('./scenario-files.ts');
}

/** The reader of autosaved actions, which checks each through the schema. */
export function savedStepsReader(): Promise<typeof import('./saved-steps.ts')> {
  return import('./saved-steps.ts');
}

export type ScenarioFiles = Awaited<ReturnType<typeof scenarioFiles>>;
export type SavedStepsReader = Awaited<ReturnType<typeof savedStepsReader>>['readSavedSteps'];
