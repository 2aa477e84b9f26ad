import type { Action } from '../../core/actions.ts';
import { show } from '../../core/scenario/index.ts';
import type { LogEntry } from '../../store/log.ts';
import { selectCanRedo, selectCanUndo } from '../../store/app-store.ts';
import { useApp } from '../app/store-context.tsx';

/** The action's fields as one line: `container=1 iova=0xfee00000 size=0x1000 flags=READ,WRITE`. */
export function actionFields(a: Action): string {
  return Object.entries(a)
    .filter(([k]) => k !== 'op')
    .map(([k, v]) => `${k}=${typeof v === 'bigint' ? '0x' + v.toString(16) : Array.isArray(v) ? (v.every((x) => typeof x === 'string') ? v.join(',') : show(v)) : String(v)}`)
    .join(' ');
}

function Entry({ e }: { e: LogEntry }) {
  const cls = `log-entry${e.undone ? ' undone' : ''}`;
  switch (e.kind) {
    case 'scenario':
      return (
        <li className={cls}>
          <span className="badge info">scenario</span> {e.title}
          {e.detail.map((d) => (
            <div key={d} className="muted small">
              {d}
            </div>
          ))}
        </li>
      );
    case 'engine-error':
      return (
        <li className={cls}>
          <span className="badge warn">not modelled</span> <code>{e.action.op}</code> {actionFields(e.action)} — {e.message}
        </li>
      );
    case 'action':
      return (
        <li className={cls} data-ok={e.outcome.ok}>
          {e.outcome.ok ? <span className="badge ok">ok</span> : <span className="badge fail">{e.outcome.errno}</span>} <code>{e.action.op}</code>{' '}
          <span className="muted small">{actionFields(e.action)}</span>
          <div>{e.outcome.message}</div>
          {!e.outcome.ok && <div className="rule small">rule: {e.outcome.rule}{e.outcome.partial ? ' · partial: the kernel changed state before failing' : ''}</div>}
          {e.outcome.warnings.map((w) => (
            <div key={w} className="warn small">
              warning: {w}
            </div>
          ))}
          {e.outcome.ok && e.outcome.result && <div className="muted small">result {show(e.outcome.result)}</div>}
          {e.undone && <div className="muted small">undone</div>}
        </li>
      );
  }
}

/** Every action with its outcome, newest last; undo and redo. */
export function LogPanel() {
  const log = useApp((s) => s.log);
  const canUndo = useApp(selectCanUndo);
  const canRedo = useApp(selectCanRedo);
  const undo = useApp((s) => s.undo);
  const redo = useApp((s) => s.redo);
  return (
    <section className="panel log" aria-label="log">
      <div className="log-head">
        <h2>Log</h2>
        <button type="button" onClick={undo} disabled={!canUndo} aria-label="undo" title="undo (u, Ctrl+Z)">
          ↶ Undo
        </button>
        <button type="button" onClick={redo} disabled={!canRedo} aria-label="redo" title="redo (Shift+U, Ctrl+Shift+Z)">
          ↷ Redo
        </button>
      </div>
      <ol className="log-list" data-testid="log">
        {[...log].reverse().map((e) => (
          <Entry key={e.seq} e={e} />
        ))}
      </ol>
    </section>
  );
}
