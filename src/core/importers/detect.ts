import { BUNDLE_MAGIC } from './bundle.ts';
import { splitLines, stripLogPrefix } from './text.ts';
import type { InputKind } from './types.ts';

/**
 * Guesses the format of a pasted text from its first meaningful lines (scores per kind, the
 * highest wins). Returns undefined when nothing matches.
 */
export function detectKind(text: string): InputKind | undefined {
  const lines = splitLines(text).slice(0, 400);
  if (lines.some((l) => l.startsWith(BUNDLE_MAGIC)) || lines.filter((l) => /^=== \//.test(l)).length >= 2) return 'bundle';
  const score: Record<InputKind, number> = {
    bundle: 0,
    'reserved-regions': 0,
    groups: 0,
    'lspci-vvv': 0,
    'lspci-tv': 0,
    'lspci-vmm': 0,
    iomem: 0,
    dmesg: 0,
    mtree: 0,
    'qemu-trace': 0,
    'error-lines': 0,
  };
  for (const raw of lines) {
    const l = stripLogPrefix(raw);
    if (/^0x[0-9a-fA-F]{16} 0x[0-9a-fA-F]{16} (?:direct|direct-relaxable|reserved|msi|sw-msi)\s*$/.test(raw.trim().replace(/^.*reserved_regions:/, ''))) score['reserved-regions'] += 3;
    if (/iommu_groups\/\d+\/reserved_regions/.test(raw)) score['reserved-regions'] += 1;
    if (/^\s*IOMMU [Gg]roup \d+/.test(raw) || /iommu_groups\/\d+\/devices/.test(raw)) score.groups += 3;
    if (/\s->\s.*\/devices\/pci[0-9a-fA-F]{4}:/.test(raw)) score.groups += 1;
    if (/^(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7] [^:]+: /.test(raw)) score['lspci-vvv'] += 1;
    if (/^\s+(?:Capabilities: \[|Kernel driver in use:|ACSCap:|ACSCtl:|Region \d+: |Control: |Status: )/.test(raw)) score['lspci-vvv'] += 2;
    if (/^[-+\\| ]*-\[[0-9a-fA-F]{4}:[0-9a-fA-F]{2}\]-/.test(raw) || /^\s*[|+\\]-[0-9a-fA-F]{2}\.[0-7]/.test(raw) || /^\s*[|\s]+[+\\]-/.test(raw)) score['lspci-tv'] += 3;
    if (/^(?:Slot|Class|Vendor|Device|IOMMUGroup|SVendor|SDevice|Rev|ProgIf|Driver|Module|NUMANode|PhySlot):\t/.test(raw)) score['lspci-vmm'] += 2;
    if (/^\s*[0-9a-fA-F]{8,16}-[0-9a-fA-F]{8,16} : \S/.test(raw)) score.iomem += 3;
    if (/\(prio -?\d+, [^)]+\): /.test(raw) || /^address-space: |^FlatView #/.test(raw.trim())) score.mtree += 3;
    if (/vfio_listener_region_(?:add|del|skip)/.test(l)) score['qemu-trace'] += 3;
    if (/vfio_(?:container_)?dma_map\(/.test(l) || /IO_PAGE_FAULT|fault addr/.test(l)) score['error-lines'] += 3;
    if (/DMAR:|AMD-Vi:|iommu: |arm-smmu|Adding to iommu group|DMAR-IR:/.test(l)) score.dmesg += 2;
    if (/^\[\s*\d+\.\d+\]/.test(raw)) score.dmesg += 1;
  }
  // dmesg also contains faults; a paste that is mostly DMAR/AMD-Vi boot lines is dmesg.
  if (score.dmesg > 0 && score['error-lines'] > 0 && score.dmesg >= score['error-lines']) score['error-lines'] = 0;
  let best: InputKind | undefined;
  let bestScore = 0;
  for (const k of Object.keys(score) as InputKind[]) {
    if (score[k] > bestScore) {
      best = k;
      bestScore = score[k];
    }
  }
  return best;
}
