import { compareBdf, isPciBdf, slotKey } from './bdf.ts';
import type { AcsFlag, PciDevice, Platform } from './types.ts';

/**
 * IOMMU group formation, restating `pci_device_group` (drivers/iommu/iommu.c) with
 * `pci_for_each_dma_alias`, `pci_acs_enabled` and `pci_acs_path_enabled` (drivers/pci).
 * Kernel-semantics §6.5.
 */

/** `REQ_ACS_FLAGS`: source validation, request redirect, completion redirect, upstream forwarding. */
export const REQ_ACS_FLAGS: readonly AcsFlag[] = ['SV', 'RR', 'CR', 'UF'];

/** Why a device is not isolated at one hop, for explanations and findings. */
export interface AcsVerdict {
  readonly enabled: boolean;
  readonly reason: string;
}

/**
 * `pci_acs_flags_enabled`: no capability = not enabled; a feature the capability does not
 * advertise counts as hard-wired on (`flags &= cap | EC`), so only advertised features must be
 * enabled in ACSCtl.
 */
export function acsFlagsEnabled(
  dev: PciDevice,
  flags: readonly AcsFlag[] = REQ_ACS_FLAGS,
): AcsVerdict {
  const acs = dev.acs;
  if (acs === null) return { enabled: false, reason: `${dev.bdf} has no ACS capability` };
  if (acs === 'unknown')
    return {
      enabled: false,
      reason: `${dev.bdf}'s ACS could not be read (lspci: <access denied>)`,
    };
  const required = flags.filter((f) => acs.cap.includes(f) || f === 'EC');
  const missing = required.filter((f) => !acs.ctl.includes(f));
  if (missing.length > 0) {
    return {
      enabled: false,
      reason: `${dev.bdf} advertises but does not enable ACS ${missing.join(' ')}`,
    };
  }
  return {
    enabled: true,
    reason: `${dev.bdf} enables ACS ${required.join(' ') || '(all hard-wired)'}`,
  };
}

/** `pci_acs_enabled` for the REQ_ACS_FLAGS, by PCIe type (kernel-semantics §6.5, medium). */
export function acsEnabled(dev: PciDevice, flags: readonly AcsFlag[] = REQ_ACS_FLAGS): AcsVerdict {
  switch (dev.pcieType) {
    case undefined:
    case 'conventional':
      return { enabled: false, reason: `${dev.bdf} is conventional PCI, which has no ACS` };
    case 'pcie_to_pci_bridge':
      return {
        enabled: false,
        reason: `${dev.bdf} is a PCIe-to-PCI bridge; ACS never applies to it`,
      };
    case 'root_port':
    case 'downstream':
      return acsFlagsEnabled(dev, flags);
    default:
      // Endpoints, RC-integrated endpoints and upstream ports need ACS only when multifunction.
      if (dev.multifunction) return acsFlagsEnabled(dev, flags);
      return {
        enabled: true,
        reason: `${dev.bdf} is a single-function ${dev.pcieType}; it needs no ACS`,
      };
  }
}

export interface GroupDerivation {
  /** Group number of every device that has one. */
  readonly groupOf: ReadonlyMap<string, number>;
  /** Why each derived device landed where it did (pinned groups say so). */
  readonly reasons: ReadonlyMap<string, string>;
  /** Devices whose group number the scenario gives (read from sysfs), not derived here. */
  readonly pinned: ReadonlySet<string>;
}

/**
 * Assigns IOMMU groups: pinned numbers from the scenario are kept; every other device behind an
 * IOMMU gets the group `pci_device_group` would give it. Devices are added parents first, then in
 * bus order, as the kernel probes them; new groups are numbered after the largest pinned one.
 */
export function deriveGroups(platform: Platform): GroupDerivation {
  const byBdf = new Map(platform.devices.map((d) => [d.bdf, d] as const));
  const groupOf = new Map<string, number>();
  const reasons = new Map<string, string>();
  const pinned = new Set<string>();
  let next = 0;
  for (const d of platform.devices) {
    if (d.group !== undefined && d.iommu !== undefined) {
      groupOf.set(d.bdf, d.group);
      pinned.add(d.bdf);
      reasons.set(d.bdf, `group ${d.group} is given by the scenario (as read from sysfs)`);
      next = Math.max(next, d.group + 1);
    }
  }

  const depth = (d: PciDevice): number => {
    let n = 0;
    let p = d.parent ? byBdf.get(d.parent) : undefined;
    const seen = new Set<string>();
    while (p && !seen.has(p.bdf)) {
      seen.add(p.bdf);
      n++;
      p = p.parent ? byBdf.get(p.parent) : undefined;
    }
    return n;
  };
  const order = [...platform.devices].sort(
    (a, b) => depth(a) - depth(b) || compareBdf(a.bdf, b.bdf),
  );

  const parentOf = (d: PciDevice): PciDevice | undefined =>
    d.parent ? byBdf.get(d.parent) : undefined;

  const acsPathEnabled = (start: PciDevice): AcsVerdict => {
    const seen = new Set<string>();
    for (let dev: PciDevice | undefined = start; dev && !seen.has(dev.bdf); dev = parentOf(dev)) {
      seen.add(dev.bdf);
      const v = acsEnabled(dev);
      if (!v.enabled) return v;
    }
    return { enabled: true, reason: `ACS is enabled from ${start.bdf} up to the root` };
  };

  const assign = (d: PciDevice, group: number, reason: string) => {
    groupOf.set(d.bdf, group);
    reasons.set(d.bdf, reason);
  };

  for (const dev of order) {
    if (dev.iommu === undefined || groupOf.has(dev.bdf)) continue;
    if (!isPciBdf(dev.bdf)) {
      // generic_device_group: a non-PCI device gets a group of its own.
      assign(
        dev,
        next++,
        `${dev.bdf} is not a PCI device: a group of its own (generic_device_group)`,
      );
      continue;
    }

    // 1. DMA aliases (pci_for_each_dma_alias): a PCIe-to-PCI bridge above takes over the
    //    requester ID of everything behind it. The last alias becomes pdev.
    let pdev = dev;
    let found: number | undefined;
    let foundReason = '';
    const seen = new Set<string>();
    for (let up = parentOf(dev); up && !seen.has(up.bdf); up = parentOf(up)) {
      seen.add(up.bdf);
      if (
        up.pcieType === 'pcie_to_pci_bridge' ||
        up.pcieType === 'conventional' ||
        up.pcieType === undefined
      ) {
        pdev = up;
        const g = groupOf.get(up.bdf);
        if (g !== undefined) {
          found = g;
          foundReason = `${dev.bdf} sits behind ${up.bdf}, which forwards its DMA under the bridge's own requester ID`;
          break;
        }
      }
    }
    if (found !== undefined) {
      assign(dev, found, foundReason);
      continue;
    }

    // 2. Climb toward the root until a bridge with ACS on the whole path above it.
    let reason = '';
    const climbed = new Set<string>();
    for (
      let bridge = parentOf(pdev);
      bridge && !climbed.has(bridge.bdf);
      bridge = parentOf(bridge)
    ) {
      climbed.add(bridge.bdf);
      const path = acsPathEnabled(bridge);
      if (path.enabled) break;
      pdev = bridge;
      reason = `the path above ${dev.bdf} is not isolated: ${path.reason}`;
      const g = groupOf.get(bridge.bdf);
      if (g !== undefined) {
        found = g;
        break;
      }
    }
    if (found !== undefined) {
      assign(dev, found, `${dev.bdf} shares ${pdev.bdf}'s group: ${reason}`);
      continue;
    }

    // 4. Multifunction without ACS: functions of one slot that all lack ACS share a group.
    if (pdev.multifunction && !acsEnabled(pdev).enabled) {
      const slot = slotKey(pdev.bdf);
      const sibling = platform.devices.find(
        (t) =>
          t.bdf !== pdev.bdf &&
          slotKey(t.bdf) === slot &&
          t.multifunction &&
          !acsEnabled(t).enabled &&
          groupOf.has(t.bdf),
      );
      if (sibling) {
        assign(
          dev,
          groupOf.get(sibling.bdf) as number,
          `${pdev.bdf} is a function of a multifunction device without ACS, like ${sibling.bdf}: the functions may talk to each other`,
        );
        continue;
      }
    }

    // 5. A new group.
    assign(
      dev,
      next++,
      reason
        ? `${dev.bdf} heads a new group: ${reason}`
        : `${dev.bdf} is isolated: a group of its own`,
    );
  }

  // A device that started a group is told "a group of its own" when it is added; devices probed
  // later may still join it (behind its bridge, or as sibling functions). Say so once all are in.
  const members = new Map<number, string[]>();
  for (const [bdf, g] of groupOf) members.set(g, [...(members.get(g) ?? []), bdf]);
  for (const [bdf, reason] of reasons) {
    const others = (members.get(groupOf.get(bdf) as number) ?? []).filter((b) => b !== bdf);
    if (others.length > 0 && reason.endsWith('is isolated: a group of its own')) {
      reasons.set(
        bdf,
        `${bdf} heads group ${groupOf.get(bdf)}, which ${others.join(', ')} ${others.length === 1 ? 'joins' : 'join'}`,
      );
    }
  }
  return { groupOf, reasons, pinned };
}
