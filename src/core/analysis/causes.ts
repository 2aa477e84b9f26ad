import type { HostFacts, PlacedEvent } from '../importers/types.ts';
import { AMD_HT_WINDOW, ARM_SW_MSI_WINDOW, X86_MSI_WINDOW } from '../platform/defaults.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import type { RegionSource, ResvType } from '../platform/types.ts';
import { formatRange, hex, intersection, type Range } from '../u64.ts';

/**
 * What most likely caused a pasted error or fault line, from the facts at hand, ranked, each with
 * what would confirm it. The errno says which family of kernel checks refused (vfio_dma_do_map,
 * iopt_map_pages and their callers: -EINVAL for the IOVA, -ENOMEM/-ENOSPC for accounting, -EFAULT
 * for the user address, -EBUSY/-EPERM for ownership and MSI isolation); the address says which
 * reserved window or width limit it ran into. Windows every host of a vendor reserves are named
 * even when the paste holds no reserved_regions: they are why such lines are posted.
 */

export interface Cause {
  readonly text: string;
  readonly confirm: string;
}

export interface RegionHit extends Range {
  readonly type: ResvType;
  /** -1: a platform-wide region (reserved_regions pasted without group numbers, no group known). */
  readonly group: number;
  readonly origin?: string | undefined;
  readonly source?: RegionSource | undefined;
}

export interface CauseContext {
  readonly index: PlatformIndex | undefined;
  readonly host: HostFacts | undefined;
  /** Reserved regions of the assigned groups (or the device's) that the event's range touches. */
  readonly regionHits: readonly RegionHit[];
  /** The IOMMU's address width, when an input states it (not assumed). */
  readonly width: number | undefined;
  /** The vendor the import found or assumed. */
  readonly vendor: 'intel' | 'amd' | 'arm' | undefined;
  /** An earlier traced mapping the event's range overlaps. */
  readonly overlaps?: Range | undefined;
}

const bitsNeeded = (last: bigint): number => last.toString(2).length;

function isaBridgeIn(index: PlatformIndex | undefined, group: number): string | undefined {
  const g = index?.groups.get(group);
  return g?.devices.find((b) => index?.devices.get(b)?.class?.startsWith('0x0601'));
}

/** One sentence for a reserved region the range fell in: what the window is, and the way out. */
function regionCause(h: RegionHit, ctx: CauseContext): Cause {
  const where =
    h.group < 0
      ? `the ${h.type} region ${formatRange(h)} that every group reports`
      : `group ${h.group}'s ${h.type} region ${formatRange(h)}`;
  if (h.type === 'msi' && h.start === X86_MSI_WINDOW.start) {
    return {
      text: `the range crosses ${where}, the x86 interrupt (MSI) window 0xfee00000..0xfeefffff that every VT-d and AMD-Vi device reserves (vfio_iommu_iova_dma_valid refuses it with EINVAL): guest RAM or a BAR was placed over it — QEMU's x86 machines leave this hole, a guest layout that does not (an Arm "virt" guest on an x86 host puts RAM at 0x40000000 and up) must keep RAM below 0xfee00000 or split around it`,
      confirm:
        'cat /sys/kernel/iommu_groups/*/reserved_regions shows 0x00000000fee00000 0x00000000feefffff msi',
    };
  }
  if (h.type === 'reserved' && h.start === AMD_HT_WINDOW.start) {
    return {
      text: `the range crosses ${where}, the AMD HyperTransport window FD_0000_0000h–FF_FFFF_FFFFh that amd_iommu_get_resv_regions reserves on every AMD host: a guest of about 1010 GiB or more has RAM there; QEMU 7.1 and later (pc machine types 7.1+) move RAM above 1 TiB on AMD hosts, older ones need less guest RAM`,
      confirm:
        'reserved_regions lists 0x000000fd00000000 0x000000ffffffffff reserved; the guest has ~1 TiB of RAM',
    };
  }
  if ((h.type === 'msi' || h.type === 'sw-msi') && h.start === ARM_SW_MSI_WINDOW.start) {
    return {
      text: `the range crosses ${where}, the Arm software MSI doorbell window (MSI_IOVA_BASE 0x8000000, 1 MiB) that iommu_dma_get_resv_regions reserves for SMMU devices: guest RAM or an identity-mapped range starts at or below 0x8000000 — start guest RAM above it (VMMs use 1 GiB)`,
      confirm: 'reserved_regions lists 0x0000000008000000 0x00000000080fffff msi',
    };
  }
  if (h.type === 'direct' && h.start === 0n && h.last === 0xffffffn) {
    const isa = isaBridgeIn(ctx.index, h.group);
    return {
      text: `the range crosses ${where}, the 0–16 MiB 1:1 region VT-d gives ${isa ? `the ISA bridge ${isa} in that group` : 'an ISA bridge (LPC controller) and every device grouped with it'} for the floppy workaround (CONFIG_INTEL_IOMMU_FLOPPY_WA): kernels 5.3–5.4 report it as direct, and since 5.4 VFIO refuses to map over reserved ranges; later kernels report it as direct-relaxable (which VFIO may map) — update the host kernel, or give the guest a device that is not grouped with the ISA bridge`,
      confirm: `the group holds an ISA bridge (class 0601) and its reserved_regions lists 0x0000000000000000 0x0000000000ffffff direct`,
    };
  }
  if (h.type === 'direct') {
    return {
      text: `the range crosses ${where}, a firmware 1:1 region (RMRR on VT-d, IVMD on AMD, RMR on Arm) that must stay identity-mapped: guest memory cannot be mapped over it${h.origin ? ` (${h.origin})` : ''}`,
      confirm: 'dmesg | grep -i rmrr shows the range; reserved_regions lists it as direct',
    };
  }
  return {
    text: `the range crosses ${where}${h.origin ? ` (${h.origin})` : ''}, where nothing can be mapped`,
    confirm: 'reserved_regions of the group lists it',
  };
}

/** Well-known windows an unknown host may have, for lines pasted without reserved_regions. */
function knownWindowCauses(ev: PlacedEvent, ctx: CauseContext): Cause[] {
  const out: Cause[] = [];
  const r = ev.range;
  const hit = (w: Range) => intersection(w, r) !== undefined;
  const vendor = ctx.vendor;
  if (hit(X86_MSI_WINDOW) && vendor !== 'arm') {
    out.push({
      text: `the range ${formatRange(r)} crosses 0xfee00000..0xfeefffff, the interrupt (MSI) window every x86 host reserves for each IOMMU group: guest RAM or a BAR lies over it (an Arm "virt" guest on an x86 host does this with RAM from 0x40000000) — keep guest RAM out of 0xfee00000..0xfeefffff`,
      confirm:
        'cat /sys/kernel/iommu_groups/*/reserved_regions lists 0x00000000fee00000 0x00000000feefffff msi',
    });
  }
  if (hit(AMD_HT_WINDOW) && vendor !== 'intel' && vendor !== 'arm') {
    out.push({
      text: `the range ${formatRange(r)} crosses 0xfd00000000..0xffffffffff, the HyperTransport window every AMD host reserves (amd_iommu_get_resv_regions): the guest has RAM near 1 TiB; QEMU 7.1+ moves RAM above 1 TiB on AMD hosts${vendor === 'amd' ? '' : ' (if this host is AMD)'}`,
      confirm:
        'grep -h . /sys/kernel/iommu_groups/*/reserved_regions | sort -u lists 0x000000fd00000000 0x000000ffffffffff reserved',
    });
  }
  if (hit(ARM_SW_MSI_WINDOW) && vendor !== 'intel' && vendor !== 'amd') {
    out.push({
      text: `the range ${formatRange(r)} crosses 0x8000000..0x80fffff, the software MSI window Arm SMMU hosts reserve (MSI_IOVA_BASE)${vendor === 'arm' ? '' : ' (if this host is Arm)'}: start guest RAM above it`,
      confirm: 'reserved_regions lists 0x0000000008000000 0x00000000080fffff msi',
    });
  }
  if (r.start < 0x1000000n && vendor !== 'amd' && vendor !== 'arm') {
    out.push({
      text: `the range ${formatRange(r)} starts in 0..0xffffff, the 0–16 MiB region VT-d reserved as direct (kernels 5.3–5.4, floppy workaround) for an ISA bridge and every device in its group${vendor === 'intel' ? '' : ' (on an Intel host)'}: a newer kernel reports it as direct-relaxable`,
      confirm:
        'the assigned group holds the ISA bridge 00:1f.0 and its reserved_regions lists 0x0000000000000000 0x0000000000ffffff direct',
    });
  }
  return out;
}

function widthCause(ev: PlacedEvent, ctx: CauseContext): Cause | undefined {
  const need = bitsNeeded(ev.range.last);
  if (ctx.width !== undefined) {
    if (need <= ctx.width) return undefined;
    return {
      text: `the range ends at ${hex(ev.range.last)}, which needs ${need} address bits, and the IOMMU translates only ${ctx.width} bits: everything above ${hex((1n << BigInt(ctx.width)) - 1n)} is outside the aperture (type1 refuses it with EINVAL, iommufd holds it reserved) — limit the guest's physical address bits (QEMU host-phys-bits-limit=${ctx.width}, libvirt <maxphysaddr mode='passthrough' limit='${ctx.width}'/>) so firmware places BARs lower`,
      confirm: `dmesg | grep 'Host address width' says ${ctx.width}`,
    };
  }
  if (need <= 39) return undefined;
  return {
    text: `the range ends at ${hex(ev.range.last)}, which needs ${need} address bits: an IOMMU narrower than that (39 bits on many Intel client CPUs, 46–48 on servers) cannot map it — type1 refuses IOVAs above the aperture with EINVAL and iommufd keeps everything above it reserved; this happens when the guest sees the host's physical address bits (-cpu host, host-phys-bits) and its firmware puts 64-bit BARs or RAM that high — limit it (QEMU host-phys-bits-limit=39, libvirt <maxphysaddr mode='passthrough' limit='39'/>)`,
    confirm:
      "dmesg | grep 'Host address width' (VT-d) or the unit's cap register in /sys/class/iommu/*/intel-iommu/cap gives the width",
  };
}

/** What an errno of a DMA map says on its own, for lines that give no address. */
export function errnoCauses(n: number, call: string): Cause[] {
  if (n === -22) {
    return [
      {
        text: `${call} refused the IOVA range (EINVAL): it lies in a reserved region of a group in the container (the x86 MSI window 0xfee00000..0xfeefffff, the AMD HyperTransport window 0xfd00000000..0xffffffffff, an RMRR, the Arm MSI window 0x8000000), above the IOMMU's address width, or is not page aligned — or the container has no IOMMU type set yet`,
        confirm:
          "the range, which the VMM prints elsewhere (QEMU's vfio_dma_map(...) / vfio_container_dma_map(...) line beside this one, or -trace 'vfio_dma_map*'; DPDK with --log-level=eal,debug), against cat /sys/kernel/iommu_groups/*/reserved_regions and dmesg | grep 'address width'",
      },
    ];
  }
  const fake: PlacedEvent = {
    line: 0,
    kind: 'vfio-dma-map-error',
    range: { start: 0n, last: 0xfffn },
    errnoNumber: n,
    detail: '',
    text: '',
  };
  return eventCauses(fake, {
    index: undefined,
    host: undefined,
    regionHits: [],
    width: undefined,
    vendor: undefined,
  });
}

/** Ranked causes for one pasted line; the first is the most likely. */
export function eventCauses(ev: PlacedEvent, ctx: CauseContext): Cause[] {
  const out: Cause[] = [];
  if (ev.kind === 'vfio-dma-map-error') {
    const n = ev.errnoNumber;
    if (n === -22 || n === undefined) {
      out.push(...ctx.regionHits.map((h) => regionCause(h, ctx)));
      // A stated width that is too small comes first; a guessed one after the windows.
      const w = widthCause(ev, ctx);
      if (w && ctx.width !== undefined) out.unshift(w);
      if (ctx.regionHits.length === 0) out.push(...knownWindowCauses(ev, ctx));
      if (w && ctx.width === undefined) out.push(w);
      if (ctx.overlaps)
        out.push({
          text: `it overlaps the earlier mapping ${formatRange(ctx.overlaps)} (a second region_add over the same range); type1 answers EEXIST for that, iommufd EEXIST too`,
          confirm: 'the trace shows both region_add lines',
        });
      if (ev.range.start % 0x1000n !== 0n || (ev.range.last + 1n) % 0x1000n !== 0n)
        out.push({
          text: 'the IOVA or size is not a multiple of the IOMMU page size (vfio_dma_do_map checks both against the smallest page size)',
          confirm: 'the numbers in the line are not 4 KiB aligned',
        });
    } else if (n === -17) {
      out.push({
        text: `the range overlaps a mapping that already exists in the container/IOAS${ctx.overlaps ? ` (${formatRange(ctx.overlaps)})` : ''}: a second map of the same guest memory (two listeners, a migration re-map, or two devices sharing one container mapping the same BAR)`,
        confirm: 'an earlier map of an overlapping range in the trace or log',
      });
    } else if (n === -12) {
      out.push({
        text: 'pinning or accounting, not the IOVA: the pages could not be pinned or charged — RLIMIT_MEMLOCK below the guest RAM (vfio_lock_acct / iopt accounting), or hugetlb/CMA/movable pages that cannot be long-term pinned',
        confirm:
          "ulimit -l of the VMM (libvirt/Proxmox raise it to the guest size), grep VmLck /proc/$(pidof qemu-system-x86_64)/status, and dmesg for 'locked memory limit'",
      });
    } else if (n === -28) {
      out.push({
        text: 'the container ran out of DMA entries: vfio_iommu_type1.dma_entry_limit (65535 by default) counts mappings, not bytes — many small maps (virtio-mem blocks, DPDK/SPDK 2 MiB hugepages, vIOMMU maps) exhaust it',
        confirm:
          'cat /sys/module/vfio_iommu_type1/parameters/dma_entry_limit; QEMU warns "possibly running out of DMA mappings"',
      });
    } else if (n === -14) {
      out.push({
        text: "the user address (vaddr) is not backed by pinnable memory: a shared/DAX/PFNMAP mapping (another device's BAR, a memfd/file backend that get_user_pages cannot pin) or memory not yet populated — not an IOVA problem",
        confirm:
          'the memory backend of the named region (memory-backend-file share=on, hugepages, a hot-plugged dimm) in the VM configuration',
      });
    } else if (n === -16) {
      out.push({
        text: 'ownership: the group or device is in use by another container, process or driver (EBUSY)',
        confirm: 'lsof /dev/vfio/*; the host driver bound to each device of the group',
      });
    } else if (n === -1) {
      out.push({
        text: "isolation or privilege: the group's MSIs are not isolated (no interrupt remapping) and allow_unsafe_interrupts is off, or the process may not use the device (EPERM)",
        confirm:
          "dmesg | grep -i 'remapping'; cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
      });
    }
  } else if (ev.kind !== 'iommu-width-error') {
    out.push(...ctx.regionHits.map((h) => regionCause(h, ctx)));
  }
  return out;
}

export function formatCauses(causes: readonly Cause[]): string {
  if (causes.length === 0) return '';
  if (causes.length === 1)
    return ` Most likely cause: ${causes[0]?.text} (to confirm: ${causes[0]?.confirm}).`;
  return ` Most likely causes, in order: ${causes.map((c, i) => `(${i + 1}) ${c.text} (to confirm: ${c.confirm})`).join('; ')}.`;
}
