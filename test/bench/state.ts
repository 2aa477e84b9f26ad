import { apply, createState } from '../../src/core/engine.ts';
import type { Action } from '../../src/core/actions.ts';
import type { EngineState } from '../../src/core/state.ts';

/**
 * The benchmark's address space, built through the engine as a user's actions would build it: a
 * type1v2 container (one group, one VT-d domain, the MSI window reserved) with
 * `vfio_iommu_type1.dma_entry_limit` raised above n, holding n 4 KiB mappings every 8 KiB from
 * 4 GiB. Shared by the engine rows (Node) and the map page (Chromium).
 */
export const PAGE = 0x1000n;
export const STRIDE = 2n * PAGE;
export const BASE = 0x100000000n;

export function iovaOf(i: number): bigint {
  return BigInt(i) * STRIDE + BASE;
}

export function vfioPlatform(n: number) {
  return {
    moduleParams: { 'vfio_iommu_type1.dma_entry_limit': n + 10 },
    iommus: [{ id: 'dmar0', kind: 'vtd' as const, addressWidth: 48 }],
    devices: [{ bdf: '0000:01:00.0', iommu: 'dmar0', group: 1, hostDriver: 'vfio-pci' }],
    reservedRegions: [{ start: 0xfee00000n, last: 0xfeefffffn, type: 'msi' as const, group: 1 }],
  };
}

/** Creates the container, attaches group 1 and sets type1v2; returns the state and container id. */
export function vfioContainer(n: number): { state: EngineState; container: number } {
  let r = apply(createState(vfioPlatform(n)), { op: 'vfio.container_create' });
  const container = (r.outcome.ok && (r.outcome.result?.id as number)) || 1;
  r = apply(r.state, { op: 'vfio.group_set_container', group: 1, container });
  r = apply(r.state, { op: 'vfio.set_iommu', container, type: 'type1v2' });
  if (!r.outcome.ok) throw new Error(r.outcome.message);
  return { state: r.state, container };
}

/** One 4 KiB VFIO_IOMMU_MAP_DMA at `iova`, backed by the user page at the same offset. */
export function mapAction(container: number, iova: bigint): Action {
  return {
    op: 'vfio.map_dma',
    container,
    iova,
    size: PAGE,
    flags: ['READ', 'WRITE'],
    vaddr: 0x7f0000000000n + iova,
  };
}

/** n VFIO_IOMMU_MAP_DMA calls, one engine `apply` each. */
export function mapMany(state: EngineState, container: number, n: number): EngineState {
  for (let i = 0; i < n; i++) {
    const out = apply(state, mapAction(container, iovaOf(i)));
    if (!out.outcome.ok) throw new Error(`map ${i} failed: ${out.outcome.message}`);
    state = out.state;
  }
  return state;
}
