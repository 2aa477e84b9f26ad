import { deviceRef, entityLabel, sectionRef, type EntityRef } from '../entity-ref.ts';
import type { GuestLayout } from '../importers/types.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import type { Bar, PciDevice } from '../platform/types.ts';
import { formatRange, intersection, type Range } from '../u64.ts';
import { mappedSections } from './guest.ts';
import { about, type Finding } from './types.ts';
import { isBridge, missingAcs } from './topology.ts';

/**
 * DMA routes that never reach the IOMMU. A PCIe switch routes a memory request by address: a
 * request entering a downstream port whose target lies in a sibling port's window goes straight
 * across unless the ingress port has ACS Request Redirect (RR; completions: CR) enabled, which
 * forces it up to the root complex and the IOMMU (`pci_acs_path_enabled`, and the P2PDMA
 * distance code `pci_p2pdma_distance` that treats an ACS-redirecting path as "through the host
 * bridge"). Seed 003: behind a downstream port without ACS a device's DMA can even come back to
 * its own BAR untranslated. The IOVA the guest programs is the bus address the switch sees, so a
 * guest RAM IOVA equal to a peer's BAR goes to that BAR (pain 25).
 */

interface Route {
  from: PciDevice;
  port: PciDevice;
  peers: Array<{ dev: PciDevice; bar: Bar }>;
  own: Bar[];
  unknown: boolean;
  missing: string[];
}

function subtree(index: PlatformIndex, root: string): PciDevice[] {
  const out: PciDevice[] = [];
  const kids = new Map<string, PciDevice[]>();
  for (const d of index.platform.devices)
    if (d.parent) kids.set(d.parent, [...(kids.get(d.parent) ?? []), d]);
  const stack = [...(kids.get(root) ?? [])];
  const seen = new Set<string>();
  while (stack.length) {
    const d = stack.pop() as PciDevice;
    if (seen.has(d.bdf)) continue;
    seen.add(d.bdf);
    out.push(d);
    stack.push(...(kids.get(d.bdf) ?? []));
  }
  return out;
}

export function bypassRoutes(index: PlatformIndex, sources: readonly string[]): Route[] {
  const routes: Route[] = [];
  for (const bdf of sources) {
    const from = index.devices.get(bdf);
    if (!from || isBridge(from)) continue;
    const port = from.parent ? index.devices.get(from.parent) : undefined;
    if (!port || port.pcieType !== 'downstream') continue;
    const unknown = port.acs === 'unknown';
    const missing = unknown ? ['RR', 'CR'] : missingAcs(port, ['RR', 'CR']);
    if (!missing.includes('RR')) continue;
    const upstream = port.parent ? index.devices.get(port.parent) : undefined;
    const domain = upstream ? subtree(index, upstream.bdf) : subtree(index, port.bdf);
    const peers = domain
      .filter((d) => d.bdf !== from.bdf)
      .flatMap((d) => d.bars.map((bar) => ({ dev: d, bar })));
    routes.push({ from, port, peers, own: [...from.bars], unknown, missing });
  }
  return routes;
}

/** A BAR a guest RAM section may alias, named by reference. */
const barOf = (ref: EntityRef, bar: Range) => ({ ref, name: entityLabel(ref), bar });

export function p2pFindings(
  index: PlatformIndex,
  sources: readonly string[],
  guest: GuestLayout | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const r of bypassRoutes(index, sources)) {
    const g = index.groupOf.get(r.from.bdf);
    const otherGroup = r.peers.filter((p) => index.groupOf.get(p.dev.bdf) !== g);
    const peerNames = [...new Set(r.peers.map((p) => p.dev.bdf))];
    const cause = r.unknown
      ? `the ACS state of downstream port ${r.port.bdf} could not be read (lspci <access denied>), so it may lack Request Redirect`
      : `downstream port ${r.port.bdf} does not enable ACS ${r.missing.join(' and ')}`;
    out.push({
      severity: otherGroup.length > 0 ? 'warning' : 'info',
      kind: 'p2p-bypass',
      ...about([r.from.bdf, r.port.bdf, ...peerNames].map(deviceRef)),
      addresses: [
        ...r.peers.map((p) => ({ start: p.bar.start, last: p.bar.last })),
        ...r.own.map((b) => ({ start: b.start, last: b.last })),
      ],
      message: `DMA from ${r.from.bdf} (group ${g}) can bypass the IOMMU: ${cause}, so requests addressed to ${peerNames.length ? `the BARs of ${peerNames.join(', ')}` : 'other devices below the switch'}${r.own.length ? ` or back to its own BAR${r.own.length > 1 ? 's' : ''} ${r.own.map((b) => formatRange(b)).join(', ')}` : ''} are routed by the switch without translation${otherGroup.length ? ` — across IOMMU groups (${[...new Set(otherGroup.map((p) => `group ${index.groupOf.get(p.dev.bdf)}`))].join(', ')}), which the kernel's classic grouping does not account for` : ''}.`,
    });
    if (!guest) continue;
    for (const s of mappedSections(guest).filter((x) => x.kind === 'ram')) {
      for (const p of [
        ...r.peers.map((x) => barOf({ kind: 'bar', bdf: x.dev.bdf, bar: x.bar.index }, x.bar)),
        ...r.own.map((b) => barOf({ kind: 'bar', bdf: r.from.bdf, bar: b.index, own: true }, b)),
      ]) {
        const hit = intersection(s, p.bar);
        if (!hit) continue;
        out.push({
          severity: 'warning',
          kind: 'iova-is-peer-bar',
          ...about([deviceRef(r.from.bdf), sectionRef(s), p.ref]),
          addresses: [hit],
          message: `Guest RAM IOVAs ${formatRange(hit)} (${s.name}) equal the host bus addresses of ${p.name}: a DMA by ${r.from.bdf} to them is routed by ${r.port.bdf} (no ACS RR/CR) to that BAR instead of up to the IOMMU and guest memory — data goes to the wrong place (AER or hangs are typical).`,
        });
      }
    }
  }
  return out;
}
