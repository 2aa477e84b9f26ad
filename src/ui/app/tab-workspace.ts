import { MAIN_WORKSPACE_KEY } from '../../store/autosave.ts';

/**
 * The workspace this tab saves to. A tab that chose "open a copy" keeps its copy's key in
 * sessionStorage, which belongs to the tab and survives its reloads; every other tab opens the
 * main workspace. Storage the browser refuses (privacy settings) means the main workspace.
 */
const TAB_KEY = 'iova-explorer.workspace-key';

export function tabWorkspaceKey(): string {
  try {
    return sessionStorage.getItem(TAB_KEY) ?? MAIN_WORKSPACE_KEY;
  } catch {
    return MAIN_WORKSPACE_KEY;
  }
}

export function rememberTabWorkspace(key: string): void {
  try {
    sessionStorage.setItem(TAB_KEY, key);
  } catch {
    // Without sessionStorage the copy is still saved; a reload of this tab opens the main workspace.
  }
}

export function newCopyId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A share link that opened as this tab's own workspace leaves the address bar: a reload then
 * restores that workspace, changes included (its key is remembered), not the link as it came.
 */
export function dropLinkFromAddress(): void {
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}

/** Back from a share link's workspace to the main one: a fresh page load without the link. */
export function openMainWorkspace(): void {
  rememberTabWorkspace(MAIN_WORKSPACE_KEY);
  location.assign(`${location.pathname}${location.search}`);
}
