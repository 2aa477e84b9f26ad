import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { formatRange } from '../../core/u64.ts';
import {
  assumptionSentence,
  INPUT_KINDS,
  type InputKind,
  KIND_NAME,
  type UnitAssumption,
  type UnitChoice,
} from '../../core/importers/index.ts';
import type { PlatformInput } from '../../core/platform/normalize.ts';
import { explainEvents } from '../../store/findings.ts';
import {
  aroundLines,
  buildHostImport,
  type GuestChoice,
  hasTraceSteps,
  hostVendor,
  type ImportInput,
  inputUnderstood,
  mergeParsed,
  type ParsedInput,
  type PieceReport,
  pieceReports,
  platformGroups,
  resolveGuest,
  type Understood,
} from '../../store/host-import.ts';
import { type ImportProgress as Progress, runHostImport } from '../../store/host-import-run.ts';
import { importHost, readImportFiles } from '../../store/session.ts';
import { yieldToPage } from '../../store/yield-to-page.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';
import { importReader } from './import-reader-instance.ts';
import { ImportProgress } from './ImportProgress.tsx';
import { type Reading, readsOffPage, useReadInputs } from './use-read-inputs.ts';

const PASTED_ID = 'pasted';
/** Unparsed lines listed per input; the rest are counted. */
const UNPARSED_SHOWN = 200;

type GuestMode = 'none' | 'q35' | 'virt' | 'mtree';

function guestChoice(
  mode: GuestMode,
  ram: string,
  qemu: string,
  vendor: 'amd' | 'intel' | undefined,
  aw = '',
): GuestChoice {
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

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A piece's counts, the non-zero ones: "1 group, 5 devices". */
function pieceCounts(u: Understood): string {
  const parts = [
    u.groups.length ? plural(u.groups.length, 'group') : '',
    u.devices ? plural(u.devices, 'device') : '',
    u.regions ? plural(u.regions, 'reserved region') : '',
    u.iommus ? plural(u.iommus, 'IOMMU unit') : '',
    u.guestSections ? plural(u.guestSections, 'guest section') : '',
    u.steps ? plural(u.steps, 'DMA step') : '',
    u.events ? plural(u.events, 'placed line') : '',
    u.iomem ? plural(u.iomem, '/proc/iomem entry', '/proc/iomem entries') : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing placed';
}

function PiecesList({ reports }: { reports: readonly PieceReport[] }) {
  return (
    <div className="pieces" data-testid="pieces">
      <p className="small">
        Cut into <strong>{plural(reports.length, 'piece')}</strong>, each read by its importer:
      </p>
      <ol className="plain piece-list">
        {reports.map(({ piece, understood: u }) => (
          <li
            key={piece.first}
            className="piece"
            data-testid="piece"
            aria-label={`${piece.kind} piece, lines ${piece.first} to ${piece.last}`}
            title={piece.notes.length ? piece.notes.join('\n') : undefined}
          >
            <span className="piece-kind">{piece.kind}</span>
            <span className="line-no">
              {piece.first === piece.last
                ? `line ${piece.first}`
                : `lines ${piece.first}–${piece.last}`}
            </span>
            {piece.command !== undefined && (
              <code className="piece-command">$ {piece.command}</code>
            )}
            <span className="piece-counts">{pieceCounts(u)}</span>
            <span className={piece.unparsed ? 'piece-unread warn-text' : 'piece-unread ok'}>
              {piece.unparsed ? `${plural(piece.unparsed, 'line')} not read` : 'every line read'}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function UnparsedList({
  lines,
  reasons = true,
}: {
  lines: readonly { line: number; text: string; reason: string }[];
  reasons?: boolean;
}) {
  return (
    <>
      <ol className="unparsed">
        {lines.slice(0, UNPARSED_SHOWN).map((l) => (
          <li key={l.line} value={l.line}>
            <span className="line-no">line {l.line}</span> <code>{l.text}</code>
            {reasons && <span className="muted"> — {l.reason}</span>}
          </li>
        ))}
      </ol>
      {lines.length > UNPARSED_SHOWN && (
        <p className="muted small">{lines.length - UNPARSED_SHOWN} more</p>
      )}
    </>
  );
}

function InputReport({
  p,
  onKind,
  onRemove,
}: {
  p: ParsedInput;
  onKind: (k: InputKind | undefined) => void;
  onRemove?: (() => void) | undefined;
}) {
  const id = useId();
  const u = inputUnderstood(p);
  const unparsed = p.result?.unparsed ?? [];
  const reports = useMemo(() => pieceReports(p), [p]);
  const around = p.result ? aroundLines(p.result) : [];
  // The pieces are worth listing when the paste was more than one tool's output.
  const showPieces =
    reports.length > 1 || around.length > 0 || reports.some((r) => r.piece.command !== undefined);
  const inPieces = showPieces ? unparsed.filter((l) => !around.includes(l)) : unparsed;
  const nPieces = p.result?.pieces?.length ?? 0;
  // With the pieces listed, their one-line summaries are in the list, and the unit assumption is in the IOMMU unit picker.
  const unitNote = assumptionSentence(p.result?.host?.unitAssumption);
  const summaries = showPieces ? (p.result?.pieceSummaries ?? 0) : 0;
  const notes = (p.result?.notes ?? []).filter((n, i) => n !== unitNote && i >= summaries);
  const detected =
    p.detected === 'mixed'
      ? `detected: mixed (${plural(nPieces, 'piece')})`
      : p.detected
        ? `detected: ${p.detected}`
        : 'detect (not recognised)';
  return (
    <section
      className="import-input"
      aria-label={`input ${p.input.name}`}
      data-testid="import-input"
    >
      <div className="import-input-head">
        <InputTitle input={p.input} />
        <label htmlFor={id} className="small">
          kind
        </label>
        <select
          id={id}
          value={p.input.kind ?? ''}
          onChange={(e) =>
            onKind(e.target.value === '' ? undefined : (e.target.value as InputKind))
          }
          aria-label={`kind of ${p.input.name}`}
        >
          <option value="">{detected}</option>
          <optgroup label="read the whole text as">
            {INPUT_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </optgroup>
        </select>
        {onRemove && <RemoveInput name={p.input.name} onRemove={onRemove} />}
      </div>
      {p.error && (
        <p className="field-error" role="alert">
          {p.error}
        </p>
      )}
      {u && (
        <div className="understood" data-testid="understood">
          <p>
            Understood as{' '}
            <strong>{p.kind === 'mixed' ? `mixed (${plural(nPieces, 'piece')})` : p.kind}</strong>:{' '}
            {u.groups.length} group(s), {u.devices} device(s), {u.regions} reserved region(s)
            {u.iommus ? `, ${u.iommus} IOMMU unit(s)` : ''}, {u.guestSections} guest section(s),{' '}
            {u.steps} step(s), {u.events} placed line(s)
            {u.iomem ? `, ${u.iomem} /proc/iomem entries` : ''}.
          </p>
          {showPieces && <PiecesList reports={reports} />}
          {u.sample.length > 0 && (
            <ul className="plain sample">
              {u.sample.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ul>
          )}
          {notes.length > 0 && (
            <ul className="notes">
              {notes.map((n, i) => (
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
          ) : showPieces ? (
            <>
              <p className="small unparsed-total">Not understood: {unparsed.length} line(s)</p>
              {inPieces.length > 0 && (
                <details open={inPieces.length <= 12} data-testid="unread-in-pieces">
                  <summary>
                    In the pieces, not read by their importer: {inPieces.length} line(s)
                  </summary>
                  <UnparsedList lines={inPieces} />
                </details>
              )}
              {around.length > 0 && (
                <details open data-testid="around">
                  <summary>
                    Text around the pieces, given to no importer: {around.length} line(s)
                  </summary>
                  <UnparsedList lines={around} reasons={false} />
                </details>
              )}
            </>
          ) : (
            <details open={unparsed.length <= 12}>
              <summary>Not understood: {unparsed.length} line(s)</summary>
              <UnparsedList lines={unparsed} />
            </details>
          )}
        </div>
      )}
    </section>
  );
}

/** The start of an input's head line: its name and size. */
function InputTitle({ input }: { input: ImportInput }) {
  return (
    <>
      <strong className="import-name">{input.name}</strong>
      <span className="muted small">
        {input.fileBytes !== undefined
          ? `${input.fileBytes.toLocaleString('en')} bytes`
          : `${input.text.length.toLocaleString('en')} characters`}
      </span>
    </>
  );
}

function RemoveInput({ name, onRemove }: { name: string; onRemove: () => void }) {
  return (
    <button type="button" onClick={onRemove} aria-label={`remove ${name}`}>
      ×
    </button>
  );
}

/** An input the worker is still reading. */
function ReadingReport({ r, onRemove }: { r: Reading; onRemove: () => void }) {
  return (
    <section
      className="import-input"
      aria-label={`input ${r.input.name}`}
      data-testid="import-input-reading"
    >
      <div className="import-input-head">
        <InputTitle input={r.input} />
        <RemoveInput name={r.input.name} onRemove={onRemove} />
      </div>
      <label className="import-meter">
        <span className="small">
          Reading: {r.lines.toLocaleString('en')} lines ({Math.round(r.fraction * 100)}%)
        </span>
        <progress max={1} value={r.fraction} aria-label={`reading ${r.input.name}`} />
      </label>
    </section>
  );
}

type PickKind = 'vtd' | 'amd' | 'smmuv3';
const PICK_KINDS: readonly PickKind[] = ['vtd', 'amd', 'smmuv3'];

/** The IOMMU unit the import assumed for grouped devices no input assigns, and the user's pick. */
function UnitPicker({
  assumption,
  kind,
  width,
  widthError,
  onKind,
  onWidth,
}: {
  assumption: UnitAssumption;
  kind: PickKind | undefined;
  width: string;
  widthError: string | undefined;
  onKind: (k: PickKind | undefined) => void;
  onWidth: (w: string) => void;
}) {
  const kindId = useId();
  const widthId = useId();
  return (
    <fieldset className="unit-picker" data-testid="unit-picker">
      <legend>IOMMU unit</legend>
      <p className={assumption.picked ? 'small' : 'small warn-text'} data-testid="unit-assumption">
        {assumptionSentence(assumption)}
        {assumption.picked
          ? ''
          : '. Pick the unit if that is wrong: the import is read again with it.'}
      </p>
      <label htmlFor={kindId}>kind</label>
      <select
        id={kindId}
        value={kind ?? ''}
        onChange={(e) => onKind(e.target.value === '' ? undefined : (e.target.value as PickKind))}
      >
        <option value="">
          {assumption.picked ? 'as assumed' : `as assumed (${KIND_NAME[assumption.kind]})`}
        </option>
        {PICK_KINDS.map((k) => (
          <option key={k} value={k}>
            {KIND_NAME[k]}
          </option>
        ))}
      </select>
      <label htmlFor={widthId}>address width</label>
      <input
        id={widthId}
        value={width}
        onChange={(e) => onWidth(e.target.value)}
        size={4}
        inputMode="numeric"
        placeholder={String(assumption.addressWidth)}
        spellCheck={false}
        title="the IOMMU's input address width in bits (VT-d MGAW/SAGAW, AMD-Vi VASIZE, SMMU IAS)"
      />
      <span className="muted small">bits</span>
      {widthError && (
        <p className="field-error" role="alert">
          {widthError}
        </p>
      )}
    </fieldset>
  );
}

/** The width field: empty (the default), or whole bits from 32 to 64. */
function parseWidth(
  w: string,
): { ok: true; width: number | undefined } | { ok: false; error: string } {
  const t = w.trim();
  if (t === '') return { ok: true, width: undefined };
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  return n >= 32 && n <= 64
    ? { ok: true, width: n }
    : { ok: false, error: `address width: "${t}" is not a number of bits from 32 to 64` };
}

/**
 * "Debug a real host": paste text or drop files, see what the core importers understood and what
 * not, pick a guest layout, and import it all as one undoable workspace.
 */
export function ImportDialog({ initial }: { initial: readonly ImportInput[] }) {
  const store = useStoreApi();
  const currentPlatform = useApp((s) => s.history?.present.scenario.platform) as
    PlatformInput | undefined;
  const [files, setFiles] = useState<readonly ImportInput[]>(initial);
  const [pasted, setPasted] = useState('');
  const [pastedKind, setPastedKind] = useState<InputKind | undefined>(undefined);
  const [refused, setRefused] = useState<readonly string[]>([]);
  const [mode, setMode] = useState<GuestMode | undefined>(undefined);
  const [ram, setRam] = useState('8G');
  const [qemu, setQemu] = useState('');
  const [aw, setAw] = useState('');
  const [traceGroup, setTraceGroup] = useState<string | undefined>(undefined);
  const [unitKind, setUnitKind] = useState<PickKind | undefined>(undefined);
  const [unitWidth, setUnitWidth] = useState('');
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
    () => [
      ...files,
      ...(pasted.trim() !== ''
        ? [{ id: PASTED_ID, name: 'pasted text', text: pasted, kind: pastedKind }]
        : []),
    ],
    [files, pasted, pastedKind],
  );
  const width = parseWidth(unitWidth);
  const widthPicked = width.ok ? width.width : undefined;
  const iommu = useMemo<UnitChoice | undefined>(
    () =>
      unitKind
        ? { kind: unitKind, ...(widthPicked !== undefined ? { addressWidth: widthPicked } : {}) }
        : undefined,
    [unitKind, widthPicked],
  );
  const reader = importReader();
  const { parsed, reading } = useReadInputs(inputs, iommu, reader);
  // An import applying its steps in slices: its progress, and how to stop it.
  const [run, setRun] = useState<
    { readonly abort: AbortController; readonly progress: StoreApi<Progress> } | undefined
  >(undefined);
  const [runNote, setRunNote] = useState<string | undefined>(undefined);
  const merged = useMemo(() => mergeParsed(parsed, iommu), [parsed, iommu]);
  const assumption = merged.host.unitAssumption;
  const hasMtree = parsed.some((p) => (p.result?.scenario.guest?.memory.length ?? 0) > 0);
  const guestMode: GuestMode = mode ?? (hasMtree ? 'mtree' : 'none');
  const vendor = hostVendor(merged.host);
  const choice = useMemo(
    () => guestChoice(guestMode, ram, qemu, vendor, aw),
    [guestMode, ram, qemu, vendor, aw],
  );
  const guest = useMemo(() => resolveGuest(choice, parsed), [choice, parsed]);
  const platform = merged.scenario.platform ?? currentPlatform;
  const { groups, vfio } = platformGroups(platform);
  const hasTrace = parsed.some(hasTraceSteps);
  const traceDefault = vfio[0] ?? groups[0];
  const traceChoice =
    traceGroup === undefined ? traceDefault : traceGroup === '' ? undefined : Number(traceGroup);
  const explanations = useMemo(
    () =>
      merged.events.length && platform
        ? explainEvents(platform, guest.ok ? guest.guest : undefined, merged.host, merged.events)
        : [],
    [merged, platform, guest],
  );

  // Closing the dialog stops an import that is running: the workspace stays as it was.
  const close = () => {
    run?.abort.abort();
    store.getState().closeImport();
  };
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  useEffect(() => () => run?.abort.abort(), [run]);

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
    const options = {
      guest: choice,
      traceGroup: hasTrace ? traceChoice : undefined,
      currentPlatform,
      iommu,
    };
    setError(undefined);
    setRunNote(undefined);
    if (inputs.some(readsOffPage)) {
      void importOffPage(options);
      return;
    }
    const r = buildHostImport(inputs, options);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    if (importHost(store, r.plan)) store.getState().closeImport();
  };

  /** A big import: built by the worker, applied in slices with its progress, one undo entry. */
  const importOffPage = async (options: Parameters<typeof buildHostImport>[1]) => {
    const abort = new AbortController();
    const progress = createStore<Progress>(() => ({
      phase: 'reading',
      lines: 0,
      fraction: 0,
      applied: 0,
      steps: 0,
    }));
    setRun({ abort, progress });
    try {
      const r = await runHostImport(store, reader, inputs, options, {
        signal: abort.signal,
        yieldToPage,
        onProgress: (p) => progress.setState(p, true),
      });
      if (r.kind === 'done') store.getState().closeImport();
      else if (r.kind === 'cancelled') setRunNote('Import cancelled: the workspace is as it was.');
      else setError(r.error);
    } catch (e) {
      setError(`the import failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setRun((cur) => (cur?.abort === abort ? undefined : cur));
    }
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
      <div
        className="modal import-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
      >
        <header className="modal-head">
          <h2 id={titleId}>Debug a real host</h2>
          <button type="button" onClick={close} aria-label="close the import dialog">
            ×
          </button>
        </header>
        <div className="import-grid" inert={run !== undefined}>
          <div className="import-sources">
            <p className="collector">
              <a href="./collect-host.sh" download="collect-host.sh">
                Download collect-host.sh
              </a>{' '}
              and run it on the host: <code>sh collect-host.sh &gt; host.txt</code> (no root needed
              for most of it), then drop <code>host.txt</code> here.
            </p>
            <div
              className={`drop-zone${dragging ? ' dragging' : ''}`}
              data-testid="drop-zone"
              onDragEnter={() => setDragging(true)}
              onDragLeave={() => setDragging(false)}
            >
              <p>
                Drop files here: the host bundle, reserved_regions, group listings, lspci -vvv / -tv
                / -nnvmm, /proc/iomem, dmesg, QEMU info mtree, a QEMU vfio trace, error or fault
                lines.
              </p>
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
            <label htmlFor={pasteId}>Or paste anything</label>
            <p className="muted small paste-hint">
              A whole terminal session, a mail or a forum post: prompts, quoting and markup are
              cleaned off, and the text is cut into pieces by kind.
            </p>
            <textarea
              id={pasteId}
              className="paste"
              rows={10}
              spellCheck={false}
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              placeholder={
                '$ cat /sys/kernel/iommu_groups/9/reserved_regions\n0x00000000fee00000 0x00000000feefffff msi\n$ lspci -nn\n…\nqemu: vfio_dma_map(…) = -22 (Invalid argument)'
              }
            />
            <fieldset className="guest-picker">
              <legend>Guest layout</legend>
              <label htmlFor={guestId}>machine</label>
              <select
                id={guestId}
                value={guestMode}
                onChange={(e) => setMode(e.target.value as GuestMode)}
              >
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
                  <input
                    id={ramId}
                    value={ram}
                    onChange={(e) => setRam(e.target.value)}
                    size={8}
                    spellCheck={false}
                  />
                </>
              )}
              {guestMode === 'q35' && (
                <>
                  <label htmlFor={qemuId}>QEMU machine version</label>
                  <input
                    id={qemuId}
                    value={qemu}
                    onChange={(e) => setQemu(e.target.value)}
                    size={6}
                    placeholder="newest"
                    spellCheck={false}
                  />
                </>
              )}
              {(guestMode === 'q35' || guestMode === 'virt') && (
                <>
                  <label htmlFor={awId}>vIOMMU aw-bits</label>
                  <input
                    id={awId}
                    value={aw}
                    onChange={(e) => setAw(e.target.value)}
                    size={4}
                    placeholder="none"
                    spellCheck={false}
                    title="the guest vIOMMU's address width (QEMU intel-iommu aw-bits), when the guest has one"
                  />
                </>
              )}
              <p className="muted small guest-spec" data-testid="guest-spec">
                {choice.kind === 'preset'
                  ? choice.spec
                  : choice.kind === 'mtree'
                    ? 'the layout from info mtree'
                    : 'no guest'}
                {vendor && choice.kind === 'preset' && guestMode === 'q35'
                  ? ` (host=${vendor} from the bundle's CPU vendor)`
                  : ''}
              </p>
              {!guest.ok && (
                <p className="field-error" role="alert">
                  {guest.error}
                </p>
              )}
              {guest.ok &&
                guest.guest?.notes?.map((n) => (
                  <p key={n} className="muted small">
                    {n}
                  </p>
                ))}
            </fieldset>
            {assumption && (
              <UnitPicker
                assumption={assumption}
                kind={unitKind}
                width={unitWidth}
                widthError={width.ok ? undefined : width.error}
                onKind={(k) => {
                  setUnitKind(k);
                  if (k === undefined) setUnitWidth('');
                }}
                onWidth={(w) => {
                  setUnitWidth(w);
                  // A width alone keeps the assumed kind: the pick is what the user sees now.
                  if (unitKind === undefined && assumption.kind !== 'mock')
                    setUnitKind(assumption.kind);
                }}
              />
            )}
            {hasTrace && (
              <p className="trace-group">
                <label htmlFor={traceId}>Replay the trace into group </label>
                <select
                  id={traceId}
                  value={traceChoice === undefined ? '' : String(traceChoice)}
                  onChange={(e) => setTraceGroup(e.target.value)}
                >
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
            {parsed.length === 0 && reading.length === 0 && (
              <p className="muted">Nothing yet: paste text or drop files.</p>
            )}
            {reading.map((r) => (
              <ReadingReport
                key={r.input.id}
                r={r}
                onRemove={
                  r.input.id === PASTED_ID
                    ? () => setPasted('')
                    : () => setFiles((f) => f.filter((i) => i.id !== r.input.id))
                }
              />
            ))}
            {parsed.map((p) => (
              <InputReport
                key={p.input.id}
                p={p}
                onKind={(k) => setKind(p.input.id, k)}
                onRemove={
                  p.input.id === PASTED_ID
                    ? () => setPasted('')
                    : () => setFiles((f) => f.filter((i) => i.id !== p.input.id))
                }
              />
            ))}
            {explanations.length > 0 && (
              <section className="import-explanations" aria-label="pasted lines explained">
                <h3>Pasted lines, explained by the engine</h3>
                <ul className="plain">
                  {explanations.map((f, i) => (
                    <li key={i}>
                      <span className={`badge ${f.severity === 'error' ? 'fail' : 'warn'}`}>
                        {f.severity}
                      </span>{' '}
                      {f.message}{' '}
                      <span className="muted">
                        {f.addresses.map((a) => formatRange(a)).join(', ')}
                      </span>
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
          {runNote && (
            <p className="small" role="status" data-testid="import-note">
              {runNote}
            </p>
          )}
          {run ? (
            <ImportProgress progress={run.progress} onCancel={() => run.abort.abort()} />
          ) : (
            <>
              <span className="muted small">
                {merged.scenario.platform
                  ? `${merged.scenario.platform.devices?.length ?? 0} device(s), ${groups.length} group(s) in all`
                  : parsed.length
                    ? 'no host platform in the inputs: the current workspace platform is kept'
                    : ''}
              </span>
              <button type="button" onClick={close}>
                Cancel
              </button>
              <button
                type="button"
                className="primary"
                onClick={doImport}
                disabled={!anyUnderstood || reading.length > 0 || !guest.ok || !width.ok}
              >
                Import
              </button>
            </>
          )}
        </footer>
      </div>
    </div>
  );
}
