import { refusal, type Refusal } from '../refusal.ts';
import { describeValue } from '../scenario/describe.ts';
import { isU64 } from '../u64.ts';
import type { Field } from './fields.ts';
import { isOpName, OP_SPECS, type OpName } from './registry.ts';

/**
 * The entry check every action passes before its handler runs: each field has the kind its op
 * entry declares, so a caller that skipped the scenario schema (a form, a lesson, a script) gets
 * an errno naming the field, never a JavaScript exception. In C these values cannot even be
 * written (a __u64 is always a u64); the kernel's nearest answer is the ioctl's own argument
 * check, EINVAL (`iommufd_fops_ioctl`, `vfio_fops_unl_ioctl`), and ENOTTY for an ioctl it does not
 * know.
 */
/** Each op's fields as a list, built once: the check runs on every engine step. */
const FIELD_LISTS = Object.fromEntries(
  Object.entries(OP_SPECS).map(([op, spec]) => [
    op,
    Object.entries(spec.fields as Record<string, Field>),
  ]),
) as unknown as Record<OpName, ReadonlyArray<readonly [string, Field]>>;

export function malformedAction(action: unknown): Refusal | undefined {
  if (typeof action !== 'object' || action === null)
    return refusal('ENOTTY', 'iommufd_fops_ioctl', `not an action: ${describeValue(action)}`);
  const op = (action as { op?: unknown }).op;
  if (typeof op !== 'string' || !isOpName(op))
    return refusal(
      'ENOTTY',
      'iommufd_fops_ioctl',
      `unknown op ${typeof op === 'string' ? JSON.stringify(op) : describeValue(op)}: no such ioctl`,
    );
  const rule = op.startsWith('vfio.') ? 'vfio_fops_unl_ioctl' : 'iommufd_fops_ioctl';
  for (const [name, field] of FIELD_LISTS[op]) {
    const value = (action as Record<string, unknown>)[name];
    if (value === undefined) {
      if (field.optional) continue;
      return refusal('EINVAL', rule, `${op}: field ${name} is missing`);
    }
    const why = wrongKind(field, value);
    if (why)
      return refusal('EINVAL', rule, `${op}: field ${name} ${why} (got ${describeValue(value)})`);
  }
  return undefined;
}

function wrongKind(field: Field, v: unknown): string | undefined {
  switch (field.kind) {
    case 'u64':
      return typeof v === 'bigint' && isU64(v) ? undefined : 'must be a u64 (a bigint 0..2^64-1)';
    case 'ref':
      return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
        ? undefined
        : 'must be an object id';
    case 'group':
    case 'int':
      return Number.isSafeInteger(v) ? undefined : 'must be an integer';
    case 'device':
      return typeof v === 'string' ? undefined : 'must be a PCI address (a string)';
    case 'ranges':
      return Array.isArray(v) && v.every(isRange)
        ? undefined
        : 'must be a list of {start, last} u64 ranges';
    case 'flags':
      return Array.isArray(v) && v.every((f) => typeof f === 'string')
        ? undefined
        : 'must be a list of flag names or raw bits';
    case 'choice':
      if (field.orNumber !== undefined)
        return typeof v === 'string' || Number.isSafeInteger(v)
          ? undefined
          : 'must be a name or a number';
      return typeof v === 'string' && field.choices.includes(v)
        ? undefined
        : `must be one of ${field.choices.join(', ')}`;
  }
}

/** Only the kinds: the order within a range is the op's own check (`iommufd_ioas_load_iovas`). */
function isRange(r: unknown): boolean {
  if (typeof r !== 'object' || r === null) return false;
  const { start, last } = r as { start?: unknown; last?: unknown };
  return typeof start === 'bigint' && typeof last === 'bigint' && isU64(start) && isU64(last);
}
