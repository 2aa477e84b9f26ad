import type { AppStore } from '../../store/app-store.ts';
import { scenarioFiles } from '../../store/load-scenario-files.ts';
import { downloadText } from './download.ts';

/** Downloads the whole workspace (its scenario and the user's actions) as one scenario file. */
export async function exportWorkspace(store: AppStore): Promise<void> {
  const { workspaceText } = await scenarioFiles();
  const present = store.getState().history?.present;
  if (!present) return;
  const name = `${(present.scenario.id ?? 'workspace').replace(/[^A-Za-z0-9_.-]/g, '_')}.scenario.json`;
  downloadText(name, workspaceText(present));
}
