import { regionSource } from '../platform/region-source.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import { DeviceTable } from './device-merge.ts';
import {
  ASSUMED_UNIT_PREFIX,
  assumptionSentence,
  inferUnits,
  type UnitChoice,
} from './infer-units.ts';
import type { HostFacts, PartialScenario, PlacedEvent } from './types.ts';

/**
 * Several partial scenarios into one (a groups listing + lspci -vvv + reserved_regions, say):
 * devices merged by BDF (earlier inputs win a conflicting field), units by id, regions and steps
 * concatenated, the last guest layout kept. Units assumed by one part are dropped and assumed
 * again over the whole (infer-units.ts): another part may name the real one.
 */
export function mergeImports(
  parts: ReadonlyArray<{
    scenario: PartialScenario;
    events?: readonly PlacedEvent[];
    host?: HostFacts;
  }>,
  choice?: UnitChoice,
): {
  scenario: PartialScenario;
  events: PlacedEvent[];
  host: HostFacts;
  notes: string[];
} {
  const table = new DeviceTable();
  const iommus = new Map<string, NonNullable<PlatformInput['iommus']>[number]>();
  const regions: NonNullable<PlatformInput['reservedRegions']> = [];
  const bridges = new Map<string, NonNullable<PlatformInput['hostBridges']>[number]>();
  const platform: PlatformInput = {};
  const scenario: PartialScenario = {};
  const events: PlacedEvent[] = [];
  const host: HostFacts = {};
  for (const p of parts) {
    const pl = p.scenario.platform;
    if (pl) {
      for (const d of pl.devices ?? []) {
        const cur = table.get(d.bdf);
        // lspci -vvv (the source that reads ACS) knows the PCIe type and ACS better than a
        // bundle's guess from topology, which marks ACS 'unknown'.
        if (
          cur &&
          d.acs !== undefined &&
          d.acs !== 'unknown' &&
          (cur.acs === 'unknown' || cur.acs === undefined)
        ) {
          table.set(d.bdf, { acs: d.acs, ...(d.pcieType ? { pcieType: d.pcieType } : {}) });
        }
        const { iommu, ...rest } = d;
        table.merge(d.bdf, iommu?.startsWith(ASSUMED_UNIT_PREFIX) ? rest : d);
      }
      for (const u of pl.iommus ?? [])
        if (!iommus.has(u.id) && !u.id.startsWith(ASSUMED_UNIT_PREFIX)) iommus.set(u.id, u);
      regions.push(...(pl.reservedRegions ?? []).filter((r) => regionSource(r) !== 'assumed'));
      for (const b of pl.hostBridges ?? []) if (!bridges.has(b.id)) bridges.set(b.id, b);
      if (pl.arch && !platform.arch) platform.arch = pl.arch;
      if (pl.kernel && !platform.kernel) platform.kernel = pl.kernel;
      if (pl.moduleParams) platform.moduleParams = { ...pl.moduleParams, ...platform.moduleParams };
    }
    if (p.scenario.guest) scenario.guest = p.scenario.guest;
    if (p.scenario.steps) scenario.steps = [...(scenario.steps ?? []), ...p.scenario.steps];
    events.push(...(p.events ?? []));
    for (const [k, v] of Object.entries(p.host ?? {}))
      if (
        k !== 'unitAssumption' &&
        k !== 'pastedErrors' &&
        (host as Record<string, unknown>)[k] === undefined
      )
        (host as Record<string, unknown>)[k] = v;
    if (p.host?.pastedErrors?.length)
      host.pastedErrors = [...(host.pastedErrors ?? []), ...p.host.pastedErrors];
  }
  // sysfs and lspci agree on groups; when several inputs name one device's group, the first wins.
  if (table.size) platform.devices = table.list();
  if (iommus.size) platform.iommus = [...iommus.values()];
  if (regions.length) platform.reservedRegions = regions;
  if (bridges.size) platform.hostBridges = [...bridges.values()];
  const notes: string[] = [];
  if (Object.keys(platform).length) {
    const inferred = inferUnits(platform, host, choice);
    scenario.platform = inferred.platform;
    if (!inferred.platform.iommus?.length) delete scenario.platform.iommus;
    if (inferred.assumption) {
      host.unitAssumption = inferred.assumption;
      const s = assumptionSentence(inferred.assumption);
      if (s) notes.push(s);
    }
  }
  return { scenario, events, host, notes };
}
