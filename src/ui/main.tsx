import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore } from '../store/app-store.ts';
import { linkWorkspaceKey } from '../store/autosave.ts';
import { createPersistence } from '../store/persistence.ts';
import { scenarioText } from '../store/scenario-text.ts';
import { boot, type Booted, followHash, openDefault, showSavedView } from '../store/session.ts';
import { keepView, takeKeptView } from './app/kept-view.ts';
import { yieldToPage } from '../store/yield-to-page.ts';
import { App } from './app/App.tsx';
import { importReader } from './import/import-reader-instance.ts';
import { PersistenceContext } from './app/persistence-context.tsx';
import { StoreContext } from './app/store-context.tsx';
import {
  dropLinkFromAddress,
  newCopyId,
  openMainWorkspace,
  rememberTabWorkspace,
  tabWorkspaceKey,
} from './app/tab-workspace.ts';
import { initialTheme, rememberTheme } from './theme/theme-preference.ts';
import { trackLessonProgress } from './app/lesson-progress.ts';
import './styles.css';

const store = createAppStore({ theme: initialTheme() });
rememberTheme(store);
trackLessonProgress(store);

const idb = typeof indexedDB !== 'undefined' ? indexedDB : undefined;
// A big saved workspace (a long trace import) is read by the import worker and replayed in slices.
const offPage = { reader: importReader(), yieldToPage };
const key = tabWorkspaceKey();
const persistence = createPersistence(
  store,
  {
    idb,
    locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined,
    channel:
      typeof BroadcastChannel !== 'undefined' ? (name) => new BroadcastChannel(name) : undefined,
    rememberKey: rememberTabWorkspace,
    openMain: openMainWorkspace,
    scenarioText: (s) => scenarioText(s.scenario),
    newId: newCopyId,
    keepView,
    offPage,
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
void boot(store, location.hash, idb, key, linkWorkspaceKey(newCopyId()), offPage)
  .catch((e: unknown): Booted => {
    store
      .getState()
      .notify({ kind: 'error', text: `the app could not start cleanly: ${String(e)}` });
    return { revision: 0, setAside: [], unavailable: undefined, key, known: {} };
  })
  .then(async (booted) => {
    if (!store.getState().history) openDefault(store);
    if (booted.key !== key) dropLinkFromAddress();
    const kept = takeKeptView(booted.key, booted.revision);
    if (kept !== undefined && booted.revision > 0) showSavedView(store, kept);
    await persistence.getState().start(booted);
    // Links pasted into the address bar of the running app open beside its workspace too; the
    // Share button uses replaceState, which fires no event.
    window.addEventListener(
      'hashchange',
      () =>
        void followHash(store, location.hash, () => {
          void persistence.getState().openLinkWorkspace();
          dropLinkFromAddress();
        }),
    );
  });
// The other tabs on this workspace stop counting this one.
window.addEventListener('pagehide', () => persistence.getState().leave());
