import type { HostFacts } from '../importers/types.ts';
import { about, type Finding } from './types.ts';

/**
 * Host-level diagnoses from the bundle: an IOMMU that is not enabled (no groups at all), and a
 * /proc/iomem read without root.
 */
export function hostFindings(host: HostFacts | undefined, arch: string | undefined): Finding[] {
  if (!host) return [];
  const out: Finding[] = [];
  if (host.iommuGroupsEmpty) {
    const cmd = host.cmdline ?? '';
    let advice: string;
    if (/\b(?:intel_iommu=off|amd_iommu=off|iommu=off)\b/.test(cmd)) {
      advice = `the kernel command line turns it off (${/\b(?:intel_iommu=off|amd_iommu=off|iommu=off)\b/.exec(cmd)?.[0]}): remove that parameter`;
    } else if (/aarch64|arm/.test(host.machine ?? '') || arch === 'aarch64') {
      advice =
        'on ARM the SMMU driver found no SMMU: check that firmware describes it (ACPI IORT or device tree) and that iommu.passthrough=1 is not set';
    } else if (/AuthenticAMD|HygonGenuine/.test(host.cpuVendor ?? '')) {
      advice =
        'on AMD enable IOMMU/AMD-Vi in the firmware setup; the kernel turns AMD-Vi on by itself (amd_iommu=on is not needed), unless amd_iommu=off or iommu=off is given';
    } else if (/GenuineIntel/.test(host.cpuVendor ?? '')) {
      advice =
        'on Intel add intel_iommu=on to the kernel command line (needed unless the kernel was built with CONFIG_INTEL_IOMMU_DEFAULT_ON) and enable VT-d in the firmware setup';
    } else {
      advice =
        'add intel_iommu=on (Intel) or enable AMD-Vi in firmware (AMD); on ARM check the SMMU description in firmware';
    }
    out.push({
      severity: 'error',
      kind: 'iommu-disabled',
      ...about([{ kind: 'host-file', path: '/sys/kernel/iommu_groups' }]),
      addresses: [],
      message: `IOMMU not enabled: /sys/kernel/iommu_groups is empty, so no device can be assigned with VFIO; ${advice}${/\biommu=pt\b|iommu\.passthrough=1/.test(cmd) ? ' (iommu=pt / iommu.passthrough=1 only change the default domain and keep the groups)' : ''}.`,
    });
  }
  if (host.iomemZeroed) {
    out.push({
      severity: 'info',
      kind: 'iomem-hidden',
      ...about([{ kind: 'host-file', path: '/proc/iomem' }]),
      addresses: [],
      message:
        '/proc/iomem was read without root and shows every address as 0, so host bridge windows and BAR placement are unknown; rerun the collector with sudo for the peer-BAR checks.',
    });
  }
  return out;
}
