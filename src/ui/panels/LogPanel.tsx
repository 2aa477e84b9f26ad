import { hex } from '../../core/u64.ts';
import { useState } from 'react';
import type { Action } from '../../core/actions.ts';
import { show, type StepReport } from '../../core/scenario/replay.ts';
import type { LogEntry } from '../../store/log.ts';
import { selectCanRedo, selectCanUndo, selectReadOnly } from '../../store/app-store.ts';
import { timelineOf } from '../../store/replay-steps.ts';
import { useApp } from '../app/store-context.tsx';
import { footprintOf } from '../../view/actions/footprint.ts';
import { RangeLink, RangeText } from './RangeText.tsx';

/** The action's fields as one line: `container=1 iova=0xfee00000 size=0x1000 flags=READ,WRITE`. */
export function actionFields(a: Action): string {
  return Object.entries(a)
    .filter(([k]) => k !== 'op')
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'bigint' ? hex(v) : Array.isArray(v) ? (v.every((x) => typeof x === 'string') ? v.join(',') : show(v)) : String(v)}`,
    )
    .join(' ');
}

function reportText(r: StepReport): string {
  return `${r.ok ? 'ok' : (r.errno ?? 'failed')}${r.matches ? '' : ' (not as expected)'}`;
}

/** The position the replay is viewed at: the step count, or undefined when the present is shown. */
function useViewedStep(): number | undefined {
  return useApp((s) =>
    s.stepView && s.stepView.of === s.history?.present ? s.stepView.step : undefined,
  );
}

/** The present scenario's steps, each a button that shows the state after it (listed when opened). */
function ReplaySteps() {
  const present = useApp((s) => s.history?.present);
  const viewStep = useApp((s) => s.viewStep);
  const viewed = useViewedStep();
  const [open, setOpen] = useState(false);
  if (!present || present.scenario.steps.length === 0) return null;
  const total = present.scenario.steps.length;
  const reports = open ? (timelineOf(present.scenario)?.reports ?? []) : [];
  const at = viewed ?? (present.userSteps.length === 0 ? total : undefined);
  return (
    <details
      className="replay-steps"
      open={open}
      onToggle={(ev) => setOpen((ev.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>{total} step(s): click one to see the map after it</summary>
      {open && (
        <ol className="steps" aria-label="replay steps" start={0}>
          <li>
            <button
              type="button"
              className="step-button"
              aria-current={at === 0 ? 'step' : undefined}
              onClick={() => viewStep(0)}
            >
              before any step (the platform alone)
            </button>
          </li>
          {reports.map((r) => (
            <li key={r.index}>
              <button
                type="button"
                className="step-button"
                aria-current={at === r.index + 1 ? 'step' : undefined}
                onClick={() => viewStep(r.index + 1)}
              >
                <code>{r.op}</code> <span className={r.ok ? 'ok' : 'fail'}>{reportText(r)}</span>
                {!r.ok && r.message && <span className="muted small"> — {r.message}</span>}
              </button>
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

/** Back and forward through the present scenario's steps; the map shows the state at the viewed one. */
function ReplayBar() {
  const present = useApp((s) => s.history?.present);
  const viewStep = useApp((s) => s.viewStep);
  const viewed = useViewedStep();
  if (!present || present.scenario.steps.length === 0) return null;
  const total = present.scenario.steps.length;
  const live = viewed === undefined;
  const pos = viewed ?? total;
  const report = !live && pos > 0 ? timelineOf(present.scenario)?.reports[pos - 1] : undefined;
  const extra = present.userSteps.length;
  // Past the last step is the present (with the actions taken after the replay, if any).
  const forward = () => viewStep(pos + 1 > total ? undefined : pos + 1);
  const back = () => viewStep(live && extra > 0 ? total : pos - 1);
  return (
    <div
      className="replay-bar"
      role="group"
      aria-label="step through the replay"
      data-testid="replay-bar"
    >
      <button
        type="button"
        onClick={() => viewStep(0)}
        disabled={!live && pos === 0}
        aria-label="first step"
        title="the platform before any step"
      >
        |◀
      </button>
      <button type="button" onClick={back} disabled={!live && pos === 0} aria-label="step back">
        ◀
      </button>
      <span className="replay-pos" data-testid="replay-position" aria-live="polite">
        {live
          ? `present: all ${total} step(s)${extra ? ` + ${extra} action(s)` : ''}`
          : `after step ${pos} of ${total}`}
        {report && (
          <>
            {' · '}
            <code>{report.op}</code>{' '}
            <span className={report.ok ? 'ok' : 'fail'}>{reportText(report)}</span>
          </>
        )}
      </span>
      <button type="button" onClick={forward} disabled={live} aria-label="step forward">
        ▶
      </button>
      <button
        type="button"
        onClick={() => viewStep(undefined)}
        disabled={live}
        aria-label="back to the present"
        title="show the present workspace again"
      >
        ▶|
      </button>
      {!live && (
        <span className="muted small">viewing only: an action taken now starts from this step</span>
      )}
    </div>
  );
}

function Entry({ e, current }: { e: LogEntry; current: boolean }) {
  const cls = `log-entry${e.undone ? ' undone' : ''}`;
  // Where the action lands on the map: its ranges link there, on its container's or IOAS's lane.
  const where = e.kind === 'action' ? footprintOf(e.action, e.outcome) : undefined;
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
          {current && <ReplaySteps />}
        </li>
      );
    case 'engine-error':
      return (
        <li className={cls}>
          <span className="badge warn">not modelled</span> <code>{e.action.op}</code>{' '}
          {actionFields(e.action)} — {e.message}
        </li>
      );
    case 'action':
      return (
        <li className={cls} data-ok={e.outcome.ok}>
          {e.outcome.ok ? (
            <span className="badge ok">ok</span>
          ) : (
            <span className="badge fail">{e.outcome.errno}</span>
          )}{' '}
          <code>{e.action.op}</code> <span className="muted small">{actionFields(e.action)}</span>
          {where && (
            <>
              {' '}
              <RangeLink range={where.range} laneId={where.laneId}>
                ⌖ on the map
              </RangeLink>
            </>
          )}
          <div>
            <RangeText text={e.outcome.message ?? ''} laneId={where?.laneId} />
          </div>
          {!e.outcome.ok && (
            <div className="rule small">
              rule: {e.outcome.rule}
              {e.outcome.partial ? ' · partial: the kernel changed state before failing' : ''}
            </div>
          )}
          {e.outcome.warnings.map((w) => (
            <div key={w} className="warn small">
              warning: {w}
            </div>
          ))}
          {e.outcome.ok && e.outcome.result && (
            <div className="muted small">result {show(e.outcome.result)}</div>
          )}
          {e.note && <div className="muted small">{e.note}</div>}
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
  const readOnly = useApp(selectReadOnly);
  const undo = useApp((s) => s.undo);
  const redo = useApp((s) => s.redo);
  const scenarioSeq = useApp((s) => s.history?.present.scenarioSeq);
  return (
    <section className="panel log" aria-label="log">
      <div className="log-head">
        <h2>Log</h2>
        <button
          type="button"
          onClick={undo}
          disabled={!canUndo || readOnly !== undefined}
          aria-label="undo"
          title={readOnly ?? 'undo (u, Ctrl+Z)'}
        >
          ↶ Undo
        </button>
        <button
          type="button"
          onClick={redo}
          disabled={!canRedo || readOnly !== undefined}
          aria-label="redo"
          title={readOnly ?? 'redo (Shift+U, Ctrl+Shift+Z)'}
        >
          ↷ Redo
        </button>
      </div>
      <ReplayBar />
      <ol className="log-list" data-testid="log">
        {[...log].reverse().map((e) => (
          <Entry key={e.seq} e={e} current={e.seq === scenarioSeq} />
        ))}
      </ol>
    </section>
  );
}
