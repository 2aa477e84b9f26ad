import type { HostFacts } from '../importers/types.ts';
import { assumptionSentence } from '../importers/infer-units.ts';

/**
 * The sentence a finding appends when its conclusion rests on an IOMMU unit the import assumed
 * (kind or address width not read from the input, `HostFacts.unitAssumption`), and the finding
 * involves that unit. A unit the user picked is not an assumption: nothing is appended.
 */
export function unitAssumptionNote(
  host: HostFacts | undefined,
  units: ReadonlyArray<string | undefined>,
): string {
  const a = host?.unitAssumption;
  if (!a || a.picked || !units.includes(a.unit)) return '';
  const s = assumptionSentence(a);
  return s ? ` ${s}.` : '';
}
