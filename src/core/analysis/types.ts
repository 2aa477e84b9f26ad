import type { Range } from '../u64.ts';
import type { Errno } from '../outcome.ts';
import { entityLabel, type EntityRef } from '../entity-ref.ts';

/** One conclusion of the analysis: what is wrong or risky, where, and why, in one sentence. */
export type Severity = 'error' | 'warning' | 'info';

export type FindingKind =
  | 'iommu-disabled'
  | 'iomem-hidden'
  | 'guest-ram-in-reserved'
  | 'guest-bar-in-reserved'
  | 'guest-over-relaxable'
  | 'guest-beyond-aperture'
  | 'guest-beyond-viommu'
  | 'guest-map-refused'
  | 'group-not-viable'
  | 'group-large'
  | 'acs-override'
  | 'p2p-bypass'
  | 'iova-is-peer-bar'
  | 'no-interrupt-remapping'
  | 'rmrr-direct'
  | 'rmrr-relaxable'
  | 'incompatible-domains'
  | 'dma-entry-limit'
  | 'pasted-error'
  | 'pasted-fault'
  | 'trace-step-refused'
  | 'host-bridge-window-reserved';

export interface Finding {
  readonly severity: Severity;
  readonly kind: FindingKind;
  /** What it is about, as data: a click selects from these (groups, devices, units, lines...). */
  readonly refs: readonly EntityRef[];
  /** The same, in words ("group 3", a BDF, "line 12"): `entityLabel` of each ref. */
  readonly objects: readonly string[];
  readonly addresses: readonly Range[];
  readonly message: string;
  /** The errno the engine answered, when the finding rests on a dry run. */
  readonly errno?: Errno;
  /** The kernel check that fired in that dry run. */
  readonly rule?: string;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** A finding's subjects: the references and the words derived from them, so the two never disagree. */
export function about(refs: readonly EntityRef[]): Pick<Finding, 'refs' | 'objects'> {
  return { refs, objects: refs.map(entityLabel) };
}
