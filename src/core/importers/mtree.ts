import { makeResult } from './result.ts';
import { isBlank, parseHexU64, splitLines, UnparsedLog } from './text.ts';
import type { GuestLayout, GuestSection, GuestSectionKind, ImportResult } from './types.ts';

/**
 * QEMU `info mtree` (HMP) as a guest-physical layout. Line shape (`mtree_print_mr` in QEMU's
 * softmmu/memory.c): `START-END (prio P, TYPE): NAME`, END inclusive, TYPE `ram`/`rom`/`ramd`/
 * `romd`/`i/o` (optionally `nv-`) in current QEMU, `RW`/`R-`/`-W`/`--` in older ones; aliases
 * print `alias NAME @TARGET START-END`; a ` [disabled]` suffix. `-f` prints FlatViews
 * (`FlatView #n`, ` AS "memory", root: system`, ranges with `@offset` and ` KVM`). Any leading
 * non-hex tree-drawing prefix is stripped. Only the `memory` address space is read (the one the
 * VFIO listener follows); when a FlatView of it exists, it wins over the tree.
 */

const RANGE_LINE =
  /^[^0-9a-fA-F]*?([0-9a-fA-F]{8,16})-([0-9a-fA-F]{8,16}) \(prio (-?\d+), ([^)]+)\): (.*)$/;

function kindOf(type: string, name: string, target: string | undefined): GuestSectionKind {
  const t = type.replace(/^nv-/, '');
  const n = `${target ?? ''} ${name}`;
  if (t === 'ramd' || /BAR \d/.test(n)) return 'bar';
  if (t === 'ram') return 'ram';
  if (t === 'rom' || t === 'romd' || t === 'R-')
    return /flash|bios|rom/i.test(n) || t !== 'R-' ? 'rom' : 'rom';
  // A device's MSI-X table and PBA are BAR contents, not an MSI window.
  if (/msix-table|msix-pba|msi-x/i.test(n)) return 'mmio';
  if (/apic-msi|\bmsi\b|gicv2m|gic-its|gic_its/i.test(n)) return 'msi';
  if (
    t === 'RW' &&
    /(?:^|[\s.@-])(?:pc\.ram|ram-below-4g|ram-above-4g|mach-virt\.ram|ram)(?:$|[\s@])/i.test(n)
  )
    return 'ram';
  // An alias of the RAM block (`alias ram-below-4g @pc.ram`) is RAM whatever the alias's own type.
  if (target && /^(?:pc\.ram|mach-virt\.ram|ram\d*|memdev\S*)$/i.test(target)) return 'ram';
  if (/pci-hole|pci_bridge_pci|pcie-mmio|pci/i.test(n)) return 'pci-hole';
  return 'mmio';
}

interface Parsed {
  start: bigint;
  last: bigint;
  prio: number;
  type: string;
  name: string;
  target?: string;
  disabled: boolean;
  depth: number;
}

export function importMtree(text: string): ImportResult {
  const log = new UnparsedLog();
  const lines = splitLines(text);
  // Sections: address-space blocks, memory-region blocks, FlatViews.
  let mode: 'none' | 'as-memory' | 'as-other' | 'mr' | 'flat' = 'none';
  let flatIsMemory = false;
  const tree: Parsed[] = [];
  const flat: Parsed[] = [];
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (isBlank(raw)) return;
    const s = raw.trim();
    let m: RegExpExecArray | null;
    if (/^\(qemu\)|^info mtree/.test(s)) return;
    if ((m = /^address-space(?: \(\w+\))?:\s*(.+)$/.exec(s))) {
      mode = (m[1] as string).trim() === 'memory' ? 'as-memory' : 'as-other';
      return;
    }
    if ((m = /^memory-region:\s*(.+)$/.exec(s))) {
      // `memory-region: system` is the root of the "memory" address space (older QEMU prints no address-space header).
      mode = (m[1] as string).trim() === 'system' && tree.length === 0 ? 'as-memory' : 'mr';
      return;
    }
    if (/^FlatView #\d+/.test(s)) {
      mode = 'flat';
      flatIsMemory = false;
      return;
    }
    if ((m = /^AS "([^"]+)", root:/.exec(s))) {
      if (m[1] === 'memory') flatIsMemory = true;
      return;
    }
    if (
      /^Root memory region:|^No rendered FlatView|^Dispatch$|^Physical sections|^Nodes|^Dispatch tree/.test(
        s,
      )
    )
      return;
    m = RANGE_LINE.exec(raw);
    if (!m) {
      if (mode === 'flat' && /^\s*(?:Section|#\d|\d+\s)/.test(raw)) return; // -d dispatch dump
      log.add(n, raw, 'not an "START-END (prio P, TYPE): NAME" line');
      return;
    }
    const start = parseHexU64(m[1] as string);
    const last = parseHexU64(m[2] as string);
    if (start === undefined || last === undefined || last < start) {
      log.add(n, raw, 'bad address range');
      return;
    }
    let name = (m[5] as string).trim();
    const disabled = /\s\[disabled\]\s*$/.test(name);
    name = name.replace(/\s\[disabled\]\s*$/, '');
    let target: string | undefined;
    const alias = /^alias (\S+) @(\S+)/.exec(name);
    if (alias) {
      target = alias[2] as string;
      name = alias[1] as string;
    }
    name = name
      .replace(/(?<!\s)\s+@[0-9a-fA-F]+/, '')
      .replace(/(?<!\s)\s+KVM\s*$/, '')
      .trim();
    const depth = (/^(\s*)/.exec(raw)?.[1]?.length ?? 0) / 2;
    const p: Parsed = {
      start,
      last,
      prio: parseInt(m[3] as string, 10),
      type: (m[4] as string).trim(),
      name,
      ...(target ? { target } : {}),
      disabled,
      depth,
    };
    if (mode === 'flat') {
      if (flatIsMemory) flat.push(p);
    } else if (mode === 'as-memory' || mode === 'none') tree.push(p);
  });

  const notes: string[] = [];
  let memory: GuestSection[];
  if (flat.length > 0) {
    memory = flat
      .filter((p) => !p.disabled)
      .map((p) => ({
        start: p.start,
        last: p.last,
        kind: kindOf(p.type, p.name, p.target),
        name: p.name,
      }));
    notes.push(`FlatView of address space "memory": ${memory.length} section(s)`);
  } else {
    // Tree view: skip the containers that span everything (system, pci at prio -1), keep leaves
    // and aliases. Overlaps are resolved by priority only in a FlatView; say so.
    memory = tree
      .filter((p) => !p.disabled && !(p.start === 0n && p.last === 0xffffffffffffffffn))
      .map((p) => ({
        start: p.start,
        last: p.last,
        kind: kindOf(p.type, p.name, p.target),
        name: p.name,
      }));
    if (memory.length > 0)
      notes.push(
        `tree view of address space "memory": ${memory.length} region(s) (use "info mtree -f" for resolved priorities)`,
      );
  }
  const ram = memory.filter((s) => s.kind === 'ram');
  // pc.ram alone does not make a q35: i440fx "pc" machines have it too.
  if (memory.length === 0) notes.push('no region of the "memory" address space was found');
  else notes.push(`${ram.length} RAM section(s)`);
  const isVirt = memory.some((s) => /mach-virt|virt\.flash|gicv2m|gic_dist/.test(s.name));
  const guest: GuestLayout = {
    machine: isVirt
      ? 'virt'
      : memory.some((s) => /q35|ich9|mch|pcie-mmcfg|pcie\.0/i.test(s.name))
        ? 'q35'
        : 'custom',
    memory,
    notes: ['imported from info mtree'],
  };
  return makeResult('mtree', { guest }, log.lines, notes, { dropped: log.droppedCount });
}
