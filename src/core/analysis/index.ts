import type { GuestLayout, HostFacts, ImportedStep, PlacedEvent } from '../importers/types.ts';
import { normalizePlatform, type PlatformInput } from '../platform/normalize.ts';
import { indexPlatform, type PlatformIndex } from '../platform/platform-index.ts';
import type { PciDevice } from '../platform/types.ts';
import { isVfioDriver } from '../iommu/ownership.ts';
import { addresslessFindings, eventFindings, traceFindings } from './events.ts';
import { dmaLimitFindings, guestFindings, viommuFindings, type VmmModel } from './guest.ts';
import { acsOverrideFindings, largeGroupFindings, viabilityFindings } from './groups.ts';
import { hostFindings } from './host.ts';
import { domainFindings, msiFindings, rmrrFindings, withRelaxableRmrrs } from './isolation.ts';
import { p2pFindings } from './p2p.ts';
import { seed000Findings } from './host-bridge.ts';
import { about, SEVERITY_ORDER, type Finding } from './types.ts';
import { isBridge } from './topology.ts';

export * from './types.ts';
export type { VmmModel } from './guest.ts';

export interface CheckInput {
  platform: PlatformInput;
  guest?: GuestLayout;
  host?: HostFacts;
  events?: readonly PlacedEvent[];
  steps?: readonly ImportedStep[];
  stepLines?: readonly number[];
  /** How the VMM issues MAP_DMA, for the entry-limit projection (default: plain QEMU). */
  vmm?: VmmModel;
  /** Groups to assign; default: the groups with a device bound to a vfio driver. */
  groups?: readonly number[];
}

/**
 * What dmesg said about interrupts, applied to units that did not state it: the MSI controller on
 * ARM (an ITS isolates, a GICv2m frame does not) and x86 interrupt remapping being off.
 */
export function withHostFacts(platform: PlatformInput, host: HostFacts | undefined): PlatformInput {
  if (!host || (host.msiController === undefined && host.interruptRemapping !== false))
    return platform;
  return {
    ...platform,
    iommus: (platform.iommus ?? []).map((u) => {
      if (u.kind === 'smmuv3' && host.msiController && u.interruptRemapping === undefined)
        return { ...u, interruptRemapping: host.msiController === 'its' };
      if ((u.kind === 'vtd' || u.kind === 'amd') && host.interruptRemapping === false)
        return { ...u, interruptRemapping: false };
      return u;
    }),
  };
}

export interface CheckReport {
  findings: Finding[];
  /** The groups the guest checks assumed assigned, and why. */
  assigned: number[];
  assignedBecause: string;
}

/**
 * Every check over one host (+ guest, pasted lines, trace). Findings come sorted by severity.
 * The guest, trace and error-line checks use the groups bound to vfio-pci; when none is, every
 * group with an endpoint is assumed assigned ("what if"), and the report says so.
 */
export function analyze(raw: CheckInput): CheckReport {
  const input = { ...raw, platform: withRelaxableRmrrs(withHostFacts(raw.platform, raw.host)) };
  const findings: Finding[] = [];
  findings.push(...hostFindings(input.host, input.platform.arch));
  let index: PlatformIndex;
  try {
    index = indexPlatform(normalizePlatform(input.platform));
  } catch (e) {
    findings.push({
      severity: 'error',
      kind: 'guest-map-refused',
      ...about([{ kind: 'platform' }]),
      addresses: [],
      message: `The platform could not be modelled: ${(e as Error).message}.`,
    });
    return { findings, assigned: [], assignedBecause: 'no platform' };
  }
  const vfioGroups = [...index.groups.values()]
    .filter((g) => g.devices.some((b) => isVfioDriver(index.devices.get(b)?.hostDriver)))
    .map((g) => g.id);
  const endpointGroups = [...index.groups.values()]
    .filter((g) =>
      g.devices.some((b) => {
        const d = index.devices.get(b) as PciDevice;
        return !isBridge(d) && !d.class?.startsWith('0x0600');
      }),
    )
    .map((g) => g.id);
  let assigned: number[];
  let because: string;
  if (input.groups && input.groups.length) {
    assigned = input.groups.filter((g) => index.groups.has(g));
    because = 'given';
  } else if (vfioGroups.length) {
    assigned = vfioGroups;
    because = 'bound to vfio-pci';
  } else {
    assigned = endpointGroups;
    because = 'no group is bound to vfio-pci: every group with an endpoint is assumed assigned';
  }
  const explicit =
    because !== 'no group is bound to vfio-pci: every group with an endpoint is assumed assigned';

  findings.push(...viabilityFindings(index, explicit ? assigned : [...index.groups.keys()]));
  findings.push(...largeGroupFindings(input.platform, index, [...index.groups.keys()], input.host));
  findings.push(...acsOverrideFindings(input.platform, index, [...index.groups.keys()]));
  // Groups the user named (`--groups`): other groups' RMRRs are info, not errors.
  findings.push(
    ...rmrrFindings(input.platform, index, input.host, because === 'given' ? assigned : undefined),
  );
  findings.push(...msiFindings(input.platform, index, assigned, input.host));
  if (explicit) findings.push(...domainFindings(input.platform, index, assigned, input.host));
  const sources = assigned.flatMap((g) => [...(index.groups.get(g)?.devices ?? [])]);
  findings.push(...p2pFindings(index, sources, input.guest));
  findings.push(...seed000Findings(index, input.host));
  if (input.guest) {
    findings.push(...guestFindings(input.platform, assigned, input.guest, input.host));
    findings.push(...viommuFindings(input.guest));
  }
  findings.push(
    ...dmaLimitFindings(
      input.guest,
      input.vmm ?? { kind: 'qemu', ...(input.guest ? {} : {}) },
      index.platform.moduleParams['vfio_iommu_type1.dma_entry_limit'],
    ),
  );
  if (input.host?.pastedErrors?.length)
    findings.push(...addresslessFindings(input.host.pastedErrors));
  if (input.events?.length)
    findings.push(
      ...eventFindings(input.platform, assigned, input.events, input.guest, input.host),
    );
  if (input.steps?.length)
    findings.push(...traceFindings(input.platform, assigned, input.steps, input.stepLines));
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { findings, assigned, assignedBecause: because };
}
