import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createAppStore, type AppStore } from '../../src/store/app-store.ts';
import { openBuiltin } from '../../src/store/session.ts';
import { StoreContext } from '../../src/ui/app/store-context.tsx';
import { DEFAULT_SCENARIO_ID } from '../../src/store/scenarios/builtin.ts';

/** A store holding the default q35 + GPU scenario, replayed through the engine. */
export function defaultStore(): AppStore {
  const store = createAppStore();
  if (!openBuiltin(store, DEFAULT_SCENARIO_ID))
    throw new Error(String(store.getState().notice?.text));
  return store;
}

export function renderWith(store: AppStore, ui: ReactNode) {
  return render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
}
