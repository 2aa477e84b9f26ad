import type { AppStore } from '../../store/app-store.ts';
import { workspaceText } from '../../store/workspace.ts';
import { downloadText } from './download.ts';

/** Downloads the whole workspace (its scenario and the user's actions) as one scenario file. */
export function exportWorkspace(store: AppStore): void {
  const present = store.getState().history?.present;
  if (!present) return;
  const name = `${(present.scenario.id ?? 'workspace').replace(/[^A-Za-z0-9_.-]/g, '_')}.scenario.json`;
  downloadText(name, workspaceText(present));
}
