import { devicesOf } from '../core/entity-ref.ts';
import { span } from '../core/ranges/range-set.ts';
import { analyze, type CheckReport, type Finding } from '../core/analysis/index.ts';
import {
  type GuestLayout,
  type HostFacts,
  importText,
  type PlacedEvent,
} from '../core/importers/index.ts';
import type { PlatformInput } from '../core/platform/normalize.ts';
import type { Scenario } from '../core/scenario/index.ts';
import type { Range } from '../core/u64.ts';
import { fitRange } from '../view/viewport/viewport.ts';
import type { AppStore } from './app-store.ts';
import { rememberedFindings, rememberFindings } from './findings-memo.ts';
import { type HostContext, workspaceGuest } from './host-import.ts';
import type { Snapshot } from './workspace.ts';

/**
 * The analysis findings of a workspace (src/core/analysis `analyze`, as `iova-explorer check`
 * runs it): its platform, guest layout, and what an import added (host facts, pasted lines, the
 * trace). Memoised per scenario and import (findings-memo.ts), so user actions and undo reuse the
 * report.
 */

function platformOf(s: Pick<Snapshot, 'scenario'>): PlatformInput {
  return (s.scenario.platform ?? {}) as PlatformInput;
}

/** The analysis of a workspace's scenario and import, uncached (a worker runs it for a big import). */
export function analyzeWorkspace(scenario: Scenario, host: HostContext | undefined): CheckReport {
  const guest = workspaceGuest(scenario, host);
  return analyze({
    platform: platformOf({ scenario }),
    ...(guest ? { guest } : {}),
    ...(host
      ? {
          host: host.facts,
          events: host.events,
          steps: host.steps,
          stepLines: host.stepLines,
        }
      : {}),
  });
}

export function findingsOf(s: Snapshot): CheckReport {
  const kept = rememberedFindings(s.scenario, s.host);
  if (kept) return kept;
  const report = analyzeWorkspace(s.scenario, s.host);
  rememberFindings(s.scenario, s.host, report);
  return report;
}

export type Explained =
  | { ok: true; events: PlacedEvent[]; findings: Finding[]; unparsed: string[] }
  | { ok: false; error: string };

/**
 * "Explain a line": error/fault lines read by the error-lines importer and explained by the
 * analysis (a vfio_dma_map line is dry-run through the engine in a container of the workspace's
 * assigned groups), against the current workspace's platform and guest.
 */
export function explainLines(s: Snapshot, text: string): Explained {
  const r = importText(text, { kind: 'error-lines' });
  if (!r.ok) return { ok: false, error: r.error };
  const events = [...r.result.events];
  const unparsed = r.result.unparsed.map((u) => `line ${u.line}: ${u.reason}: ${u.text}`);
  if (events.length === 0)
    return {
      ok: false,
      error: `no vfio_dma_map error, AMD-Vi event or DMAR fault line found${unparsed.length ? ` (${unparsed[0]})` : ''}`,
    };
  const findings = explainEvents(
    platformOf(s),
    workspaceGuest(s.scenario, s.host),
    s.host?.facts,
    events,
  );
  return { ok: true, events, findings, unparsed };
}

/** The analysis' explanations of placed lines alone (dry runs through the engine), on a platform and guest. */
export function explainEvents(
  platform: PlatformInput,
  guest: GuestLayout | undefined,
  host: HostFacts | undefined,
  events: readonly PlacedEvent[],
): Finding[] {
  if (events.length === 0) return [];
  const report = analyze({
    platform,
    ...(guest ? { guest } : {}),
    ...(host ? { host } : {}),
    events,
  });
  return report.findings.filter((f) => f.kind === 'pasted-error' || f.kind === 'pasted-fault');
}

/** A range widened by an eighth of its length on each side (at least one page), clamped to u64. */
export function withMargin(r: Range): Range {
  const len = r.last - r.start + 1n;
  const pad = len / 8n > 0x1000n ? len / 8n : 0x1000n;
  const max = (1n << 64n) - 1n;
  return {
    start: r.start > pad ? r.start - pad : 0n,
    last: r.last + pad > max ? max : r.last + pad,
  };
}

/** Fits the map on ranges with a margin, and marks them. */
export function focusRanges(store: AppStore, ranges: readonly Range[], label: string): void {
  const u = span(ranges);
  const s = store.getState();
  s.setFocus({ ranges, label });
  if (!u) return;
  s.setCompressed(false);
  s.setViewport(fitRange(withMargin(u)));
}

/** A finding clicked: the map fits its addresses, its device or group is selected (without leaving the findings tab). */
export function focusFinding(store: AppStore, f: Finding): void {
  focusRanges(store, f.addresses, `${f.kind}: ${f.objects.join(', ')}`);
  const s = store.getState();
  const index = s.history?.present.state.index;
  if (!index) return;
  const bdf = devicesOf(f.refs).find((b) => index.devices.has(b));
  if (bdf) {
    s.select({ kind: 'device', bdf }, { quiet: true });
    return;
  }
  const g = f.refs.find((r) => r.kind === 'group' && index.groups.has(r.group));
  if (g?.kind === 'group') s.select({ kind: 'group', group: g.group }, { quiet: true });
}
