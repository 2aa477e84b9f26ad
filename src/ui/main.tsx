import './zod-csp.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { save } from '../core/scenario/index.ts';
import { createAppStore } from '../store/app-store.ts';
import { boot, followHash, startAutosave } from '../store/session.ts';
import { App } from './app/App.tsx';
import { StoreContext } from './app/store-context.tsx';
import { initialTheme, rememberTheme } from './theme/theme-preference.ts';
import './styles.css';

const store = createAppStore({ theme: initialTheme() });
rememberTheme(store);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);

const idb = typeof indexedDB !== 'undefined' ? indexedDB : undefined;
void boot(store, location.hash, idb).then(() => {
  if (idb) startAutosave(store, idb, (s) => save(s.scenario));
  // Links pasted into the address bar of the running app; the Share button uses replaceState, which fires no event.
  window.addEventListener('hashchange', () => void followHash(store, location.hash));
});
