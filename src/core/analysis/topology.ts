import { acsEnabled, acsFlagsEnabled, deriveGroups } from '../platform/groups.ts';
import { normalizePlatform, type PlatformInput } from '../platform/normalize.ts';
import type { AcsFlag, PciDevice, Platform } from '../platform/types.ts';

/** Topology helpers over a normalized platform: paths to the root, bridges, derived groups. */

export const BRIDGE_TYPES = new Set(['root_port', 'upstream', 'downstream', 'pcie_to_pci_bridge']);

export function isBridge(d: PciDevice): boolean {
  return BRIDGE_TYPES.has(d.pcieType ?? '') || (d.class?.startsWith('0x0604') ?? false);
}

/** The device's ancestors, nearest first. */
export function pathToRoot(platform: Platform, bdf: string): PciDevice[] {
  const by = new Map(platform.devices.map((d) => [d.bdf, d] as const));
  const out: PciDevice[] = [];
  const seen = new Set<string>([bdf]);
  for (let p = by.get(bdf)?.parent; p && !seen.has(p); p = by.get(p)?.parent) {
    seen.add(p);
    const d = by.get(p);
    if (!d) break;
    out.push(d);
  }
  return out;
}

/** Which of the flags a port advertises but does not enable (`pci_acs_flags_enabled` per flag). */
export function missingAcs(d: PciDevice, flags: readonly AcsFlag[]): AcsFlag[] {
  return flags.filter((f) => !acsFlagsEnabled(d, [f]).enabled);
}

/** Groups as `pci_device_group` would form them, ignoring the numbers pinned by an import. */
export function derivedGroups(
  input: PlatformInput,
  transform?: (
    d: NonNullable<PlatformInput['devices']>[number],
  ) => NonNullable<PlatformInput['devices']>[number],
) {
  const devices = (input.devices ?? []).map((d) => {
    const { group: _g, ...rest } = d;
    return transform ? transform(rest) : rest;
  });
  const platform = normalizePlatform({ ...input, devices });
  return { platform, ...deriveGroups(platform) };
}

/** Sets of BDFs per derived group id. */
export function membersByGroup(groupOf: ReadonlyMap<string, number>): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const [bdf, g] of groupOf) m.set(g, [...(m.get(g) ?? []), bdf]);
  return m;
}

export { acsEnabled, acsFlagsEnabled };
