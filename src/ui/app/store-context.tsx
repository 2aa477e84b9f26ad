import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppActions, AppState, AppStore } from '../../store/app-store.ts';

/** One store per provider (xyflow's habit), so tests mount isolated apps. */
export const StoreContext = createContext<AppStore | undefined>(undefined);

export function useStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStoreApi outside <StoreContext.Provider>');
  return store;
}

/** Reads the store through a narrow selector; components re-render only when it changes. */
export function useApp<T>(selector: (s: AppState & AppActions) => T): T {
  return useStore(useStoreApi(), selector);
}
