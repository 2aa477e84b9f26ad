import type { Scenario } from '../core/scenario/schema.ts';
import type { WorkspaceText } from './autosave-parts.ts';
import { scenarioFiles } from './load-scenario-files.ts';

/**
 * A scenario's file text, for the autosave: `save` of a big import's scenario (a few hundred
 * thousand steps) holds the page for a second, so the worker that built the import also writes
 * its text (as a Blob, which the autosave stores as it is), and the page keeps it here by the
 * scenario object it belongs to.
 */
const texts = new WeakMap<Scenario, WorkspaceText>();

export async function scenarioText(scenario: Scenario): Promise<WorkspaceText> {
  return texts.get(scenario) ?? (await scenarioFiles()).scenarioFileText(scenario);
}

/** Keeps `text` (`save` of an equal scenario, made elsewhere) as this scenario's text. */
export function rememberScenarioText(scenario: Scenario, text: WorkspaceText): void {
  texts.set(scenario, text);
}
