import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createAppStore, type AppStore } from '../../src/store/app-store.ts';
import { openDefault } from '../../src/store/session.ts';
import { StoreContext } from '../../src/ui/app/store-context.tsx';

/** A 2 MiB map into the default scenario's container 1, above its existing mappings: it succeeds. */
export const MAP = {
  op: 'vfio.map_dma',
  container: 1,
  iova: 0x300000000n,
  size: 0x200000n,
  flags: ['READ', 'WRITE'],
} as const;

/** A store holding the default q35 + GPU scenario, replayed through the engine. */
export function defaultStore(): AppStore {
  const store = createAppStore();
  if (!openDefault(store)) throw new Error(String(store.getState().notice?.text));
  return store;
}

export function renderWith(store: AppStore, ui: ReactNode) {
  return render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
}
