import { formatSize, hex, parseU64 } from '../u64.ts';
import type { GuestLayout, GuestSection } from './types.ts';

/**
 * Guest-physical layouts of the QEMU machines people assign devices to, computed from the RAM
 * size the way QEMU does, so that `check --guest q35:ram=1T` can be set against a host.
 *
 * q35 (`pc_q35_init`, hw/i386/pc_q35.c): RAM that fits below 4G with room for the 256 MiB
 * MMCONFIG at 0xb0000000 and 1/2 GiB of PCI space stays there whole — the rule is
 * `lowmem = ram_size >= 0xb0000000 ? 0x80000000 : 0xb0000000`, capped by the machine option
 * `max-ram-below-4g` (`lowmem=` here). So a q35 guest of >= 2.75 GiB has exactly 2 GiB below 4G
 * and the rest from 4 GiB up; a smaller one has all of it below. (The 3 GiB split — lowmem
 * 0xc0000000 with gigabyte alignment — is the i440fx `pc` machine's rule in `pc_init1`, not
 * q35's; we model q35.) The 64-bit PCI hole starts at the end of RAM above 4G rounded up to
 * 1 GiB (`pc_pci_hole64_start`), default size 32 GiB (`Q35_PCI_HOST_HOLE64_SIZE_DEFAULT`).
 * On AMD hosts, machine types 7.1+ move RAM above 4G to 1 TiB (`AMD_ABOVE_1TB_START`) when the
 * highest guest address (`pc_max_used_gpa`: RAM above 4G plus the 64-bit hole) would reach the
 * HyperTransport window at 0xfd00000000 (`x86_update_above_4g_mem_start`, Joao Martins' series,
 * 2022); older machine types keep it at 4 GiB and collide.
 *
 * pc (i440fx, `pc_init1` in hw/i386/pc_piix.c): no MMCONFIG below 4G, so up to 3.5 GiB
 * (`max-ram-below-4g` default 0xe0000000) stays low; a guest with more gets 3 GiB below 4G
 * (gigabyte alignment, every machine type since 1.7) and the rest from 4 GiB up. Its 64-bit hole
 * is 2 GiB by default (`I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT`).
 *
 * virt (hw/arm/virt.c `base_memmap`, `extended_memmap`): flash at 0, GIC and its v2m/ITS
 * frames at 0x08000000, the 32-bit PCIe window at 0x10000000, ECAM at 0x3f000000, RAM from
 * 1 GiB; the high redistributor/ECAM/64-bit PCIe window from 256 GiB.
 */

export interface GuestPresetParams {
  machine: 'q35' | 'pc' | 'virt';
  ram: bigint;
  /** The spec gave no `ram=`: the layout's note says the default was taken. */
  ramDefaulted?: boolean;
  /** QEMU machine version, e.g. "7.1" (default: the newest behaviour). */
  qemu?: string;
  /** Host CPU vendor for q35's AMD 1 TiB relocation. */
  host?: 'amd' | 'intel';
  /** q35 `max-ram-below-4g`. */
  lowmem?: bigint;
  /** q35 `pci-hole64-size`. */
  hole64?: bigint;
  /** vIOMMU address width (`intel-iommu,aw-bits=`). */
  aw?: number;
  /** virtio-mem device size and block size (mappings are issued per block). */
  virtioMem?: bigint;
  virtioMemBlock?: bigint;
}

const GiB = 1n << 30n;
const TiB = 1n << 40n;
export const AMD_HT_START = 0xfd00000000n;
export const AMD_ABOVE_1TB_START = TiB;

function versionAtLeast(v: string | undefined, than: string): boolean {
  if (v === undefined) return true;
  const a = v.split('.').map((x) => parseInt(x, 10) || 0);
  const b = than.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

const ramText = (p: GuestPresetParams) =>
  `${formatSize(p.ram)}${p.ramDefaulted ? ' (the default: ram=SIZE sets it)' : ''}`;

const alignUp = (v: bigint, a: bigint) => ((v + a - 1n) / a) * a;

function sec(start: bigint, size: bigint, kind: GuestSection['kind'], name: string): GuestSection {
  return { start, last: start + size - 1n, kind, name };
}

const minOf = (a: bigint, b: bigint) => (a < b ? a : b);

/** RAM below 4G on q35 (`pc_q35_init`) or pc (`pc_init1`), `max-ram-below-4g` applied. */
function lowmemOf(p: GuestPresetParams): bigint {
  if (p.machine === 'pc') {
    const max = p.lowmem ?? 0xe0000000n;
    // A guest that does not fit below `max` is split at a GiB boundary (gigabyte_align).
    return p.ram >= max ? minOf(0xc0000000n, max) : max;
  }
  const lowmem = p.ram >= 0xb0000000n ? 0x80000000n : 0xb0000000n;
  return p.lowmem === undefined ? lowmem : minOf(lowmem, p.lowmem);
}

/** The x86 machines: q35, and pc (i440fx), which differ below 4G and in the 64-bit hole's size. */
export function q35Layout(p: GuestPresetParams): GuestLayout {
  const notes: string[] = [];
  const pc = p.machine === 'pc';
  const lowmem = lowmemOf(p);
  const below = p.ram >= lowmem ? lowmem : p.ram;
  const above = p.ram - below;
  const hole64Size = p.hole64 ?? (pc ? 1n << 31n : 1n << 35n);
  let above4gStart = 0x100000000n;
  const maxUsed = alignUp(above4gStart + above, GiB) + hole64Size - 1n;
  if (p.host === 'amd' && versionAtLeast(p.qemu, '7.1') && maxUsed >= AMD_HT_START) {
    above4gStart = AMD_ABOVE_1TB_START;
    notes.push(
      `AMD host, QEMU ${p.qemu ?? 'newest'}: the highest guest address ${hex(maxUsed)} would reach the HyperTransport window at 0xfd00000000, so RAM above 4G starts at 1 TiB (x86_update_above_4g_mem_start)`,
    );
  } else if (p.host === 'amd' && maxUsed >= AMD_HT_START) {
    notes.push(
      `AMD host, QEMU ${p.qemu}: machine types before 7.1 keep RAM above 4G at 4 GiB, across the HyperTransport window`,
    );
  }
  notes.push(
    `${p.machine} with ${ramText(p)}: ${formatSize(below)} below 4G, ${formatSize(above)} above (${pc ? 'pc_init1' : 'pc_q35_init'}: lowmem ${hex(lowmem)}), a ${formatSize(hole64Size)} 64-bit PCI hole`,
  );
  const m: GuestSection[] = [];
  m.push(sec(0n, 0xa0000n, 'ram', 'pc.ram (below 640K)'));
  m.push(sec(0xa0000n, 0x20000n, 'mmio', 'vga-lowmem'));
  if (below > 0xc0000n)
    m.push({ start: 0xc0000n, last: below - 1n, kind: 'ram', name: 'pc.ram (ram-below-4g)' });
  if (pc) {
    m.push({ start: below, last: 0xfebfffffn, kind: 'pci-hole', name: 'pci-hole (32-bit)' });
  } else {
    if (below < 0xb0000000n)
      m.push({ start: below, last: 0xafffffffn, kind: 'pci-hole', name: 'pci-hole (32-bit)' });
    m.push(sec(0xb0000000n, 0x10000000n, 'mmio', 'pcie-mmcfg-mmio (MMCONFIG)'));
    m.push({ start: 0xc0000000n, last: 0xfebfffffn, kind: 'pci-hole', name: 'pci-hole (32-bit)' });
  }
  m.push(sec(0xfec00000n, 0x1000n, 'mmio', 'ioapic'));
  m.push(sec(0xfed00000n, 0x400n, 'mmio', 'hpet'));
  m.push(sec(0xfee00000n, 0x100000n, 'msi', 'kvm-apic-msi'));
  m.push(sec(0xfffc0000n, 0x40000n, 'rom', 'pc.bios'));
  if (above > 0n) m.push(sec(above4gStart, above, 'ram', 'pc.ram (ram-above-4g)'));
  const hole64Start = alignUp(above4gStart + above, GiB);
  m.push(sec(hole64Start, hole64Size, 'pci-hole', 'pci-hole64'));
  if (p.virtioMem) {
    const start = alignUp(hole64Start + hole64Size, GiB);
    m.push(sec(start, p.virtioMem, 'ram', 'virtio-mem'));
  }
  // The scenario format names the machines it draws differently; pc is drawn as a custom layout.
  return {
    machine: pc ? 'custom' : 'q35',
    memory: m,
    ...(p.aw ? { viommuAwBits: p.aw } : {}),
    notes,
  };
}

export function virtLayout(p: GuestPresetParams): GuestLayout {
  const m: GuestSection[] = [
    sec(0n, 0x8000000n, 'rom', 'virt.flash0/flash1'),
    sec(0x08000000n, 0x10000n, 'mmio', 'gic_dist'),
    sec(0x08010000n, 0x10000n, 'mmio', 'gic_cpu'),
    sec(0x08020000n, 0x1000n, 'msi', 'gicv2m'),
    sec(0x08080000n, 0x20000n, 'msi', 'gic-its'),
    sec(0x080a0000n, 0xf60000n, 'mmio', 'gic_redist'),
    sec(0x09000000n, 0x1000n, 'mmio', 'pl011'),
    sec(0x10000000n, 0x2eff0000n, 'pci-hole', 'pcie-mmio'),
    sec(0x3eff0000n, 0x10000n, 'mmio', 'pcie-pio'),
    sec(0x3f000000n, 0x1000000n, 'mmio', 'pcie-ecam'),
    sec(0x40000000n, p.ram, 'ram', 'mach-virt.ram'),
  ];
  // extended_memmap: placed from 256 GiB (or above RAM when RAM reaches past it).
  const ramEnd = 0x40000000n + p.ram;
  const base = ramEnd > 256n * GiB ? alignUp(ramEnd, GiB) : 256n * GiB;
  m.push(sec(base, 64n << 20n, 'mmio', 'gic_redist2 (high)'));
  m.push(sec(base + 0x10000000n, 0x10000000n, 'mmio', 'pcie-ecam (high)'));
  const mmio = alignUp(base + 0x20000000n, 512n * GiB);
  m.push(sec(mmio, 512n * GiB, 'pci-hole', 'pcie-mmio (high)'));
  if (p.virtioMem) m.push(sec(alignUp(mmio + 512n * GiB, GiB), p.virtioMem, 'ram', 'virtio-mem'));
  return {
    machine: 'virt',
    memory: m,
    ...(p.aw ? { viommuAwBits: p.aw } : {}),
    notes: [`virt with ${ramText(p)} of RAM at 1 GiB`],
  };
}

export type PresetParse = { ok: true; params: GuestPresetParams } | { ok: false; error: string };

/** The machines a guest spec names, and the RAM a spec without `ram=` gets. */
export const GUEST_MACHINES: readonly GuestPresetParams['machine'][] = ['q35', 'pc', 'virt'];
export const DEFAULT_GUEST_RAM = 4n * GiB;

const isGuestMachine = (m: string): m is GuestPresetParams['machine'] =>
  (GUEST_MACHINES as readonly string[]).includes(m);

/** Whether `spec` names a machine (`q35`, `pc:ram=2G`) rather than a file. */
export const namesGuestMachine = (spec: string): boolean => isGuestMachine(spec.split(':', 1)[0]!);

/** "q35, pc or virt" */
const MACHINE_LIST = `${GUEST_MACHINES.slice(0, -1).join(', ')} or ${GUEST_MACHINES.at(-1)}`;

/** The accepted forms, for the errors that name them. */
export const GUEST_FORMS = `${MACHINE_LIST} (e.g. q35:ram=8G, pc:ram=2G, virt:ram=4G; ${formatSize(DEFAULT_GUEST_RAM)} when ram= is left out)`;

/** `q35:ram=8G,qemu=7.1,host=amd`, `pc:ram=2G`, `virt:ram=4G`, `q35` (ram defaults to 4 GiB). */
export function parseGuestPreset(spec: string): PresetParse {
  const [machine, rest = ''] = spec.split(':', 2) as [string, string?];
  if (!isGuestMachine(machine))
    return {
      ok: false,
      error: `unknown machine "${machine}": expected ${MACHINE_LIST} (each with :ram=SIZE and more), or a file`,
    };
  const params: GuestPresetParams = { machine, ram: DEFAULT_GUEST_RAM };
  let ramGiven = false;
  for (const kv of rest.split(',').filter((s) => s !== '')) {
    const [k, v] = kv.split('=', 2) as [string, string?];
    if (v === undefined) return { ok: false, error: `"${kv}" is not key=value` };
    const size = () => {
      const r = parseU64(v);
      if (!r.ok) throw new Error(`${k}: ${r.error}`);
      return r.value;
    };
    try {
      switch (k) {
        case 'ram':
          params.ram = size();
          ramGiven = true;
          break;
        case 'qemu':
          if (!/^\d+\.\d+(?:\.\d+)?$/.test(v))
            return { ok: false, error: `qemu=${v}: expected a version such as 7.1` };
          params.qemu = v;
          break;
        case 'host':
          if (v !== 'amd' && v !== 'intel')
            return { ok: false, error: `host=${v}: expected amd or intel` };
          params.host = v;
          break;
        case 'lowmem':
        case 'max-ram-below-4g':
          params.lowmem = size();
          break;
        case 'hole64':
        case 'pci-hole64-size':
          params.hole64 = size();
          break;
        case 'aw':
        case 'aw-bits':
          if (!/^\d+$/.test(v)) return { ok: false, error: `aw=${v}: expected a number of bits` };
          params.aw = parseInt(v, 10);
          break;
        case 'virtio-mem':
          params.virtioMem = size();
          break;
        case 'block':
          params.virtioMemBlock = size();
          break;
        default:
          return {
            ok: false,
            error: `unknown parameter "${k}" (ram, qemu, host, lowmem, hole64, aw, virtio-mem, block)`,
          };
      }
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
  if (params.ram === 0n) return { ok: false, error: 'ram must be more than 0' };
  return { ok: true, params: ramGiven ? params : { ...params, ramDefaulted: true } };
}

export function guestFromPreset(p: GuestPresetParams): GuestLayout {
  return p.machine === 'virt' ? virtLayout(p) : q35Layout(p);
}
