import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { ImportProgress as Progress } from '../../store/host-import-run.ts';

const count = (n: number) => n.toLocaleString('en');

/**
 * An import applying its steps: lines read, steps applied, and Cancel, which stops it and leaves
 * the workspace as it was. Reads its own small store, so a slice of steps re-renders this alone,
 * not the dialog around it.
 */
export function ImportProgress({
  progress,
  onCancel,
}: {
  progress: StoreApi<Progress>;
  onCancel: () => void;
}) {
  const p = useStore(progress);
  const percent = Math.round(p.fraction * 100);
  return (
    <div className="import-progress" data-testid="import-progress" aria-live="polite">
      <label className="import-meter">
        <span>
          Lines read: <strong data-testid="lines-read">{count(p.lines)}</strong> ({percent}%)
        </span>
        <progress max={1} value={p.fraction} aria-label="lines read" />
      </label>
      <label className="import-meter">
        <span>
          Steps applied: <strong data-testid="steps-applied">{count(p.applied)}</strong>
          {p.steps ? ` of ${count(p.steps)}` : ''}
        </span>
        <progress max={Math.max(1, p.steps)} value={p.applied} aria-label="steps applied" />
      </label>
      <span className="muted small import-phase" data-testid="import-phase">
        {p.phase === 'reading'
          ? 'reading the trace with its container setup…'
          : p.phase === 'applying'
            ? 'applying the steps to a new workspace…'
            : 'working out the findings…'}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel import
      </button>
    </div>
  );
}
