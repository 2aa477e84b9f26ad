import type { CheckReport } from '../core/analysis/index.ts';
import type { Scenario } from '../core/scenario/index.ts';
import type { HostContext } from './host-import.ts';

/**
 * The findings worked out for each scenario and import, apart from the analysis that works them
 * out (findings.ts): a restore or an import keeps a worker's report here without loading the
 * analysis into the page's first load.
 */
const memo = new WeakMap<object, { host: HostContext | undefined; report: CheckReport }>();

/** The report kept for this scenario and import, if one is. */
export function rememberedFindings(
  scenario: Scenario,
  host: HostContext | undefined,
): CheckReport | undefined {
  const hit = memo.get(scenario);
  return hit && hit.host === host ? hit.report : undefined;
}

/**
 * Keeps a report worked out elsewhere (a worker replayed the import's trace for it) as the
 * findings of this scenario and import, so the findings tab does not replay it again.
 */
export function rememberFindings(
  scenario: Scenario,
  host: HostContext | undefined,
  report: CheckReport,
): void {
  memo.set(scenario, { host, report });
}
