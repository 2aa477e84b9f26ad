import type { RegionSource } from './types.ts';

/** The words the importers put in `origin` for what they assumed, and the analysis repeats. */
export const ASSUMED_REGION_NOTE = 'assumed: no reserved_regions in the input';

/** The `origin` of a region read from sysfs: which file it came from. */
export function sysfsOrigin(group: number | undefined): string {
  return group !== undefined ? `group ${group} sysfs reserved_regions` : 'sysfs reserved_regions';
}

/**
 * Origins the importers wrote before regions carried a `source`, and the source each one meant:
 * a scenario exported then still reads the same. Exact sentences only — a hand-written origin
 * says nothing about where the model got the region.
 */
const LEGACY_ORIGINS: ReadonlyMap<string, RegionSource> = new Map([
  ['sysfs reserved_regions', 'sysfs-union'],
  ['SW_MSI window (MSI_IOVA_BASE), printed as msi by sysfs', 'sysfs-sw-msi'],
  ['RMRR (dmesg identity map)', 'rmrr'],
  [`AMD HyperTransport window (${ASSUMED_REGION_NOTE})`, 'assumed'],
  [`MSI window every Intel VT-d device reports (${ASSUMED_REGION_NOTE})`, 'assumed'],
  [`MSI window every AMD-Vi device reports (${ASSUMED_REGION_NOTE})`, 'assumed'],
]);

/** Where the model got a region: its `source`, or for an older file the source its origin meant. */
export function regionSource(r: {
  readonly source?: RegionSource | undefined;
  readonly origin?: string | undefined;
  readonly group?: number | undefined;
}): RegionSource | undefined {
  if (r.source !== undefined) return r.source;
  if (r.origin === undefined) return undefined;
  if (r.group !== undefined && r.origin === sysfsOrigin(r.group)) return 'sysfs';
  return LEGACY_ORIGINS.get(r.origin);
}

/** Read from a sysfs reserved_regions file (with or without its group number). */
export function isFromSysfs(source: RegionSource | undefined): boolean {
  return source === 'sysfs' || source === 'sysfs-union';
}
