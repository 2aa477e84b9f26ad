import { useId, useState } from 'react';
import type { Finding, Severity } from '../../core/analysis/index.ts';
import { formatRange } from '../../core/u64.ts';
import {
  explainLines,
  type Explained,
  findingsOf,
  focusFinding,
  focusRanges,
} from '../../store/findings.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const HEADINGS: Record<Severity, string> = {
  error: 'Errors',
  warning: 'Warnings',
  info: 'Information',
};
const BADGE: Record<Severity, string> = { error: 'fail', warning: 'warn', info: 'info' };

/** One finding: its sentence, objects and addresses; a click fits the map on it and selects its device or group. */
function FindingItem({ f, onPick }: { f: Finding; onPick: (f: Finding) => void }) {
  return (
    <li className={`finding ${f.severity}`}>
      <button
        type="button"
        className="finding-button"
        onClick={() => onPick(f)}
        aria-label={`${f.severity} ${f.kind}: ${f.objects.join(', ')}`}
      >
        <span className="finding-head">
          <span className={`badge ${BADGE[f.severity]}`}>{f.severity}</span>
          <span className="finding-kind">{f.kind}</span>
          {f.errno && (
            <span className="rule">
              {f.errno}
              {f.rule ? ` · ${f.rule}` : ''}
            </span>
          )}
        </span>
        <span className="finding-message">{f.message}</span>
        {f.objects.length > 0 && (
          <span className="finding-objects">
            {f.objects.map((o) => (
              <span key={o} className="chip">
                {o}
              </span>
            ))}
          </span>
        )}
        {f.addresses.length > 0 && (
          <span className="finding-addresses" data-testid="finding-addresses">
            {f.addresses.map((a) => formatRange(a)).join(', ')}
          </span>
        )}
      </button>
    </li>
  );
}

function ExplainBox() {
  const store = useStoreApi();
  const present = useApp((s) => s.history?.present);
  const [text, setText] = useState('');
  const [result, setResult] = useState<Explained | undefined>(undefined);
  const id = useId();
  if (!present) return null;
  const explain = (e: React.FormEvent) => {
    e.preventDefault();
    const r = explainLines(present, text);
    setResult(r);
    if (r.ok) {
      store.getState().setExplained(r.events);
      focusRanges(
        store,
        r.events.map((ev) => ev.range),
        r.events.map((ev) => `line ${ev.line}`).join(', '),
      );
    }
  };
  const clear = () => {
    setText('');
    setResult(undefined);
    store.getState().clearExplained();
  };
  return (
    <form className="explain" onSubmit={explain} aria-label="explain a line">
      <label htmlFor={id}>Explain a line</label>
      <textarea
        id={id}
        rows={3}
        value={text}
        spellCheck={false}
        placeholder="vfio_dma_map(0x55…, 0x100000000, 0xff80000000, 0x7f3a00000000) = -22 (Invalid argument), an AMD-Vi IO_PAGE_FAULT or a DMAR fault line"
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row">
        <button type="submit" disabled={text.trim() === ''}>
          Explain
        </button>
        <button type="button" onClick={clear} disabled={text === '' && !result}>
          Clear
        </button>
      </div>
      {result && !result.ok && (
        <p className="field-error" role="alert">
          {result.error}
        </p>
      )}
      {result?.ok && (
        <div data-testid="explanation">
          <ul className="findings-list">
            {result.findings.map((f, i) => (
              <FindingItem key={i} f={f} onPick={(x) => focusFinding(store, x)} />
            ))}
          </ul>
          {result.unparsed.length > 0 && (
            <ul className="unparsed">
              {result.unparsed.map((u) => (
                <li key={u}>{u}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

/** The analysis findings of the workspace (as `iova-explorer check` prints them), grouped by severity. */
export function FindingsPanel() {
  const store = useStoreApi();
  const present = useApp((s) => s.history?.present);
  if (!present) return null;
  const report = findingsOf(present);
  const bySeverity = (s: Severity) => report.findings.filter((f) => f.severity === s);
  const pick = (f: Finding) => focusFinding(store, f);
  return (
    <section className="panel findings" aria-label="findings">
      <h2>Findings</h2>
      <p className="muted small" data-testid="findings-summary">
        {report.findings.length} finding(s): {bySeverity('error').length} error,{' '}
        {bySeverity('warning').length} warning, {bySeverity('info').length} info · assigned groups{' '}
        {report.assigned.join(', ') || 'none'} ({report.assignedBecause})
      </p>
      <ExplainBox />
      {present.host?.guest?.notes?.map((n) => (
        <p key={n} className="muted small">
          {n}
        </p>
      ))}
      {SEVERITIES.map((sev) => {
        const list = bySeverity(sev);
        if (list.length === 0) return null;
        return (
          <section key={sev} aria-label={HEADINGS[sev]}>
            <h3>
              {HEADINGS[sev]} <span className="muted">({list.length})</span>
            </h3>
            <ul className="findings-list">
              {list.map((f, i) => (
                <FindingItem key={`${f.kind}-${i}`} f={f} onPick={pick} />
              ))}
            </ul>
          </section>
        );
      })}
      {report.findings.length === 0 && <p className="muted">No finding for this workspace.</p>}
    </section>
  );
}
