import type { IommuKind } from './types.ts';

/** The newest kernel behaviour the model knows (kernel-semantics §9); the default `version`. */
export const LATEST_KERNEL_VERSION = '6.18';

/** `pgsize_bitmap` per IOMMU kind when a scenario does not give page sizes (kernel-semantics §4.2). */
export const DEFAULT_PGSIZE_BITMAP: Record<IommuKind, bigint> = {
  vtd: 0x40201000n, // 4K | 2M | 1G (second-stage, SLLPS bits set)
  amd: 0xffffff7ffffff000n, // AMD_IOMMU_PGSIZES: every power of two >= 4K except 512G
  smmuv3: 0x40201000n, // 4K granule: 4K | 2M | 1G
  mock: 0x800n, // MOCK_IO_PAGE_SIZE = PAGE_SIZE / 2 on 4K kernels
};

export const DEFAULT_ADDRESS_WIDTH: Record<IommuKind, number> = {
  vtd: 48,
  amd: 48,
  smmuv3: 48,
  mock: 31,
};

/** Selftest mock IOMMU aperture (`MOCK_APERTURE_START`..`MOCK_APERTURE_LAST`). */
export const MOCK_APERTURE = { start: 0x1000000n, last: 0x7fffffffn } as const;

/** `vfio_iommu_type1.dma_entry_limit` default: U16_MAX. */
export const DEFAULT_DMA_ENTRY_LIMIT = 65535;

/** Well-known reserved windows, for presets, importers and explanations. */
export const X86_MSI_WINDOW = { start: 0xfee00000n, last: 0xfeefffffn } as const;
export const AMD_HT_WINDOW = { start: 0xfd00000000n, last: 0xffffffffffn } as const;
export const ARM_SW_MSI_WINDOW = { start: 0x8000000n, last: 0x80fffffn } as const;

/** Compare "6.12" style versions; true when `version` is older than `than`. */
export function kernelOlderThan(version: string, than: string): boolean {
  // Asked by several rules on every op: remember each answer (a handful of version pairs), keyed
  // without building a string per question.
  let answers = OLDER_THAN.get(version);
  if (!answers) OLDER_THAN.set(version, (answers = new Map()));
  let answer = answers.get(than);
  if (answer === undefined) answers.set(than, (answer = compareVersions(version, than)));
  return answer;
}

const OLDER_THAN = new Map<string, Map<string, boolean>>();

function compareVersions(version: string, than: string): boolean {
  const a = version.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  const b = than.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
