import { groupRef, sectionRef, unitRef } from '../entity-ref.ts';
import { isFromSysfs } from '../platform/region-source.ts';
import { dryRun } from '../engine.ts';
import type { GuestLayout, GuestSection, HostFacts } from '../importers/types.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import { formatRange, formatSize, hex, intersection, type Range } from '../u64.ts';
import { unitAssumptionNote } from './assumption.ts';
import { assign, dryRunMessage, userAddressFor } from './dry-run.ts';
import { distinctRanges, groupRegionPhrases } from './group-phrases.ts';
import { about, type Finding } from './types.ts';

/**
 * Guest layout against the host: QEMU's VFIO memory listener (`vfio_listener_region_add`) issues
 * one MAP_DMA per RAM/ROM section and per assigned BAR (`ram_device`), IOVA = guest physical
 * address. Each is dry-run through the engine in a container holding the assigned groups; the
 * engine's errno and rule are the answer. A failed RAM section is fatal for QEMU (the listener
 * sets `container->error` and `vfio_connect_container` fails with "memory listener
 * initialization failed"); a failed BAR map is only reported (`vfio_listener_region_add` warns
 * for `memory_region_is_ram_device` and continues; P2P to that BAR will not work).
 */

export function mappedSections(guest: GuestLayout): GuestSection[] {
  return guest.memory.filter((s) => s.kind === 'ram' || s.kind === 'rom' || s.kind === 'bar');
}

export function guestFindings(
  input: PlatformInput,
  groups: readonly number[],
  guest: GuestLayout,
  host?: HostFacts,
): Finding[] {
  const out: Finding[] = [];
  if (groups.length === 0) return out;
  const a = assign(input, groups, { allowUnsafeInterrupts: true });
  if (a.container === undefined || a.attached.length === 0) return out;
  const index = a.state.index;
  const regions = a.attached.flatMap((g) =>
    (index.groups.get(g)?.resvRegions ?? []).map((r) => ({ ...r, group: g })),
  );
  const apertures = a.attached
    .map((g) => index.units.get(index.groups.get(g)?.iommu ?? ''))
    .filter((u) => u !== undefined)
    .map((u) => ({ unit: u.id, aperture: u.aperture }));
  const groupsHit = (hits: Array<{ group: number }>) =>
    [...new Set(hits.map((h) => h.group))].map(groupRef);

  for (const s of mappedSections(guest)) {
    const size = s.last - s.start + 1n;
    const outcome = dryRun(a.state, {
      op: 'vfio.map_dma',
      container: a.container,
      iova: s.start,
      size,
      flags: s.kind === 'rom' ? ['READ'] : ['READ', 'WRITE'],
      vaddr: userAddressFor(s.start, size),
    });
    const hits = regions.filter((r) => intersection(r, s) !== undefined);
    const beyond = apertures.filter(
      (ap) => s.last > ap.aperture.last || s.start < ap.aperture.start,
    );
    const isBar = s.kind === 'bar';
    const consequence = isBar
      ? 'QEMU only warns for a device BAR (ram_device) and goes on; peer-to-peer DMA to it will not work'
      : 'QEMU treats a failed RAM section as fatal: "memory listener initialization failed" and the VM does not start';
    if (!outcome.ok) {
      if (beyond.length > 0) {
        const ap = beyond[0] as (typeof beyond)[number];
        out.push({
          severity: isBar ? 'warning' : 'error',
          kind: 'guest-beyond-aperture',
          ...about([sectionRef(s), unitRef(ap.unit), ...a.attached.map(groupRef)]),
          addresses: [
            {
              start: ap.aperture.last + 1n > s.start ? ap.aperture.last + 1n : s.start,
              last: s.last,
            },
          ],
          message: `Guest ${s.kind === 'bar' ? 'BAR' : 'RAM'} section ${s.name} ${formatRange(s)} reaches beyond ${ap.unit}'s ${ap.aperture.last.toString(2).length}-bit address space (its last address is ${hex(ap.aperture.last)}): MAP_DMA returns ${outcome.errno} (${outcome.rule}: ${dryRunMessage(outcome.message, a.container)}); ${consequence}.${unitAssumptionNote(host, [ap.unit])}`,
          errno: outcome.errno,
          rule: outcome.rule,
        });
      } else if (hits.length > 0) {
        const enforced = hits.filter((h) => h.type !== 'direct-relaxable');
        const shown = enforced.length > 0 ? enforced : hits;
        out.push({
          severity: isBar ? 'warning' : 'error',
          kind: isBar ? 'guest-bar-in-reserved' : 'guest-ram-in-reserved',
          ...about([sectionRef(s), ...groupsHit(shown)]),
          addresses: distinctRanges(shown.map((h) => intersection(h, s) as Range)),
          message: `Guest ${isBar ? 'BAR' : 'RAM'} ${s.name} ${formatRange(s)} overlaps ${groupRegionPhrases(shown.map((h) => ({ ...h, note: isFromSysfs(h.source) ? undefined : h.origin }))).join(', ')}: MAP_DMA of this ${formatSize(size)} section returns ${outcome.errno} (${outcome.rule}); ${consequence}.`,
          errno: outcome.errno,
          rule: outcome.rule,
        });
      } else {
        out.push({
          severity: isBar ? 'warning' : 'error',
          kind: 'guest-map-refused',
          ...about([sectionRef(s), ...a.attached.map(groupRef)]),
          addresses: [{ start: s.start, last: s.last }],
          message: `MAP_DMA of guest section ${s.name} ${formatRange(s)} returns ${outcome.errno} (${outcome.rule}: ${dryRunMessage(outcome.message, a.container)}); ${consequence}.`,
          errno: outcome.errno,
          rule: outcome.rule,
        });
      }
      continue;
    }
    const relaxable = hits.filter((h) => h.type === 'direct-relaxable');
    if (relaxable.length > 0) {
      out.push({
        severity: 'info',
        kind: 'guest-over-relaxable',
        ...about([sectionRef(s), ...groupsHit(relaxable)]),
        addresses: distinctRanges(relaxable.map((h) => intersection(h, s) as Range)),
        message: `Guest RAM ${s.name} ${formatRange(s)} covers ${groupRegionPhrases(relaxable, () => 'direct-relaxable region').join(', ')}; VFIO ignores relaxable regions, so MAP_DMA succeeds (on kernels before the floppy/USB/graphics RMRRs became relaxable, 5.4 and older, the same region was "direct" and this map failed with EINVAL).`,
      });
    }
  }
  return out;
}

/** Guest addresses a vIOMMU with `aw-bits` cannot express (cloud-hypervisor#7030 style). */
export function viommuFindings(guest: GuestLayout): Finding[] {
  const aw = guest.viommuAwBits;
  if (!aw || aw >= 64) return [];
  const limit = (1n << BigInt(aw)) - 1n;
  return guest.memory
    .filter(
      (s) => s.last > limit && (s.kind === 'ram' || s.kind === 'bar' || s.kind === 'pci-hole'),
    )
    .map((s) => ({
      severity: s.kind === 'ram' ? ('error' as const) : ('warning' as const),
      kind: 'guest-beyond-viommu' as const,
      ...about([sectionRef(s), { kind: 'viommu', awBits: aw }]),
      addresses: [{ start: s.start > limit ? s.start : limit + 1n, last: s.last }],
      message: `Guest ${s.kind} ${s.name} ${formatRange(s)} lies above the guest vIOMMU's ${aw}-bit address width (last address ${hex(limit)}): the guest cannot map DMA to it through the vIOMMU; raise aw-bits (e.g. 48) or place it lower.`,
    }));
}

/**
 * The 65535-entry limit (`vfio_iommu_type1.dma_entry_limit`, ENOSPC): QEMU issues one MAP_DMA
 * per RAM section; with virtio-mem one per plugged block (`vfio_ram_discard_notify_populate`,
 * warning "possibly running out of DMA mappings"); DPDK/SPDK one per hugepage.
 */
export interface VmmModel {
  kind: 'qemu' | 'dpdk' | 'spdk';
  /** DPDK/SPDK memory and hugepage size. */
  memory?: bigint;
  hugepage?: bigint;
  /** virtio-mem block size (QEMU). */
  virtioMemBlock?: bigint;
}

export function dmaLimitFindings(
  guest: GuestLayout | undefined,
  vmm: VmmModel,
  limit: number,
): Finding[] {
  let count: bigint;
  let how: string;
  if (vmm.kind === 'dpdk' || vmm.kind === 'spdk') {
    const page = vmm.hugepage ?? 0x200000n;
    const mem = vmm.memory ?? 0n;
    if (mem === 0n) return [];
    count = (mem + page - 1n) / page;
    how = `${vmm.kind.toUpperCase()} registers each ${formatSize(page)} hugepage of its ${formatSize(mem)} as its own mapping`;
  } else {
    if (!guest) return [];
    const sections = mappedSections(guest);
    const block = vmm.virtioMemBlock ?? 0x200000n;
    const vm = sections.filter((s) => /virtio-mem/.test(s.name));
    const plain = sections.length - vm.length;
    const blocks = vm.reduce((n, s) => n + (s.last - s.start + 1n + block - 1n) / block, 0n);
    count = BigInt(plain) + blocks;
    how = vm.length
      ? `QEMU maps ${plain} RAM/ROM/BAR section(s) plus one mapping per ${formatSize(block)} virtio-mem block (${blocks})`
      : `QEMU maps one entry per RAM/ROM/BAR section (${plain}), independent of RAM or page size`;
  }
  const over = count > BigInt(limit);
  return [
    {
      severity: over ? 'error' : 'info',
      kind: 'dma-entry-limit',
      ...about([{ kind: 'module-param', name: 'dma_entry_limit', value: String(limit) }]),
      addresses: [],
      message: `${how}: about ${count} DMA mapping(s) against vfio_iommu_type1.dma_entry_limit ${limit}${over ? ` — MAP_DMA fails with ENOSPC after ${limit} (raise the module parameter or use larger pages/blocks)` : ' — within the limit'}.`,
    },
  ];
}
