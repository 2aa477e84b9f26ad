import type { Errno } from './outcome.ts';
import type { RuleName } from './rules.ts';

/**
 * Why a kernel rule says no, before it becomes an op's outcome: the one refusal type both uAPI
 * models and the shared IOMMU layer return from their checks. The `kind` tag keeps it apart from
 * the values the same functions return on success (iommufd objects are tagged by `kind` too) and
 * from an engine `Outcome`, so `isRefusal` never mistakes one for the other.
 */
export interface Refusal {
  readonly kind: 'refusal';
  readonly ok: false;
  readonly errno: Errno;
  /** The kernel function whose check failed. */
  readonly rule: RuleName;
  /** What failed, with the exact numbers. */
  readonly message: string;
}

export function refusal(errno: Errno, rule: RuleName, message: string): Refusal {
  return { kind: 'refusal', ok: false, errno, rule, message };
}

export function isRefusal(v: unknown): v is Refusal {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'refusal';
}
