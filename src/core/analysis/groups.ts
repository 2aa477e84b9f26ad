import { deviceRef, groupRef } from '../entity-ref.ts';
import type { HostFacts } from '../importers/types.ts';
import { canonicalBdf } from '../platform/bdf.ts';
import type { AcsInput, PlatformInput } from '../platform/normalize.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import { isDmaApiDriver, isVfioDriver } from '../iommu/ownership.ts';
import { REQ_ACS_FLAGS } from '../platform/groups.ts';
import type { PciDevice } from '../platform/types.ts';
import { about, type Finding } from './types.ts';
import {
  acsEnabled,
  derivedGroups,
  isBridge,
  membersByGroup,
  missingAcs,
  pathToRoot,
} from './topology.ts';

/**
 * Group-level findings: viability (`iommu_group_claim_dma_owner` refuses while a member is bound
 * to a kernel DMA-API driver; bridges with pcieport are fine), why a group is big (the bridge on
 * the path that lacks which ACS control, multifunction devices without ACS, PCIe-to-PCI
 * bridges — `pci_device_group`), and the ACS-override what-if (the out-of-tree
 * `pcie_acs_override=downstream,multifunction` patch makes `pci_acs_enabled` claim isolation).
 */

function describeMember(d: PciDevice): string {
  return `${d.bdf}${d.hostDriver ? ` (${d.hostDriver})` : ''}`;
}

export function viabilityFindings(index: PlatformIndex, groups: readonly number[]): Finding[] {
  const out: Finding[] = [];
  for (const g of groups) {
    const grp = index.groups.get(g);
    if (!grp) continue;
    const members = grp.devices.map((b) => index.devices.get(b) as PciDevice);
    const vfio = members.filter((d) => isVfioDriver(d.hostDriver));
    const blockers = members.filter((d) => isDmaApiDriver(d.hostDriver));
    if (blockers.length === 0) continue;
    out.push({
      severity: vfio.length > 0 ? 'error' : 'warning',
      kind: 'group-not-viable',
      ...about([groupRef(g), ...blockers.map((d) => deviceRef(d.bdf))]),
      addresses: [],
      message: `Group ${g} is not viable: ${blockers.map(describeMember).join(', ')} ${blockers.length > 1 ? 'are' : 'is'} bound to a kernel driver, so opening the group for VFIO fails with EPERM (iommu_group_claim_dma_owner; QEMU: "group ${g} is not viable"); bind every endpoint of the group to vfio-pci${members.some(isBridge) ? ' (bridges may keep pcieport)' : ''}${vfio.length ? ` — ${vfio.map((d) => d.bdf).join(', ')} already ${vfio.length > 1 ? 'are' : 'is'}` : ''}.`,
    });
  }
  return out;
}

/** Why each multi-device group exists, from the topology with pinned numbers set aside. */
export function largeGroupFindings(
  input: PlatformInput,
  index: PlatformIndex,
  groups: readonly number[],
  host?: HostFacts,
): Finding[] {
  const out: Finding[] = [];
  // Why ACS is unknown: only what the input shows (the collector's "unreadable lspci" line); the
  // platform cannot tell "<access denied>" from "not collected", so neither is claimed otherwise.
  const lspciUnread = (host?.unreadable ?? []).find((u) => /^lspci\b/.test(u));
  const acsUnknown = lspciUnread
    ? `the input has no ACS for it (${lspciUnread})`
    : 'the input has no ACSCtl line for it';
  const { platform, groupOf, reasons, pinned } = derivedGroups(input);
  for (const g of groups) {
    const grp = index.groups.get(g);
    if (!grp) continue;
    const endpoints = grp.devices.filter((b) => !isBridge(index.devices.get(b) as PciDevice));
    if (grp.devices.length < 2 || endpoints.length < 1) continue;
    const why: string[] = [];
    const bridges = new Set<string>();
    for (const b of grp.devices) {
      for (const up of pathToRoot(platform, b)) {
        if (bridges.has(up.bdf)) continue;
        bridges.add(up.bdf);
        const v = acsEnabled(up);
        if (v.enabled) continue;
        if (up.pcieType === 'root_port' || up.pcieType === 'downstream') {
          if (up.acs === 'unknown')
            why.push(
              `${up.bdf} (${up.pcieType.replace('_', ' ')}): its ACS is unknown, ${acsUnknown}`,
            );
          else if (up.acs === null)
            why.push(`${up.bdf} (${up.pcieType.replace('_', ' ')}) has no ACS capability`);
          else
            why.push(
              `${up.bdf} (${up.pcieType.replace('_', ' ')}) lacks ACS ${missingAcs(up, REQ_ACS_FLAGS).join(' ')} (ACSCtl)`,
            );
        } else if (up.pcieType === 'pcie_to_pci_bridge' || up.pcieType === 'conventional') {
          why.push(
            `${up.bdf} is a ${up.pcieType === 'conventional' ? 'conventional PCI bridge' : 'PCIe-to-PCI bridge'}: devices behind it share its requester ID`,
          );
        }
      }
    }
    const slots = new Map<string, PciDevice[]>();
    for (const b of grp.devices) {
      const d = platform.devices.find((x) => x.bdf === b);
      if (d?.multifunction && !acsEnabled(d).enabled)
        slots.set(b.slice(0, -2), [...(slots.get(b.slice(0, -2)) ?? []), d]);
    }
    for (const [slot, fns] of slots) {
      if (fns.length > 1)
        why.push(
          `${slot}.* is a multifunction device whose functions (${fns.map((f) => f.bdf.slice(-1)).join(', ')}) have no usable ACS, so they may talk to each other`,
        );
    }
    const derived = new Set(grp.devices.map((b) => groupOf.get(b)));
    if (why.length === 0) {
      // A pinned group number explains nothing about why the devices share it.
      const r = grp.devices
        .filter((b) => !pinned.has(b))
        .map((b) => reasons.get(b))
        .filter((x): x is string => !!x);
      why.push(...new Set(r));
    }
    if (why.length === 0)
      why.push(
        'the topology read here does not explain it (quirks, or ACS state the input does not give)',
      );
    out.push({
      severity: endpoints.length > 1 ? 'warning' : 'info',
      kind: 'group-large',
      ...about([groupRef(g), ...grp.devices.map(deviceRef)]),
      addresses: [],
      message: `Group ${g} holds ${grp.devices.length} devices (${grp.devices.join(', ')}) because ${why.join('; ')}${derived.size > 1 ? '; the topology alone would split it, so a kernel quirk or unread ACS state joined them' : ''}.`,
    });
  }
  return out;
}

/** What `pcie_acs_override=downstream,multifunction` would do, and what it gives up. */
export function acsOverrideFindings(
  input: PlatformInput,
  index: PlatformIndex,
  groups: readonly number[],
): Finding[] {
  const full: AcsInput = {
    cap: ['SV', 'TB', 'RR', 'CR', 'UF', 'EC', 'DT'],
    ctl: ['SV', 'RR', 'CR', 'UF'],
  };
  const forced = derivedGroups(input, (d) =>
    d.pcieType === 'root_port' ||
    d.pcieType === 'downstream' ||
    d.multifunction ||
    d.pcieType === 'rc_endpoint' ||
    d.pcieType === 'endpoint'
      ? { ...d, acs: full }
      : d,
  );
  const forcedMembers = membersByGroup(forced.groupOf);
  const out: Finding[] = [];
  for (const g of groups) {
    const grp = index.groups.get(g);
    if (!grp || grp.devices.length < 2) continue;
    const pieces = new Map<number, string[]>();
    for (const b of grp.devices) {
      const f = forced.groupOf.get(canonicalBdf(b));
      if (f === undefined) continue;
      pieces.set(
        f,
        (forcedMembers.get(f) ?? []).filter((x) => grp.devices.includes(x)),
      );
    }
    if (pieces.size < 2) continue;
    out.push({
      severity: 'info',
      kind: 'acs-override',
      ...about([groupRef(g), ...grp.devices.map(deviceRef)]),
      addresses: [],
      message: `With the out-of-tree pcie_acs_override=downstream,multifunction patch, group ${g} would split into ${pieces.size} groups (${[...pieces.values()].map((p) => `{${p.join(', ')}}`).join(', ')}); the hardware would still route peer-to-peer DMA between them without the IOMMU, so a device given to a VM could read or corrupt the others' memory — the override changes what the kernel believes, not what the switch does (not upstream; maintainers decline it).`,
    });
  }
  return out;
}
