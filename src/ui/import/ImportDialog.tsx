import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatRange } from '../../core/u64.ts';
import { INPUT_KINDS, type InputKind } from '../../core/importers/index.ts';
import type { PlatformInput } from '../../core/platform/normalize.ts';
import { explainEvents } from '../../store/findings.ts';
import {
  buildHostImport,
  type GuestChoice,
  hostVendor,
  type ImportInput,
  mergeParsed,
  type ParsedInput,
  parseInput,
  platformGroups,
  resolveGuest,
  understood,
} from '../../store/host-import.ts';
import { importHost, readImportFiles } from '../../store/session.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';

const PASTED_ID = 'pasted';
/** Unparsed lines listed per input; the rest are counted. */
const UNPARSED_SHOWN = 200;

type GuestMode = 'none' | 'q35' | 'virt' | 'mtree';

function guestChoice(mode: GuestMode, ram: string, qemu: string, vendor: 'amd' | 'intel' | undefined, aw = ''): GuestChoice {
  if (mode === 'none') return { kind: 'none' };
  if (mode === 'mtree') return { kind: 'mtree' };
  const params = [`ram=${ram.trim() || '4G'}`];
  if (mode === 'q35') {
    if (qemu.trim()) params.push(`qemu=${qemu.trim()}`);
    if (vendor) params.push(`host=${vendor}`);
  }
  if (aw.trim()) params.push(`aw=${aw.trim()}`);
  return { kind: 'preset', spec: `${mode}:${params.join(',')}` };
}

function InputReport({ p, onKind, onRemove }: { p: ParsedInput; onKind: (k: InputKind | undefined) => void; onRemove?: (() => void) | undefined }) {
  const id = useId();
  const u = p.result ? understood(p.result) : undefined;
  const unparsed = p.result?.unparsed ?? [];
  return (
    <section className="import-input" aria-label={`input ${p.input.name}`} data-testid="import-input">
      <div className="import-input-head">
        <strong className="import-name">{p.input.name}</strong>
        <span className="muted small">{p.input.text.length.toLocaleString('en')} characters</span>
        <label htmlFor={id} className="small">
          kind
        </label>
        <select id={id} value={p.input.kind ?? ''} onChange={(e) => onKind(e.target.value === '' ? undefined : (e.target.value as InputKind))} aria-label={`kind of ${p.input.name}`}>
          <option value="">{p.detected ? `detected: ${p.detected}` : 'detect (not recognised)'}</option>
          {INPUT_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        {onRemove && (
          <button type="button" onClick={onRemove} aria-label={`remove ${p.input.name}`}>
            ×
          </button>
        )}
      </div>
      {p.error && (
        <p className="field-error" role="alert">
          {p.error}
        </p>
      )}
      {u && (
        <div className="understood" data-testid="understood">
          <p>
            Understood as <strong>{p.kind}</strong>: {u.groups.length} group(s), {u.devices} device(s), {u.regions} reserved region(s)
            {u.iommus ? `, ${u.iommus} IOMMU unit(s)` : ''}, {u.guestSections} guest section(s), {u.steps} step(s), {u.events} placed line(s)
            {u.iomem ? `, ${u.iomem} /proc/iomem entries` : ''}.
          </p>
          {u.sample.length > 0 && (
            <ul className="plain sample">
              {u.sample.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ul>
          )}
          {p.result!.notes.length > 0 && (
            <ul className="notes">
              {p.result!.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {p.result && (
        <div className="not-understood" data-testid="not-understood">
          {unparsed.length === 0 ? (
            <p className="ok small">Every line was understood.</p>
          ) : (
            <details open={unparsed.length <= 12}>
              <summary>
                Not understood: {unparsed.length} line(s)
              </summary>
              <ol className="unparsed">
                {unparsed.slice(0, UNPARSED_SHOWN).map((l) => (
                  <li key={l.line} value={l.line}>
                    <span className="line-no">line {l.line}</span> <code>{l.text}</code> <span className="muted">— {l.reason}</span>
                  </li>
                ))}
              </ol>
              {unparsed.length > UNPARSED_SHOWN && <p className="muted small">{unparsed.length - UNPARSED_SHOWN} more</p>}
            </details>
          )}
        </div>
      )}
    </section>
  );
}

/**
 * "Debug a real host": paste text or drop files, see what the core importers understood and what
 * not, pick a guest layout, and import it all as one undoable workspace.
 */
export function ImportDialog({ initial }: { initial: readonly ImportInput[] }) {
  const store = useStoreApi();
  const currentPlatform = useApp((s) => s.history?.present.scenario.platform) as PlatformInput | undefined;
  const [files, setFiles] = useState<readonly ImportInput[]>(initial);
  const [pasted, setPasted] = useState('');
  const [pastedKind, setPastedKind] = useState<InputKind | undefined>(undefined);
  const [refused, setRefused] = useState<readonly string[]>([]);
  const [mode, setMode] = useState<GuestMode | undefined>(undefined);
  const [ram, setRam] = useState('8G');
  const [qemu, setQemu] = useState('');
  const [aw, setAw] = useState('');
  const [traceGroup, setTraceGroup] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [dragging, setDragging] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const pasteId = useId();
  const guestId = useId();
  const ramId = useId();
  const qemuId = useId();
  const awId = useId();
  const traceId = useId();
  const titleId = useId();

  const inputs = useMemo<ImportInput[]>(
    () => [...files, ...(pasted.trim() !== '' ? [{ id: PASTED_ID, name: 'pasted text', text: pasted, kind: pastedKind }] : [])],
    [files, pasted, pastedKind],
  );
  const parsed = useMemo(() => inputs.map((i) => parseInput(i)), [inputs]);
  const merged = useMemo(() => mergeParsed(parsed), [parsed]);
  const hasMtree = parsed.some((p) => (p.result?.scenario.guest?.memory.length ?? 0) > 0);
  const guestMode: GuestMode = mode ?? (hasMtree ? 'mtree' : 'none');
  const vendor = hostVendor(merged.host);
  const choice = useMemo(() => guestChoice(guestMode, ram, qemu, vendor, aw), [guestMode, ram, qemu, vendor, aw]);
  const guest = useMemo(() => resolveGuest(choice, parsed), [choice, parsed]);
  const platform = merged.scenario.platform ?? currentPlatform;
  const { groups, vfio } = platformGroups(platform);
  const hasTrace = parsed.some((p) => p.kind === 'qemu-trace' && (p.result?.scenario.steps?.length ?? 0) > 0);
  const traceDefault = vfio[0] ?? groups[0];
  const traceChoice = traceGroup === undefined ? traceDefault : traceGroup === '' ? undefined : Number(traceGroup);
  const explanations = useMemo(
    () => (merged.events.length && platform ? explainEvents(platform, guest.ok ? guest.guest : undefined, merged.host, merged.events) : []),
    [merged, platform, guest],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') store.getState().closeImport();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const addFiles = async (list: Iterable<File>) => {
    const r = await readImportFiles(list);
    setRefused(r.refused);
    if (r.inputs.length) setFiles((f) => [...f, ...r.inputs]);
  };

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setDragging(false);
    void addFiles(Array.from(e.dataTransfer.files));
  };

  const setKind = (id: string, kind: InputKind | undefined) => {
    if (id === PASTED_ID) setPastedKind(kind);
    else setFiles((f) => f.map((i) => (i.id === id ? { ...i, kind } : i)));
  };

  const doImport = () => {
    const r = buildHostImport(inputs, { guest: choice, traceGroup: hasTrace ? traceChoice : undefined, currentPlatform });
    if (!r.ok) {
      setError(r.error);
      return;
    }
    if (importHost(store, r.plan)) store.getState().closeImport();
  };

  const anyUnderstood = parsed.some((p) => p.result);

  return (
    <div
      className="modal-backdrop"
      onDragOver={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
      onDrop={onDrop}
    >
      <div className="modal import-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <header className="modal-head">
          <h2 id={titleId}>Debug a real host</h2>
          <button type="button" onClick={() => store.getState().closeImport()} aria-label="close the import dialog">
            ×
          </button>
        </header>
        <div className="import-grid">
          <div className="import-sources">
            <p className="collector">
              <a href="./collect-host.sh" download="collect-host.sh">
                Download collect-host.sh
              </a>{' '}
              and run it on the host: <code>sh collect-host.sh &gt; host.txt</code> (no root needed for most of it), then drop <code>host.txt</code> here.
            </p>
            <div
              className={`drop-zone${dragging ? ' dragging' : ''}`}
              data-testid="drop-zone"
              onDragEnter={() => setDragging(true)}
              onDragLeave={() => setDragging(false)}
            >
              <p>Drop files here: the host bundle, reserved_regions, group listings, lspci -vvv / -tv / -nnvmm, /proc/iomem, dmesg, QEMU info mtree, a QEMU vfio trace, error or fault lines.</p>
              <button type="button" onClick={() => fileRef.current?.click()}>
                Choose files…
              </button>
              <input
                ref={fileRef}
                type="file"
                multiple
                hidden
                aria-label="choose files to import"
                onChange={(e) => {
                  const list = e.target.files ? Array.from(e.target.files) : [];
                  e.target.value = '';
                  void addFiles(list);
                }}
              />
            </div>
            {refused.map((r) => (
              <p key={r} className="field-error" role="alert">
                {r}
              </p>
            ))}
            <label htmlFor={pasteId}>Or paste text</label>
            <textarea
              id={pasteId}
              className="paste"
              rows={10}
              spellCheck={false}
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              placeholder={'0x00000000fee00000 0x00000000feefffff msi\n0x000000fd00000000 0x000000ffffffffff reserved'}
            />
            <fieldset className="guest-picker">
              <legend>Guest layout</legend>
              <label htmlFor={guestId}>machine</label>
              <select id={guestId} value={guestMode} onChange={(e) => setMode(e.target.value as GuestMode)}>
                <option value="none">none</option>
                <option value="q35">q35 (x86 QEMU)</option>
                <option value="virt">virt (arm64 QEMU)</option>
                <option value="mtree" disabled={!hasMtree}>
                  from the imported info mtree
                </option>
              </select>
              {(guestMode === 'q35' || guestMode === 'virt') && (
                <>
                  <label htmlFor={ramId}>RAM</label>
                  <input id={ramId} value={ram} onChange={(e) => setRam(e.target.value)} size={8} spellCheck={false} />
                </>
              )}
              {guestMode === 'q35' && (
                <>
                  <label htmlFor={qemuId}>QEMU machine version</label>
                  <input id={qemuId} value={qemu} onChange={(e) => setQemu(e.target.value)} size={6} placeholder="newest" spellCheck={false} />
                </>
              )}
              {(guestMode === 'q35' || guestMode === 'virt') && (
                <>
                  <label htmlFor={awId}>vIOMMU aw-bits</label>
                  <input id={awId} value={aw} onChange={(e) => setAw(e.target.value)} size={4} placeholder="none" spellCheck={false} title="the guest vIOMMU's address width (QEMU intel-iommu aw-bits), when the guest has one" />
                </>
              )}
              <p className="muted small guest-spec" data-testid="guest-spec">
                {choice.kind === 'preset' ? choice.spec : choice.kind === 'mtree' ? 'the layout from info mtree' : 'no guest'}
                {vendor && choice.kind === 'preset' && guestMode === 'q35' ? ` (host=${vendor} from the bundle's CPU vendor)` : ''}
              </p>
              {!guest.ok && (
                <p className="field-error" role="alert">
                  {guest.error}
                </p>
              )}
              {guest.ok && guest.guest?.notes?.map((n) => (
                <p key={n} className="muted small">
                  {n}
                </p>
              ))}
            </fieldset>
            {hasTrace && (
              <p className="trace-group">
                <label htmlFor={traceId}>Replay the trace into group </label>
                <select id={traceId} value={traceChoice === undefined ? '' : String(traceChoice)} onChange={(e) => setTraceGroup(e.target.value)}>
                  <option value="">do not replay</option>
                  {groups.map((g) => (
                    <option key={g} value={g}>
                      {g}
                      {vfio.includes(g) ? ' (vfio-pci)' : ''}
                    </option>
                  ))}
                </select>
              </p>
            )}
          </div>
          <div className="import-results" aria-label="what was understood">
            {parsed.length === 0 && <p className="muted">Nothing yet: paste text or drop files.</p>}
            {parsed.map((p) => (
              <InputReport
                key={p.input.id}
                p={p}
                onKind={(k) => setKind(p.input.id, k)}
                onRemove={p.input.id === PASTED_ID ? () => setPasted('') : () => setFiles((f) => f.filter((i) => i.id !== p.input.id))}
              />
            ))}
            {explanations.length > 0 && (
              <section className="import-explanations" aria-label="pasted lines explained">
                <h3>Pasted lines, explained by the engine</h3>
                <ul className="plain">
                  {explanations.map((f, i) => (
                    <li key={i}>
                      <span className={`badge ${f.severity === 'error' ? 'fail' : 'warn'}`}>{f.severity}</span> {f.message}{' '}
                      <span className="muted">{f.addresses.map((a) => formatRange(a)).join(', ')}</span>
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </div>
        </div>
        <footer className="modal-foot">
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <span className="muted small">
            {merged.scenario.platform
              ? `${merged.scenario.platform.devices?.length ?? 0} device(s), ${groups.length} group(s) in all`
              : parsed.length
                ? 'no host platform in the inputs: the current workspace platform is kept'
                : ''}
          </span>
          <button type="button" onClick={() => store.getState().closeImport()}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={doImport} disabled={!anyUnderstood || !guest.ok}>
            Import
          </button>
        </footer>
      </div>
    </div>
  );
}
