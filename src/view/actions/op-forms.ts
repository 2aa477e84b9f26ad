import type { Action, OpName } from '../../core/actions.ts';
import { FLAG_NAMES, SCENARIO_OPS, VFIO_EXTENSIONS } from '../../core/scenario/index.ts';
import { parseU64, type Range } from '../../core/u64.ts';

/**
 * What each op's form asks for, and how the typed text becomes an action. Parsing only: whether
 * the action is allowed is the engine's answer (dry run), never decided here.
 */
export type FieldKind =
  | 'u64'
  | 'ref' // an object id the engine returned (container, IOAS, device, HWPT)
  | 'group'
  | 'bdf'
  | 'flags'
  | 'choice'
  | 'int'
  | 'ranges';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly optional?: boolean;
  /** For `ref`: which objects to suggest. */
  readonly refs?: 'container' | 'ioas' | 'device' | 'pt' | 'object' | 'fd';
  readonly choices?: readonly string[];
  readonly defaultValue?: string;
  /** For `u64` user addresses: pre-filled from the IOVA field until edited. */
  readonly userVaFor?: string;
  readonly hint?: string;
  /**
   * For an optional `u64` address that the kernel only honours with a flag (FIXED_IOVA): the flag
   * follows whether the address is typed, and the dry run tells fixed from automatic placement,
   * reading the address the engine chose from the outcome's result[`result`].
   */
  readonly placement?: { readonly flag: string; readonly result: string };
}

export interface OpForm {
  readonly op: OpName;
  readonly title: string;
  readonly fields: readonly FieldSpec[];
  readonly defaultFlags?: readonly string[];
}

const container: FieldSpec = {
  name: 'container',
  label: 'container',
  kind: 'ref',
  refs: 'container',
};
const ioas: FieldSpec = { name: 'ioas', label: 'IOAS', kind: 'ref', refs: 'ioas' };
const group: FieldSpec = { name: 'group', label: 'group', kind: 'group' };
const dev: FieldSpec = { name: 'dev', label: 'device object', kind: 'ref', refs: 'device' };
const flags: FieldSpec = { name: 'flags', label: 'flags', kind: 'flags' };

const FORMS: Record<OpName, Omit<OpForm, 'op'>> = {
  'vfio.container_create': { title: 'open /dev/vfio/vfio', fields: [] },
  'vfio.group_set_container': { title: 'VFIO_GROUP_SET_CONTAINER', fields: [group, container] },
  'vfio.group_unset_container': { title: 'VFIO_GROUP_UNSET_CONTAINER', fields: [group] },
  'vfio.group_get_status': { title: 'VFIO_GROUP_GET_STATUS', fields: [group] },
  'vfio.group_get_device_fd': {
    title: 'VFIO_GROUP_GET_DEVICE_FD',
    fields: [group, { name: 'device', label: 'device', kind: 'bdf' }],
  },
  'vfio.device_close': {
    title: 'close a device fd',
    fields: [{ name: 'fd', label: 'device fd', kind: 'ref', refs: 'fd' }],
  },
  'vfio.set_iommu': {
    title: 'VFIO_SET_IOMMU',
    fields: [
      container,
      {
        name: 'type',
        label: 'type',
        kind: 'choice',
        choices: ['type1v2', 'type1'],
        defaultValue: 'type1v2',
      },
    ],
  },
  'vfio.map_dma': {
    title: 'VFIO_IOMMU_MAP_DMA',
    fields: [
      container,
      { name: 'iova', label: 'iova', kind: 'u64', hint: 'e.g. 0x300000000' },
      { name: 'size', label: 'size', kind: 'u64', hint: 'e.g. 2M' },
      { name: 'vaddr', label: 'vaddr', kind: 'u64', userVaFor: 'iova' },
      flags,
    ],
    defaultFlags: ['READ', 'WRITE'],
  },
  'vfio.unmap_dma': {
    title: 'VFIO_IOMMU_UNMAP_DMA',
    fields: [
      container,
      { name: 'iova', label: 'iova', kind: 'u64' },
      { name: 'size', label: 'size', kind: 'u64' },
      flags,
    ],
  },
  'vfio.get_info': { title: 'VFIO_IOMMU_GET_INFO', fields: [container] },
  'vfio.check_extension': {
    title: 'VFIO_CHECK_EXTENSION',
    fields: [
      container,
      {
        name: 'extension',
        label: 'extension',
        kind: 'choice',
        choices: VFIO_EXTENSIONS,
        defaultValue: 'VFIO_TYPE1v2_IOMMU',
      },
    ],
  },
  'iommufd.ioas_alloc': { title: 'IOMMU_IOAS_ALLOC', fields: [] },
  'iommufd.ioas_map': {
    title: 'IOMMU_IOAS_MAP',
    fields: [
      ioas,
      {
        name: 'iova',
        label: 'iova',
        kind: 'u64',
        optional: true,
        hint: 'empty: the kernel picks one',
        placement: { flag: 'FIXED_IOVA', result: 'iova' },
      },
      { name: 'length', label: 'length', kind: 'u64' },
      { name: 'user_va', label: 'user_va', kind: 'u64', userVaFor: 'iova' },
      flags,
    ],
    // FIXED_IOVA is not a default: it follows the iova field (see `placement`).
    defaultFlags: ['READABLE', 'WRITEABLE'],
  },
  'iommufd.ioas_unmap': {
    title: 'IOMMU_IOAS_UNMAP',
    fields: [
      ioas,
      { name: 'iova', label: 'iova', kind: 'u64' },
      { name: 'length', label: 'length', kind: 'u64' },
    ],
  },
  'iommufd.ioas_iova_ranges': {
    title: 'IOMMU_IOAS_IOVA_RANGES',
    fields: [ioas, { name: 'num_iovas', label: 'num_iovas', kind: 'int', optional: true }],
  },
  'iommufd.ioas_allow_iovas': {
    title: 'IOMMU_IOAS_ALLOW_IOVAS',
    fields: [
      ioas,
      { name: 'ranges', label: 'ranges (START-LAST per line)', kind: 'ranges', optional: true },
    ],
  },
  'iommufd.ioas_copy': {
    title: 'IOMMU_IOAS_COPY',
    fields: [
      { name: 'src_ioas', label: 'source IOAS', kind: 'ref', refs: 'ioas' },
      { name: 'dst_ioas', label: 'destination IOAS', kind: 'ref', refs: 'ioas' },
      { name: 'src_iova', label: 'src_iova', kind: 'u64' },
      { name: 'length', label: 'length', kind: 'u64' },
      {
        name: 'dst_iova',
        label: 'dst_iova',
        kind: 'u64',
        optional: true,
        hint: 'empty: the kernel picks one',
        placement: { flag: 'FIXED_IOVA', result: 'dst_iova' },
      },
      flags,
    ],
    defaultFlags: ['READABLE', 'WRITEABLE'],
  },
  'iommufd.test_add_reserved': {
    title: 'IOMMU_TEST_OP_ADD_RESERVED (selftest)',
    fields: [
      ioas,
      { name: 'start', label: 'start', kind: 'u64' },
      { name: 'length', label: 'length', kind: 'u64' },
    ],
  },
  'iommufd.device_bind': {
    title: 'VFIO_DEVICE_BIND_IOMMUFD',
    fields: [{ name: 'device', label: 'device', kind: 'bdf' }],
  },
  'iommufd.device_attach': {
    title: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT',
    fields: [dev, { name: 'pt', label: 'IOAS or HWPT', kind: 'ref', refs: 'pt' }],
  },
  'iommufd.hwpt_alloc': {
    title: 'IOMMU_HWPT_ALLOC',
    fields: [dev, { name: 'pt', label: 'IOAS', kind: 'ref', refs: 'ioas' }, flags],
  },
  'iommufd.device_detach': { title: 'VFIO_DEVICE_DETACH_IOMMUFD_PT', fields: [dev] },
  'iommufd.device_unbind': { title: 'close the device cdev', fields: [dev] },
  'iommufd.destroy': {
    title: 'IOMMU_DESTROY',
    fields: [{ name: 'id', label: 'object id', kind: 'ref', refs: 'object' }],
  },
  'iommufd.option': {
    title: 'IOMMU_OPTION',
    fields: [
      {
        name: 'option',
        label: 'option',
        kind: 'choice',
        choices: ['huge_pages', 'rlimit_mode'],
        defaultValue: 'huge_pages',
      },
      { name: 'mode', label: 'mode', kind: 'choice', choices: ['set', 'get'], defaultValue: 'get' },
      { name: 'object_id', label: 'object id', kind: 'ref', refs: 'ioas', optional: true },
      { name: 'val', label: 'value', kind: 'int', optional: true },
    ],
  },
  'iommu.group_resv_regions': {
    title: 'read /sys/kernel/iommu_groups/N/reserved_regions',
    fields: [group],
  },
  'iommu.groups': { title: 'list the IOMMU groups', fields: [] },
};

export const OP_FORMS: readonly OpForm[] = SCENARIO_OPS.map((op) => ({ op, ...FORMS[op] }));

export function formFor(op: OpName): OpForm {
  return { op, ...FORMS[op] };
}

export function flagNamesFor(op: OpName): readonly string[] {
  return FLAG_NAMES[op] ?? [];
}

/** A host address QEMU could plausibly use: the iova's offset within 1 TiB above 0x7f00_0000_0000, so huge-page alignment matches. */
export function plausibleUserVa(iova: bigint | undefined): bigint {
  const base = 0x7f00_0000_0000n;
  return iova === undefined ? base : base + (iova % (1n << 40n));
}

export type FieldValues = Readonly<Record<string, string | readonly string[]>>;

export type BuildResult =
  | { readonly ok: true; readonly action: Action }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

function parseInteger(text: string): { ok: true; value: number } | { ok: false; error: string } {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t))
    return { ok: false, error: `"${text}" is not a whole number` };
  const n = Number(t);
  if (!Number.isSafeInteger(n)) return { ok: false, error: `"${text}" is too large for an id` };
  return { ok: true, value: n };
}

function parseRanges(text: string): { ok: true; value: Range[] } | { ok: false; error: string } {
  const out: Range[] = [];
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  for (const [i, line] of lines.entries()) {
    const m = /^(\S+)\s*(?:-|\.\.)\s*(\S+)$/.exec(line);
    if (!m) return { ok: false, error: `line ${i + 1}: write START-LAST, e.g. 0x100000-0x1fffff` };
    const a = parseU64(m[1] as string);
    const b = parseU64(m[2] as string);
    if (!a.ok) return { ok: false, error: `line ${i + 1}: ${a.error}` };
    if (!b.ok) return { ok: false, error: `line ${i + 1}: ${b.error}` };
    out.push({ start: a.value, last: b.value });
  }
  return { ok: true, value: out };
}

/** Turns the form's text into an action, or says which fields do not parse. */
export function buildAction(form: OpForm, values: FieldValues): BuildResult {
  const errors: Record<string, string> = {};
  const action: Record<string, unknown> = { op: form.op };
  for (const f of form.fields) {
    const raw = values[f.name];
    if (f.kind === 'flags') {
      action[f.name] = Array.isArray(raw) ? [...raw] : [];
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (f.optional) continue;
      if (f.userVaFor !== undefined) continue; // the engine picks a plausible address when absent
      errors[f.name] = `${f.label} is required`;
      continue;
    }
    switch (f.kind) {
      case 'u64': {
        const r = parseU64(text);
        if (r.ok) action[f.name] = r.value;
        else errors[f.name] = r.error;
        break;
      }
      case 'ref':
      case 'group':
      case 'int': {
        const r = parseInteger(text);
        if (r.ok) action[f.name] = r.value;
        else errors[f.name] = r.error;
        break;
      }
      case 'bdf':
      case 'choice':
        action[f.name] = text.trim();
        break;
      case 'ranges': {
        const r = parseRanges(text);
        if (r.ok) action[f.name] = r.value;
        else errors[f.name] = r.error;
        break;
      }
    }
  }
  if (form.op === 'iommufd.ioas_allow_iovas' && action['ranges'] === undefined && !errors['ranges'])
    action['ranges'] = [];
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, action: action as unknown as Action };
}

/** The form's starting values: default choices and flags; user addresses follow their IOVA. */
export function initialValues(
  form: OpForm,
  defaults: Readonly<Record<string, string>> = {},
): Record<string, string | readonly string[]> {
  let values: Record<string, string | readonly string[]> = {};
  for (const f of form.fields) {
    if (f.kind === 'flags') values[f.name] = form.defaultFlags ?? [];
    else values[f.name] = defaults[f.name] ?? f.defaultValue ?? '';
  }
  // A placement flag starts as its address does: ticked when one is pre-filled.
  for (const f of form.fields) {
    if (f.placement && isTyped(values[f.name]))
      values = { ...values, ...withFlag(form, values, f.placement.flag, true) };
  }
  return values;
}

function isTyped(v: string | readonly string[] | undefined): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

function flagsField(form: OpForm): FieldSpec | undefined {
  return form.fields.find((f) => f.kind === 'flags');
}

function withFlag(
  form: OpForm,
  values: FieldValues,
  flag: string,
  on: boolean,
): Record<string, string | readonly string[]> {
  const ff = flagsField(form);
  if (!ff) return { ...values };
  const raw = values[ff.name];
  const chosen: readonly string[] = Array.isArray(raw) ? raw : [];
  const next = on
    ? chosen.includes(flag)
      ? chosen
      : [...chosen, flag]
    : chosen.filter((x) => x !== flag);
  return { ...values, [ff.name]: next };
}

/**
 * The values after the user set field `name` to `value`. An address with a placement flag carries
 * its flag along when it goes from empty to typed (ticked) or back (unticked); editing a typed
 * address leaves the flag as the user last set it, so an explicit choice on the checkbox stands.
 */
export function setFieldValue(
  form: OpForm,
  values: FieldValues,
  name: string,
  value: string | readonly string[],
): Record<string, string | readonly string[]> {
  const next = { ...values, [name]: value };
  const f = form.fields.find((x) => x.name === name);
  if (!f?.placement) return next;
  const was = isTyped(values[name]);
  const now = isTyped(value);
  return was === now ? next : withFlag(form, next, f.placement.flag, now);
}

export interface Placement {
  readonly field: string;
  /** FIXED_IOVA is ticked: the kernel maps at the typed address (0 when none is typed). */
  readonly fixed: boolean;
  /** The address typed in the field, if any and if it parses. */
  readonly typed: bigint | undefined;
}

/** How the action asks the kernel to place it, for a form with a placement field. */
export function placementOf(form: OpForm, values: FieldValues): Placement | undefined {
  const f = form.fields.find((x) => x.placement !== undefined);
  const ff = flagsField(form);
  if (!f?.placement || !ff) return undefined;
  const raw = values[ff.name];
  const fixed = Array.isArray(raw) && raw.includes(f.placement.flag);
  const text = values[f.name];
  const parsed = typeof text === 'string' && text.trim() !== '' ? parseU64(text) : undefined;
  return { field: f.name, fixed, typed: parsed?.ok ? parsed.value : undefined };
}
