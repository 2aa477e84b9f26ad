import { useContext } from 'react';
import { useStore } from 'zustand';
import type { Persistence } from '../../store/persistence.ts';
import { exportWorkspace } from './export-workspace.ts';
import { PersistenceContext } from './persistence-context.tsx';
import { useStoreApi } from './store-context.tsx';

/**
 * Says, for as long as it holds, that this tab is not saving its work, and why: another tab
 * has the workspace (choose to take over, open a copy, or keep read-only) or the browser's
 * storage cannot be used (export the work to keep it). While saving it shows nothing.
 */
export function PersistenceBanner() {
  const persistence = useContext(PersistenceContext);
  return persistence ? <Banner persistence={persistence} /> : null;
}

function Banner({ persistence }: { persistence: Persistence }) {
  const store = useStoreApi();
  const mode = useStore(persistence, (s) => s.mode);
  const reason = useStore(persistence, (s) => s.reason);
  const revision = useStore(persistence, (s) => s.revision);
  const copied = useStore(persistence, (s) => s.copied);
  const actions = persistence.getState();
  // For tests and the curious: what was saved last (a data attribute, not shown).
  const status = (
    <span
      hidden
      data-testid="autosave-status"
      data-mode={mode}
      data-revision={revision}
      data-copy={copied ? 'yes' : 'no'}
    />
  );
  if (mode === 'saving' || mode === 'starting') return status;
  const choose = mode === 'other-tab' || mode === 'read-only';
  return (
    <div
      className={`persistence-banner ${mode}`}
      role="alert"
      aria-label="autosave"
      data-testid="persistence-banner"
    >
      {status}
      <span className="persistence-reason">
        {capitalised(reason ?? '')}
        {mode === 'unavailable' ? '. Export your work to keep it.' : '.'}
      </span>
      {choose && (
        <button type="button" onClick={() => void actions.takeOver()}>
          Take over
        </button>
      )}
      {choose && (
        <button type="button" onClick={() => void actions.openCopy()}>
          Open a copy
        </button>
      )}
      {mode === 'other-tab' && (
        <button type="button" onClick={() => actions.keepReadOnly()}>
          Keep read-only
        </button>
      )}
      <button type="button" onClick={() => exportWorkspace(store)}>
        Export your work
      </button>
    </div>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
