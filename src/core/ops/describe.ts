import { describeKnown } from '../flag-bits.ts';
import type { Field, RefTarget } from './fields.ts';

const REF_TARGETS: Readonly<Record<RefTarget, string>> = {
  container: 'container',
  ioas: 'IOAS',
  device: 'iommufd device',
  pt: 'IOAS or HWPT',
  object: 'iommufd object',
  fd: 'device fd',
};

/**
 * What a scenario step writes for a field of this kind, in a few words: the reference the CLI's
 * `ops` command prints for each op.
 */
export function describeField(field: Field): string {
  const kind = describeKind(field);
  return field.optional ? `${kind} (optional)` : kind;
}

function describeKind(field: Field): string {
  switch (field.kind) {
    case 'u64':
      return 'u64 string ("0x1000", "2M")';
    case 'ref':
      return `${REF_TARGETS[field.refs]} id (an integer or "$name")`;
    case 'group':
      return 'IOMMU group number';
    case 'int':
      return 'integer';
    case 'device':
      return 'PCI device BDF ("0000:01:00.0")';
    case 'ranges':
      return 'list of {"start", "last"} u64 ranges';
    case 'choice':
      return field.orNumber !== undefined
        ? `${field.choices.join(' | ')} or a number`
        : field.choices.join(' | ');
    case 'flags': {
      const names = describeKnown(field.bits);
      const list = `flag names${names ? ` (${names})` : ''} or raw hex bits`;
      return `${list}; unknown bits: ${field.unknownErrno}${field.optional ? '' : '; default []'}`;
    }
  }
}
