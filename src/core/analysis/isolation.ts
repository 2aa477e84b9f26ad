import { deviceRef, groupRef, unitRef } from '../entity-ref.ts';
import { dryRun } from '../engine.ts';
import type { HostFacts } from '../importers/types.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import { canonicalBdf } from '../platform/bdf.ts';
import { groupHasIsolatedMsi, type PlatformIndex } from '../platform/platform-index.ts';
import { regionSource } from '../platform/region-source.ts';
import { rmrrIsRelaxable } from '../platform/rmrr.ts';
import { formatRange } from '../u64.ts';
import { unitAssumptionNote } from './assumption.ts';
import { assign, dryRunMessage } from './dry-run.ts';
import { about, type Finding } from './types.ts';

/**
 * Isolation findings answered by the engine: MSI isolation (type1 refuses the group attach with
 * EPERM unless `allow_unsafe_interrupts`), direct-mapped (RMRR/IVMD/RMR) regions that make a
 * device unassignable (`require_direct`, EINVAL at VFIO_GROUP_SET_CONTAINER), and domains that
 * cannot be shared because the units differ in snoop control (`VFIO_DMA_CC_IOMMU` then reads 0).
 */

/**
 * An RMRR the input states as "direct" for a known graphics or USB device is direct-relaxable
 * (`device_rmrr_is_relaxable`, drivers/iommu/intel/iommu.c): e.g. a dmesg identity-map line
 * whose device class only lspci gave. Group-level regions (sysfs reserved_regions, no device) are
 * the kernel's own classification and stay as they are.
 */
export function withRelaxableRmrrs(platform: PlatformInput): PlatformInput {
  const classes = new Map((platform.devices ?? []).map((d) => [canonicalBdf(d.bdf), d.class]));
  const relax = (r: NonNullable<PlatformInput['reservedRegions']>[number]) =>
    r.type === 'direct' &&
    r.device !== undefined &&
    regionSource(r) === 'rmrr' &&
    rmrrIsRelaxable(classes.get(canonicalBdf(r.device)));
  if (!(platform.reservedRegions ?? []).some(relax)) return platform;
  return {
    ...platform,
    reservedRegions: (platform.reservedRegions ?? []).map((r) =>
      relax(r) ? { ...r, type: 'direct-relaxable' as const } : r,
    ),
  };
}

export function msiFindings(
  input: PlatformInput,
  index: PlatformIndex,
  groups: readonly number[],
  host?: HostFacts,
): Finding[] {
  const out: Finding[] = [];
  const bad = groups.filter((g) => index.groups.has(g) && !groupHasIsolatedMsi(index, g));
  if (bad.length === 0) return out;
  const allowed = index.platform.moduleParams['vfio_iommu_type1.allow_unsafe_interrupts'];
  for (const g of bad) {
    // Dry run with the host's own module parameters: the engine says EPERM or lets it through.
    const a = assign(input, [g], { allowUnsafeInterrupts: false });
    const refusal = a.refused.find((r) => r.group === g)?.outcome;
    const unit = index.units.get(index.groups.get(g)?.iommu ?? '');
    const why =
      unit?.kind === 'smmuv3'
        ? 'its MSIs go through a GICv2m frame or another controller without an ITS'
        : `interrupt remapping is off${unit ? ` (${unit.id})` : ''}, and on x86 it is all or nothing`;
    out.push({
      severity: allowed ? 'warning' : 'error',
      kind: 'no-interrupt-remapping',
      ...about([groupRef(g)]),
      addresses: [],
      message:
        (refusal && refusal.errno === 'EPERM'
          ? `Group ${g} has no MSI isolation (${why}): attaching it to a type1 container returns EPERM (${refusal.rule}); only vfio_iommu_type1.allow_unsafe_interrupts=1 lets it through, and then a guest can forge MSIs to any interrupt.`
          : `Group ${g} has no MSI isolation (${why}); allow_unsafe_interrupts is set, so VFIO accepts it with a warning and the guest can forge MSIs.`) +
        unitAssumptionNote(host, [unit?.id]),
      ...(refusal ? { errno: refusal.errno, rule: refusal.rule } : {}),
    });
  }
  return out;
}

/**
 * The rules that refuse a group for its direct-mapped regions: `__iommu_device_set_domain`
 * (require_direct vs the blocking domain, ~6.6+) and, before that, VT-d's
 * `intel_iommu_attach_device` ("ineligible for IOMMU domain attach due to platform RMRR").
 */
const DIRECT_REGION_RULES = new Set(['__iommu_device_set_domain', 'intel_iommu_attach_device']);

/**
 * Direct-mapped regions per group. The dry run binds the group to vfio-pci first (`assign`), so
 * the direct-region rule is what it meets; if another rule still refuses first, the finding names
 * that refusal and claims no errno. `scope`: the groups the user asked for (`--groups`); findings
 * about other groups are info.
 */
export function rmrrFindings(
  input: PlatformInput,
  index: PlatformIndex,
  host: HostFacts | undefined,
  scope?: readonly number[],
): Finding[] {
  const out: Finding[] = [];
  const outside = (g: number | undefined) =>
    scope !== undefined && (g === undefined || !scope.includes(g));
  for (const [g, grp] of index.groups) {
    const direct = grp.resvRegions.filter((r) => r.type === 'direct');
    const relax = grp.resvRegions.filter((r) => r.type === 'direct-relaxable');
    const notAsked = outside(g) ? ` (group ${g} is not among the groups to assign)` : '';
    if (direct.length > 0) {
      const a = assign(input, [g], { allowUnsafeInterrupts: true });
      const refusal = a.refused.find((r) => r.group === g)?.outcome;
      const ruled = refusal && DIRECT_REGION_RULES.has(refusal.rule) ? refusal : undefined;
      const list = direct.map((r) => formatRange(r)).join(', ');
      const what = `Group ${g} has firmware direct-mapped region${direct.length > 1 ? 's' : ''} ${list} (RMRR/IVMD/RMR that must stay 1:1)`;
      let message: string;
      if (ruled) {
        const unit = index.units.get(grp.iommu);
        message = `${what}: VFIO_GROUP_SET_CONTAINER returns ${ruled.errno} (${ruled.rule}), so the group cannot be assigned; older VT-d kernels said "Device is ineligible for IOMMU domain attach due to platform RMRR requirement".${ruled.rule === 'intel_iommu_attach_device' ? unitAssumptionNote(host, [unit?.id]) : ''}`;
      } else if (refusal) {
        message = `${what}; the dry run (group bound to vfio-pci) is refused before the direct-region check, by ${refusal.rule}: ${dryRunMessage(refusal.message, a.container)}.`;
      } else {
        message = `${what}; kernel ${index.platform.kernel.version} predates the require_direct refusal (~6.6), so VFIO accepts the group and the firmware's 1:1 mapping is lost while it is assigned (the device may hang or write over guest memory).`;
      }
      out.push({
        severity: outside(g) ? 'info' : refusal ? 'error' : 'warning',
        kind: 'rmrr-direct',
        ...about([groupRef(g), ...grp.devices.map(deviceRef)]),
        addresses: direct.map((r) => ({ start: r.start, last: r.last })),
        message: message + notAsked,
        ...(ruled ? { errno: ruled.errno, rule: ruled.rule } : {}),
      });
    } else if (relax.length > 0) {
      out.push({
        severity: 'info',
        kind: 'rmrr-relaxable',
        ...about([groupRef(g), ...grp.devices.map(deviceRef)]),
        addresses: relax.map((r) => ({ start: r.start, last: r.last })),
        message: `Group ${g} reports direct-relaxable region${relax.length > 1 ? 's' : ''} ${relax.map((r) => formatRange(r)).join(', ')} (USB/graphics RMRR or the ISA-bridge floppy workaround): VFIO and iommufd drop them for assignment, so they neither block the group nor reserve IOVA.`,
      });
    }
  }
  for (const bdf of host?.rmrrIneligible ?? []) {
    const g = index.groupOf.get(canonicalBdf(bdf));
    out.push({
      severity: outside(g) ? 'info' : 'error',
      kind: 'rmrr-direct',
      ...about([deviceRef(bdf)]),
      addresses: [],
      message: `dmesg says ${bdf} "is ineligible for IOMMU domain attach due to platform RMRR requirement": firmware requires a 1:1 mapping for it (a strict RMRR: device_rmrr_is_relaxable leaves only USB and graphics devices' RMRRs relaxable), so intel_iommu will not put it in a VFIO domain and it cannot be assigned; HP ProLiant firmware commonly sets such RMRRs on NICs and RAID controllers, and the way out is a firmware setting that drops the RMRR for that device, not a VFIO option; to see the range, collect dmesg | grep -i rmrr and the group's reserved_regions${outside(g) ? ` (${g === undefined ? 'it is in no group of this host' : `group ${g} is not among the groups to assign`})` : ''}.`,
    });
  }
  return out;
}

export function domainFindings(
  input: PlatformInput,
  index: PlatformIndex,
  groups: readonly number[],
  host?: HostFacts,
): Finding[] {
  const units = [
    ...new Set(groups.map((g) => index.groups.get(g)?.iommu).filter((u): u is string => !!u)),
  ]
    .map((u) => index.units.get(u))
    .filter((u) => u !== undefined);
  const sc = units.filter((u) => u.snoopControl);
  const nosc = units.filter((u) => !u.snoopControl);
  if (sc.length === 0 || nosc.length === 0) return [];
  // Ask the engine: one container with every group, then VFIO_CHECK_EXTENSION(VFIO_DMA_CC_IOMMU).
  const a = assign(input, groups, { allowUnsafeInterrupts: true });
  let cc: string | undefined;
  if (a.container !== undefined && a.attached.length > 1) {
    const o = dryRun(a.state, {
      op: 'vfio.check_extension',
      container: a.container,
      extension: 'VFIO_DMA_CC_IOMMU',
    });
    if (o.ok) cc = String(o.result?.['value']);
  }
  // Only a container the dry run built is spoken of; otherwise say what could not be read.
  const ccText =
    cc !== undefined
      ? `VFIO_DMA_CC_IOMMU reads ${cc} for a container holding them, so KVM must honour guest no-snoop`
      : `the dry run could not set them into one container (${a.refused.map((r) => `group ${r.group}: ${r.outcome.errno} from ${r.outcome.rule}`).join('; ') || 'no container'}), so VFIO_DMA_CC_IOMMU could not be read`;
  const groupsOn = (ids: string[]) =>
    groups.filter((g) => ids.includes(index.groups.get(g)?.iommu ?? ''));
  return [
    {
      severity: 'warning',
      kind: 'incompatible-domains',
      ...about([...units.map((u) => unitRef(u.id)), ...groups.map(groupRef)]),
      addresses: [],
      message: `The groups sit behind IOMMU units that differ in snoop control (${sc.map((u) => u.id).join(', ')} can enforce cache coherency, ${nosc.map((u) => u.id).join(', ')} cannot): type1 puts groups ${groupsOn(nosc.map((u) => u.id)).join(', ')} in a separate domain (every mapping is programmed and pinned-accounted once but written into each domain), and ${ccText}.${unitAssumptionNote(
        host,
        units.map((u) => u.id),
      )}`,
    },
  ];
}
