import { useEffect, useId, useMemo, useState } from 'react';
import type { OpName } from '../../core/actions.ts';
import { ERRNO_NUMBERS } from '../../core/outcome.ts';
import { parseU64, hex } from '../../core/u64.ts';
import { addressSpaces } from '../../store/address-spaces.ts';
import { selectReadOnly, selectShown } from '../../store/app-store.ts';
import type { ActionResult, Snapshot } from '../../store/workspace.ts';
import { dryRunAction } from '../../store/workspace.ts';
import { useApp, useStoreApi } from '../app/store-context.tsx';
import type { Draft, FormRequest } from '../../store/app-store.ts';
import { footprintOf } from '../../view/actions/footprint.ts';
import { bringIntoView } from '../../view/viewport/viewport.ts';
import { RangeText } from '../panels/RangeText.tsx';
import { mappingOpFor, rankCandidates } from '../../view/actions/form-defaults.ts';
import {
  buildAction,
  type FieldSpec,
  flagNamesFor,
  formFor,
  initialValues,
  OP_FORMS,
  type OpForm,
  type Placement,
  placementOf,
  plausibleUserVa,
  setFieldValue,
} from '../../view/actions/op-forms.ts';

/**
 * Ids to suggest for each kind of reference, read from the engine's views, the ones the op is
 * most likely meant for first (form-defaults.ts): the form starts on the first.
 */
function suggestions(present: Snapshot, op: string, f: FieldSpec): string[] {
  const spaces = addressSpaces(present.state);
  const state = present.state;
  switch (f.kind) {
    case 'group':
      return rankCandidates(state, op, 'group', [...state.index.groups.keys()].map(String));
    case 'bdf':
      return rankCandidates(state, op, 'bdf', [...state.index.devices.keys()]);
    case 'ref':
      switch (f.refs) {
        case 'container':
          return rankCandidates(
            state,
            op,
            'container',
            spaces.containers.map((c) => String(c.id)),
          );
        case 'ioas':
          return spaces.ioas.map((i) => String(i.id));
        case 'device':
          return spaces.iommufdDevices.map((d) => String(d.id));
        case 'pt':
          return [
            ...spaces.ioas.map((i) => String(i.id)),
            ...spaces.ioas.flatMap((i) => i.hwpts.map((h) => String(h.id))),
          ];
        case 'object':
          return [
            ...spaces.ioas.map((i) => String(i.id)),
            ...spaces.iommufdDevices.map((d) => String(d.id)),
            ...spaces.ioas.flatMap((i) => i.hwpts.map((h) => String(h.id))),
          ];
        default:
          return [];
      }
    default:
      return [];
  }
}

function defaultsFor(present: Snapshot, form: OpForm): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of form.fields) {
    if (f.kind === 'ref' || f.kind === 'group' || f.kind === 'bdf') {
      const first = suggestions(present, form.op, f)[0];
      if (first !== undefined && !f.optional) out[f.name] = first;
    }
  }
  return out;
}

/** The ghost the map draws for the form's action: where it lands and what the dry run says. */
function draftOf(built: ReturnType<typeof buildAction>, preview: ActionResult | undefined) {
  if (!built.ok || preview?.kind !== 'outcome') return undefined;
  const f = footprintOf(built.action, preview.outcome);
  if (!f) return undefined;
  const o = preview.outcome;
  const draft: Draft = {
    ...f,
    ok: o.ok,
    label: o.ok ? (f.adds ? 'would map' : 'would unmap') : `would fail: ${o.errno}`,
  };
  return draft;
}

/** What the form ran last, with the values it ran with: shown until they change or the map does. */
interface Ran {
  readonly values: Record<string, string | readonly string[]>;
  readonly on: Snapshot | undefined;
  readonly text: string;
  readonly ok: boolean;
  /** The lane the action landed on: its ranges link there. */
  readonly laneId: string | undefined;
}

function OpFormView({
  form,
  present,
  preset,
}: {
  form: OpForm;
  present: Snapshot;
  /** Field values to start from instead of the defaults (a filled-in request). */
  preset?: Readonly<Record<string, string>> | undefined;
}) {
  const store = useStoreApi();
  const dispatch = useApp((s) => s.dispatch);
  const setDraft = useApp((s) => s.setDraft);
  const readOnly = useApp(selectReadOnly);
  const [values, setValues] = useState(() =>
    initialValues(form, { ...defaultsFor(present, form), ...preset }),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(
    () => new Set(Object.keys(preset ?? {})),
  );
  const [ran, setRan] = useState<Ran | undefined>(undefined);
  const idBase = useId();

  // User addresses follow their IOVA (aligned the same way) until the user edits them.
  const effective = useMemo(() => {
    const v = { ...values };
    for (const f of form.fields) {
      if (f.userVaFor === undefined || touched.has(f.name)) continue;
      const iovaText = v[f.userVaFor];
      const iova = typeof iovaText === 'string' ? parseU64(iovaText) : undefined;
      v[f.name] = hex(plausibleUserVa(iova?.ok ? iova.value : undefined));
    }
    return v;
  }, [values, touched, form]);

  const built = useMemo(() => buildAction(form, effective), [form, effective]);
  const preview = useMemo(
    () => (built.ok ? dryRunAction(present.state, built.action) : undefined),
    [built, present],
  );

  const placement = useMemo(() => placementOf(form, effective), [form, effective]);
  // After Run, the form says what that run did, not what running it again would do (a map that
  // succeeded would now "fail: EEXIST"); a changed field, an undo or any other change ends that.
  const result = ran && ran.values === effective && ran.on === present ? ran : undefined;
  const draft = useMemo(
    () => (result ? undefined : draftOf(built, preview)),
    [result, built, preview],
  );
  useEffect(() => {
    setDraft(draft);
  }, [draft, setDraft]);
  useEffect(() => () => setDraft(undefined), [setDraft]);

  const set = (name: string, value: string | readonly string[]) => {
    setValues((v) => setFieldValue(form, v, name, value));
    setTouched((t) => new Set(t).add(name));
  };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!built.ok) return;
    const outcome = dispatch(built.action);
    const after = store.getState();
    const f = outcome ? footprintOf(built.action, outcome) : undefined;
    setRan({
      laneId: f?.laneId,
      values: effective,
      on: selectShown(after),
      ok: outcome?.ok ?? false,
      text: outcome
        ? outcome.ok
          ? `done: ${outcome.message ?? 'ok'}`
          : `failed: ${outcome.errno} (-${ERRNO_NUMBERS[outcome.errno]}) — ${outcome.message} [${outcome.rule}]`
        : 'the engine could not run this op',
    });
    // A new mapping is selected (the inspector tab stays behind the form) and brought into view,
    // wherever the kernel placed it.
    if (outcome?.ok && f?.adds) {
      after.select({ kind: 'mapping', laneId: f.laneId, start: f.range.start }, { quiet: true });
      const v = bringIntoView(after.viewport, f.range);
      if (v !== after.viewport) after.setViewport(v);
    }
  };

  return (
    <form className="op-form" onSubmit={submit} aria-label={`${form.op} form`}>
      <p className="muted small">{form.title}</p>
      {form.fields.map((f) => {
        const id = `${idBase}-${f.name}`;
        const raw = effective[f.name];
        const empty = typeof raw !== 'string' || raw.trim() === '';
        // A field left empty is only flagged once the user has been in it; text that does not parse is flagged at once.
        const error =
          !built.ok && (!empty || touched.has(f.name)) ? built.errors[f.name] : undefined;
        if (f.kind === 'flags') {
          const chosen = (effective[f.name] as readonly string[] | undefined) ?? [];
          return (
            <fieldset key={f.name} className="flags">
              <legend>{f.label}</legend>
              {flagNamesFor(form.op).map((name) => (
                <label key={name}>
                  <input
                    type="checkbox"
                    checked={chosen.includes(name)}
                    onChange={(e) =>
                      set(
                        f.name,
                        e.target.checked ? [...chosen, name] : chosen.filter((x) => x !== name),
                      )
                    }
                  />
                  {name}
                </label>
              ))}
            </fieldset>
          );
        }
        if (f.kind === 'choice') {
          return (
            <div key={f.name} className="field">
              <label htmlFor={id}>{f.label}</label>
              <select
                id={id}
                value={String(effective[f.name] ?? '')}
                onChange={(e) => set(f.name, e.target.value)}
              >
                {f.optional && <option value="">—</option>}
                {(f.choices ?? []).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
          );
        }
        const list = suggestions(present, form.op, f);
        const listId = list.length > 0 ? `${id}-list` : undefined;
        const Input = f.kind === 'ranges' ? 'textarea' : 'input';
        return (
          <div key={f.name} className="field">
            <label htmlFor={id}>
              {f.label}
              {f.optional ? ' (optional)' : ''}
            </label>
            <Input
              id={id}
              value={String(effective[f.name] ?? '')}
              placeholder={f.hint}
              list={listId}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={error !== undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
                set(f.name, e.target.value)
              }
            />
            {listId && (
              <datalist id={listId}>
                {list.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            )}
            {error && (
              <div className="field-error" id={`${id}-error`} role="alert">
                {error}
              </div>
            )}
          </div>
        );
      })}
      <div className="dry-run" aria-live="polite" data-testid="dry-run">
        {result ? (
          <span className={result.ok ? 'ok' : 'fail'} data-testid="run-result">
            <RangeText text={result.text} laneId={result.laneId} />
          </span>
        ) : preview === undefined ? (
          <span className="muted">fix the fields above to see what the kernel would say</span>
        ) : preview.kind === 'engine-error' ? (
          <span className="warn">the model cannot run this op: {preview.message}</span>
        ) : preview.outcome.ok ? (
          <span className="ok">
            would succeed:{' '}
            <RangeText text={preview.outcome.message ?? 'ok'} laneId={draft?.laneId} />
          </span>
        ) : (
          <span className="fail">
            would fail: {preview.outcome.errno} (-{ERRNO_NUMBERS[preview.outcome.errno]}) —{' '}
            <RangeText text={preview.outcome.message} laneId={draft?.laneId} />{' '}
            <span className="rule">[{preview.outcome.rule}]</span>
          </span>
        )}
        {!result && placement && preview && (
          <PlacementNote form={form} placement={placement} preview={preview} />
        )}
        {!result &&
          preview?.kind === 'outcome' &&
          preview.outcome.warnings.map((w) => (
            <div key={w} className="warn">
              warning: {w}
            </div>
          ))}
      </div>
      <button type="submit" disabled={!built.ok || readOnly !== undefined} title={readOnly}>
        Run {form.op}
      </button>
    </form>
  );
}

/** Fixed or automatic placement, and where the dry run says the kernel would map. */
function PlacementNote({
  form,
  placement,
  preview,
}: {
  form: OpForm;
  placement: Placement;
  preview: ActionResult;
}) {
  const spec = form.fields.find((f) => f.name === placement.field)?.placement;
  const chosen =
    preview.kind === 'outcome' && preview.outcome.ok
      ? preview.outcome.result?.[spec?.result ?? '']
      : undefined;
  const at = typeof chosen === 'bigint' ? ` — would map at ${hex(chosen)}` : '';
  const flag = spec?.flag ?? 'FIXED_IOVA';
  let text: string;
  if (placement.fixed) {
    text =
      placement.typed === undefined
        ? `fixed placement (${flag}) with no ${placement.field} typed: the kernel is asked for ${placement.field} 0x0${at}`
        : `fixed placement (${flag}) at ${hex(placement.typed)}${at}`;
  } else {
    text = `automatic placement (no ${flag}): the kernel picks the ${placement.field}${at}`;
    if (placement.typed !== undefined)
      text += `; the ${placement.field} typed is ignored without ${flag}`;
  }
  return (
    <div className="muted small" data-testid="placement">
      {text}
    </div>
  );
}

/** The op shown and the request its form was filled from (the inspector's Unmap button). */
interface Chosen {
  readonly op: OpName;
  readonly preset: FormRequest | undefined;
  /** The last request seen: a newer one replaces the form. */
  readonly seen: FormRequest | undefined;
  /** The workspace the form was opened for: another one starts it afresh, on its own op. */
  readonly workspace: number | undefined;
}

/**
 * One form per op, with a live dry run through the engine as the user types. `initialOp` fixes
 * the op the form opens on; without it, the workspace's mapping op.
 */
export function ActionsPanel({ initialOp }: { initialOp?: OpName }) {
  const present = useApp(selectShown);
  const request = useApp((s) => s.formRequest);
  const workspace = present?.scenarioSeq;
  const opFor = (): OpName => initialOp ?? (present ? mappingOpFor(present.state) : 'vfio.map_dma');
  const [chosen, setChosen] = useState<Chosen>(() => ({
    op: request?.op ?? opFor(),
    preset: request,
    seen: request,
    workspace,
  }));
  // A request made while the panel is open takes over the form, and another workspace starts it
  // afresh (set during render, React's pattern for state derived from a changed prop).
  if (request !== chosen.seen) {
    setChosen({ op: request?.op ?? chosen.op, preset: request, seen: request, workspace });
  } else if (workspace !== chosen.workspace) {
    setChosen({ op: opFor(), preset: undefined, seen: request, workspace });
  }
  const selectId = useId();
  if (!present) return null;
  const { op, preset } = chosen;
  const form = formFor(op);
  return (
    <section className="panel actions" aria-label="actions">
      <h2>Actions</h2>
      <label htmlFor={selectId}>operation</label>
      <select
        id={selectId}
        value={op}
        onChange={(e) =>
          setChosen((c) => ({ ...c, op: e.target.value as OpName, preset: undefined }))
        }
      >
        {OP_FORMS.map((f) => (
          <option key={f.op} value={f.op}>
            {f.op}
          </option>
        ))}
      </select>
      {/* Keyed by op and request: a new op or a new request starts a fresh form. */}
      <OpFormView
        key={`${op}:${preset?.n ?? 0}:${chosen.workspace ?? 0}`}
        form={form}
        present={present}
        preset={preset?.op === op ? preset.values : undefined}
      />
    </section>
  );
}
