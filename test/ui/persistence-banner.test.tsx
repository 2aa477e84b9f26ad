import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type {
  Persistence,
  PersistenceActions,
  PersistenceState,
} from '../../src/store/persistence.ts';
import { PersistenceBanner } from '../../src/ui/app/PersistenceBanner.tsx';
import { PersistenceContext } from '../../src/ui/app/persistence-context.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

/** A persistence in a given state, whose actions only record that they were chosen. */
function persistenceIn(state: Partial<PersistenceState>): {
  persistence: Persistence;
  chosen: PersistenceActions;
} {
  const chosen = {
    start: vi.fn(async () => undefined),
    takeOver: vi.fn(async () => undefined),
    openCopy: vi.fn(async () => undefined),
    keepReadOnly: vi.fn(),
  };
  const persistence: Persistence = createStore<PersistenceState & PersistenceActions>()(() => ({
    mode: 'saving',
    reason: undefined,
    key: 'current',
    revision: 4,
    copied: false,
    ...state,
    ...chosen,
  }));
  return { persistence, chosen };
}

function renderBanner(persistence: Persistence | undefined) {
  return renderWith(
    defaultStore(),
    <PersistenceContext.Provider value={persistence}>
      <PersistenceBanner />
    </PersistenceContext.Provider>,
  );
}

const buttons = () => screen.queryAllByRole('button').map((b) => b.textContent);

describe('the autosave banner', () => {
  it('shows nothing while the tab saves, and nothing without an autosave at all', () => {
    const { persistence } = persistenceIn({ mode: 'saving' });
    renderBanner(persistence);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('autosave-status').dataset['revision']).toBe('4');
    cleanup();
    renderBanner(undefined);
    expect(screen.queryByTestId('autosave-status')).toBeNull();
  });

  it('another tab holds the workspace: the reason and the three choices, each doing what it says', () => {
    const { persistence, chosen } = persistenceIn({
      mode: 'other-tab',
      reason: 'this workspace is open in another tab',
    });
    renderBanner(persistence);
    expect(screen.getByRole('alert').textContent).toMatch(
      /^This workspace is open in another tab\./,
    );
    expect(buttons()).toEqual(['Take over', 'Open a copy', 'Keep read-only', 'Export your work']);
    fireEvent.click(screen.getByRole('button', { name: 'Take over' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open a copy' }));
    fireEvent.click(screen.getByRole('button', { name: 'Keep read-only' }));
    expect(chosen.takeOver).toHaveBeenCalledOnce();
    expect(chosen.openCopy).toHaveBeenCalledOnce();
    expect(chosen.keepReadOnly).toHaveBeenCalledOnce();
  });

  it('read-only keeps the way back; storage that cannot be used offers the export only', () => {
    renderBanner(
      persistenceIn({ mode: 'read-only', reason: 'this tab does not save' }).persistence,
    );
    expect(buttons()).toEqual(['Take over', 'Open a copy', 'Export your work']);
    cleanup();
    renderBanner(persistenceIn({ mode: 'unavailable', reason: 'autosave is off: x' }).persistence);
    expect(screen.getByRole('alert').textContent).toMatch(
      /Autosave is off: x\. Export your work to keep it\./,
    );
    expect(buttons()).toEqual(['Export your work']);
  });
});
