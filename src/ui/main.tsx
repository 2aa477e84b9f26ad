import './zod-csp.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from '../store/app-store.ts';
import { createPersistence } from '../store/persistence.ts';
import { scenarioText } from '../store/scenario-text.ts';
import { DEFAULT_SCENARIO_ID } from '../store/scenarios/builtin.ts';
import { boot, type Booted, followHash, openBuiltin } from '../store/session.ts';
import { App } from './app/App.tsx';
import { PersistenceContext } from './app/persistence-context.tsx';
import { StoreContext } from './app/store-context.tsx';
import { newCopyId, rememberTabWorkspace, tabWorkspaceKey } from './app/tab-workspace.ts';
import { initialTheme, rememberTheme } from './theme/theme-preference.ts';
import './styles.css';

const store = createAppStore({ theme: initialTheme() });
rememberTheme(store);

const idb = typeof indexedDB !== 'undefined' ? indexedDB : undefined;
const key = tabWorkspaceKey();
const persistence = createPersistence(
  store,
  {
    idb,
    locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined,
    rememberKey: rememberTabWorkspace,
    scenarioText: (s) => scenarioText(s.scenario),
    newId: newCopyId,
  },
  key,
);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <PersistenceContext.Provider value={persistence}>
        <App />
      </PersistenceContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);

// Boot reports what it cannot open as notices; should it throw all the same, the app still opens
// and the autosave still starts (from revision 0, so it cannot overwrite a record it never read).
void boot(store, location.hash, idb, key)
  .catch((e: unknown): Booted => {
    store
      .getState()
      .notify({ kind: 'error', text: `the app could not start cleanly: ${String(e)}` });
    return { revision: 0, setAside: [], unavailable: undefined };
  })
  .then((booted) => {
    if (!store.getState().history) openBuiltin(store, DEFAULT_SCENARIO_ID);
    return persistence.getState().start(booted);
  });
// Links pasted into the address bar of the running app; the Share button uses replaceState, which fires no event.
window.addEventListener('hashchange', () => void followHash(store, location.hash));
