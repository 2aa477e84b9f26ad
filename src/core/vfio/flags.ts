import type { FlagList } from '../actions.ts';
import { hex } from '../u64.ts';

/** `struct vfio_iommu_type1_dma_map.flags` (include/uapi/linux/vfio.h). */
export const MAP_FLAGS = { READ: 1n, WRITE: 2n, VADDR: 4n } as const;
/** `struct vfio_iommu_type1_dma_unmap.flags`. */
export const UNMAP_FLAGS = { GET_DIRTY_BITMAP: 1n, ALL: 2n, VADDR: 4n } as const;

export type FlagParse = { readonly ok: true; readonly bits: bigint } | { readonly ok: false; readonly bad: string };

/**
 * Turns flag names and raw bit strings ("0x8", "8") into the uAPI bit value. A name the ioctl does
 * not know cannot be expressed as bits; the caller reports it like an unknown bit (EINVAL).
 */
export function parseFlags(flags: FlagList | undefined, names: Readonly<Record<string, bigint>>): FlagParse {
  let bits = 0n;
  for (const raw of flags ?? []) {
    const name = raw.trim();
    const known = names[name.toUpperCase()];
    if (known !== undefined) {
      bits |= known;
      continue;
    }
    if (/^(0[xX][0-9a-fA-F_]+|[0-9]+)$/.test(name)) {
      bits |= BigInt(name.replace(/_/g, ''));
      continue;
    }
    return { ok: false, bad: name };
  }
  return { ok: true, bits };
}

export function describeKnown(names: Readonly<Record<string, bigint>>): string {
  return Object.entries(names)
    .map(([n, v]) => `${n}=${hex(v)}`)
    .join(', ');
}
