import type { AppStore } from '../../store/app-store.ts';

/**
 * Loads a module the first map is drawn without (the gestures' d3 modules) and hands it to `use`,
 * unless cancelled by then (the returned function; the component unmounted). A module that does
 * not load is told in a notice: the map still shows, without what the module would add.
 */
export function loadBeside<M>(
  store: AppStore,
  what: string,
  load: () => Promise<M>,
  use: (module: M) => void,
): () => void {
  let cancelled = false;
  load().then(
    (module) => {
      if (!cancelled) use(module);
    },
    (e: unknown) => {
      if (cancelled) return;
      store.getState().notify({
        kind: 'error',
        text: `${what} could not load (${e instanceof Error ? e.message : String(e)}): reload the page to use it`,
      });
    },
  );
  return () => {
    cancelled = true;
  };
}
