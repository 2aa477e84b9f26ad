import { useContext } from 'react';
import { useStore } from 'zustand';
import type { Persistence } from '../../store/persistence.ts';
import { exportWorkspace } from './export-workspace.ts';
import { PersistenceContext } from './persistence-context.tsx';
import { useStoreApi } from './store-context.tsx';

/**
 * Says, for as long as it holds, that this tab is not saving its work, and why: another tab
 * has the workspace, so this tab is read-only (choose to take over, open a copy, or keep it
 * read-only), or the browser's storage cannot be used (export the work to keep it). While this
 * tab saves, it says only what the user would otherwise not know: that the workspace is also open
 * in another tab, or that this tab works on a share link's own workspace beside the main one.
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
  const key = useStore(persistence, (s) => s.key);
  const copied = useStore(persistence, (s) => s.copied);
  const linked = useStore(persistence, (s) => s.linked);
  const othersOpen = useStore(persistence, (s) => s.othersOpen);
  const othersNoticed = useStore(persistence, (s) => s.othersNoticed);
  const withheld = useStore(persistence, (s) => s.withheld);
  const actions = persistence.getState();
  // For tests and the curious: what was saved last (a data attribute, not shown).
  const status = (
    <span
      hidden
      data-testid="autosave-status"
      data-mode={mode}
      data-revision={revision}
      data-key={key}
      data-copy={copied ? 'yes' : 'no'}
      data-link={linked ? 'yes' : 'no'}
      data-others={othersOpen}
      data-withheld={withheld}
    />
  );
  if (mode === 'saving' || mode === 'starting')
    return (
      <>
        {status}
        {mode === 'saving' && linked && (
          <div className="workspace-note" role="status" data-testid="link-workspace">
            <span className="persistence-reason">
              This tab opened a shared link as a workspace of its own: your autosaved workspace is
              kept as it was.
            </span>
            <button type="button" onClick={() => actions.openMainWorkspace()}>
              Back to your workspace
            </button>
          </div>
        )}
        {mode === 'saving' && othersOpen > 0 && !othersNoticed && (
          <div className="workspace-note" role="status" data-testid="also-open">
            <span className="persistence-reason">
              This workspace is also open in{' '}
              {othersOpen === 1 ? 'another tab' : `${othersOpen} other tabs`}; this tab saves it.
            </span>
            <button type="button" onClick={() => actions.dismissOthers()}>
              OK
            </button>
          </div>
        )}
      </>
    );
  const readOnly = mode === 'other-tab' || mode === 'read-only';
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
        {readOnly && ' Take over to edit it here.'}
      </span>
      {readOnly && (
        <button type="button" onClick={() => void actions.takeOver()}>
          Take over
        </button>
      )}
      {readOnly && (
        <button type="button" onClick={() => void actions.openCopy()}>
          Open a copy
        </button>
      )}
      {mode === 'other-tab' && (
        <button type="button" onClick={() => actions.keepReadOnly()}>
          Keep read-only
        </button>
      )}
      <button type="button" onClick={() => void exportWorkspace(store)}>
        Export your work
      </button>
    </div>
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
