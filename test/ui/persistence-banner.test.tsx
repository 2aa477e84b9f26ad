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
    openLinkWorkspace: vi.fn(async () => undefined),
    openMainWorkspace: vi.fn(),
    dismissOthers: vi.fn(),
    leave: vi.fn(),
  };
  const persistence: Persistence = createStore<PersistenceState & PersistenceActions>()(() => ({
    mode: 'saving',
    reason: undefined,
    key: 'current',
    revision: 4,
    copied: false,
    linked: false,
    othersOpen: 0,
    othersNoticed: false,
    withheld: 0,
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

  it('read-only keeps the way back and says how to edit; storage that cannot be used offers the export only', () => {
    renderBanner(
      persistenceIn({ mode: 'read-only', reason: 'this tab does not save' }).persistence,
    );
    expect(screen.getByRole('alert').textContent).toMatch(
      /^This tab does not save\. Take over to edit it here\./,
    );
    expect(buttons()).toEqual(['Take over', 'Open a copy', 'Export your work']);
    cleanup();
    renderBanner(persistenceIn({ mode: 'unavailable', reason: 'autosave is off: x' }).persistence);
    expect(screen.getByRole('alert').textContent).toMatch(
      /Autosave is off: x\. Export your work to keep it\./,
    );
    expect(buttons()).toEqual(['Export your work']);
  });

  it('while saving: a lasting note that others are open on the workspace, until seen', () => {
    const { persistence, chosen } = persistenceIn({ othersOpen: 1 });
    renderBanner(persistence);
    expect(screen.queryByTestId('persistence-banner')).toBeNull();
    expect(screen.getByTestId('also-open').textContent).toMatch(
      /^This workspace is also open in another tab; this tab saves it\./,
    );
    fireEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(chosen.dismissOthers).toHaveBeenCalledOnce();
    cleanup();
    renderBanner(persistenceIn({ othersOpen: 2, othersNoticed: true }).persistence);
    expect(screen.queryByTestId('also-open')).toBeNull();
    cleanup();
    renderBanner(persistenceIn({ othersOpen: 2 }).persistence);
    expect(screen.getByTestId('also-open').textContent).toMatch(/open in 2 other tabs/);
  });

  it('a share link’s own workspace says the main one is kept, and leads back to it', () => {
    const { persistence, chosen } = persistenceIn({ linked: true, copied: true, key: 'link:x' });
    renderBanner(persistence);
    expect(screen.getByTestId('link-workspace').textContent).toMatch(
      /your autosaved workspace is kept as it was/,
    );
    expect(screen.getByTestId('autosave-status').dataset).toMatchObject({
      link: 'yes',
      key: 'link:x',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Back to your workspace' }));
    expect(chosen.openMainWorkspace).toHaveBeenCalledOnce();
  });
});
