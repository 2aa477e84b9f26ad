import { groupRef } from '../entity-ref.ts';
import type { HostFacts } from '../importers/types.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import { formatRange, intersection, type Range } from '../u64.ts';
import { about, type Finding } from './types.ts';

/**
 * Seed 000: commit 273df9635385 ("iommu/dma: Make PCI window reservation generic") made the ARM
 * SMMU drivers report PCI host bridge windows as `reserved` regions; cd2c9fcf5c66 moved them back
 * into dma-iommu's own allocator (`iova_reserve_pci_windows`) in 2019. A bundle from a kernel of
 * that era shows `reserved` lines equal to the `PCI Bus` windows of /proc/iomem; with type1's
 * IOVA-list check, guest RAM there would be refused (kernel-semantics §6.2: no released kernel
 * combined the two, so that EINVAL is what *would have* happened).
 */
export function seed000Findings(index: PlatformIndex, host: HostFacts | undefined): Finding[] {
  if (!index.platform.iommus.some((u) => u.kind === 'smmuv3')) return [];
  const windows: Array<Range & { id: string }> = index.platform.hostBridges.flatMap((hb) =>
    hb.windows
      .filter((w) => w.kind !== 'io' && w.kind !== 'bus')
      .map((w) => ({ start: w.start, last: w.last, id: hb.id })),
  );
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const [g, grp] of index.groups) {
    for (const r of grp.resvRegions.filter((x) => x.type === 'reserved')) {
      const w = windows.find((x) => intersection(x, r));
      const key = `${r.start}-${r.last}`;
      if (seen.has(key)) continue;
      if (!w && windows.length > 0) continue;
      seen.add(key);
      const groups = [...index.groups.values()]
        .filter((x) =>
          x.resvRegions.some(
            (y) => y.type === 'reserved' && y.start === r.start && y.last === r.last,
          ),
        )
        .map((x) => x.id);
      out.push({
        severity: 'info',
        kind: 'host-bridge-window-reserved',
        ...about([
          ...groups.map(groupRef),
          ...(w ? [{ kind: 'host-bridge' as const, id: w.id }] : []),
        ]),
        addresses: [{ start: r.start, last: r.last }],
        message: `The reserved region ${formatRange(r)} of group${groups.length > 1 ? 's' : ''} ${groups.join(', ') || g} ${w ? `is the PCI host bridge window ${formatRange(w)} of ${w.id}` : 'looks like a PCI host bridge window'}: ${host?.kernelRelease ? `kernel ${host.kernelRelease} ` : 'this kernel '}reports host bridge windows as reserved on ARM, as kernels between commits 273df9635385 and cd2c9fcf5c66 did; current kernels do not, and no released kernel combined this with type1's IOVA-list check, so a guest-RAM collision here is what would have happened.`,
      });
    }
  }
  return out;
}
