/**
 * The engine's per-op cost against the work it must at least do: each engine step clones the
 * copy-on-write mapping tree and sets (or deletes) one key, which is what keeps undo and dry runs
 * O(1). Measured side by side in one process, interleaved in rounds, median reported (one long run
 * is at the mercy of GC). Probes are applied to the same base state each time, so every probe
 * sees exactly n live mappings.
 */
import { BTree } from '../../src/core/ranges/btree.ts';
import { apply, createState, dryRun } from '../../src/core/engine.ts';
import type { Action } from '../../src/core/actions.ts';
import type { EngineState } from '../../src/core/state.ts';
import { pushHistory, startHistory, undoHistory, redoHistory } from '../../src/store/history.ts';
import { iovaOf, mapAction, mapMany, PAGE, vfioContainer } from './state.ts';

export interface CowRow {
  readonly name: string;
  readonly n: number;
  /** Median nanoseconds per op over the rounds. */
  readonly ns: number;
  /** The baseline's median for the same keys, when there is one. */
  readonly baselineNs?: number;
  readonly baselineName?: string;
}

export const ROUNDS = 5;
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function perOp(probes: number, fn: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < probes; i++) fn(i);
  return ((performance.now() - t0) * 1e6) / probes;
}

/** Interleaves `a` and `b` for ROUNDS rounds and returns both medians (ns/op). */
function sideBySide(
  probes: number,
  a: (i: number) => void,
  b: (i: number) => void,
): [number, number] {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      ra.push(perOp(probes, a));
      rb.push(perOp(probes, b));
    } else {
      rb.push(perOp(probes, b));
      ra.push(perOp(probes, a));
    }
  }
  return [median(ra), median(rb)];
}

/** Median ns/op of `fn` alone over the rounds. */
function alone(probes: number, fn: (i: number) => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(perOp(probes, fn));
  return median(rounds);
}

/**
 * Heap bytes per mapping held by a type1 container of n mappings plus 50 undo entries (each one
 * more mapping), after a full GC. Needs node --expose-gc (which `npm run bench` passes); undefined
 * without it.
 */
function heapPerMapping(n: number): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  const before = process.memoryUsage().heapUsed;
  const c = vfioContainer(n);
  let h = startHistory(mapMany(c.state, c.container, n));
  for (let i = 0; i < 50; i++)
    h = pushHistory(h, apply(h.present, mapAction(c.container, iovaOf(n + 1 + i))).state);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (h.past.length !== 50) throw new Error('history lost entries');
  return (after - before) / n;
}

type Entry = { start: bigint; last: bigint; value: unknown };

function bareTree(n: number): BTree<bigint, Entry> {
  const t = new BTree<bigint, Entry>(undefined, (x, y) => (x < y ? -1 : x > y ? 1 : 0));
  for (let i = 0; i < n; i++) {
    const start = iovaOf(i);
    t.set(start, { start, last: start + PAGE - 1n, value: { read: true, write: true } });
  }
  return t;
}

function iommufdState(n: number): { state: EngineState; ioas: number } {
  let state = createState({ iommus: [], devices: [] });
  const r = apply(state, { op: 'iommufd.ioas_alloc' });
  state = r.state;
  const ioas = (r.outcome.ok && (r.outcome.result?.id as number)) || 1;
  for (let i = 0; i < n; i++) {
    const out = apply(state, ioasMap(ioas, iovaOf(i)));
    if (!out.outcome.ok) throw new Error(out.outcome.message);
    state = out.state;
  }
  return { state, ioas };
}

function ioasMap(ioas: number, iova: bigint): Action {
  return {
    op: 'iommufd.ioas_map',
    ioas,
    iova,
    length: PAGE,
    flags: ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
    user_va: 0x7f0000000000n,
  };
}

export function benchEngineCow(
  sizes: readonly number[],
  probes: number,
  log: (s: string) => void,
): CowRow[] {
  const rows: CowRow[] = [];
  const fresh = (n: number, i: number) => iovaOf(n + 1 + i);
  const existing = (n: number, i: number) => iovaOf((i * 7919) % n);
  for (const n of sizes) {
    log(`cow baselines at ${n.toLocaleString('en-US')} mappings`);
    const tree = bareTree(n);
    const cowSet = (i: number) => {
      const k = fresh(n, i);
      tree.with(k, { start: k, last: k + PAGE - 1n, value: { read: true, write: true } }, true);
    };
    const cowDelete = (i: number) => {
      tree.without(existing(n, i));
    };
    const plainInsert = (() => {
      const scratch = tree.clone();
      return (i: number) => {
        const k = fresh(n, i);
        scratch.set(k, { start: k, last: k + PAGE - 1n, value: { read: true, write: true } });
      };
    })();

    const io = iommufdState(n);
    const [mapNs, cowSetNs] = sideBySide(
      probes,
      (i) => {
        apply(io.state, ioasMap(io.ioas, fresh(n, i)));
      },
      cowSet,
    );
    rows.push({
      name: 'engine iommufd.ioas_map (FIXED_IOVA)',
      n,
      ns: mapNs,
      baselineNs: cowSetNs,
      baselineName: 'clone + set',
    });
    const [unmapNs, cowDelNs] = sideBySide(
      probes,
      (i) => {
        apply(io.state, {
          op: 'iommufd.ioas_unmap',
          ioas: io.ioas,
          iova: existing(n, i),
          length: PAGE,
        });
      },
      cowDelete,
    );
    rows.push({
      name: 'engine iommufd.ioas_unmap',
      n,
      ns: unmapNs,
      baselineNs: cowDelNs,
      baselineName: 'clone + delete',
    });

    const c = vfioContainer(n);
    const vs = mapMany(c.state, c.container, n);
    const [vmapNs, cowSet2] = sideBySide(
      probes,
      (i) => {
        apply(vs, mapAction(c.container, fresh(n, i)));
      },
      cowSet,
    );
    rows.push({
      name: 'engine vfio.map_dma',
      n,
      ns: vmapNs,
      baselineNs: cowSet2,
      baselineName: 'clone + set',
    });
    const [vunmapNs, cowDel2] = sideBySide(
      probes,
      (i) => {
        apply(vs, {
          op: 'vfio.unmap_dma',
          container: c.container,
          iova: existing(n, i),
          size: PAGE,
          flags: [],
        });
      },
      cowDelete,
    );
    rows.push({
      name: 'engine vfio.unmap_dma',
      n,
      ns: vunmapNs,
      baselineNs: cowDel2,
      baselineName: 'clone + delete',
    });
    rows.push({
      name: 'plain B+ tree insert (no clone), second reference',
      n,
      ns: alone(probes, plainInsert),
    });

    if (n === sizes[sizes.length - 1]) {
      const probe = (i: number): Action => ({ ...mapAction(c.container, existing(n, i)) });
      rows.push({
        name: 'dry run vfio.map_dma (overlap found)',
        n,
        ns: alone(probes, (i) => dryRun(vs, probe(i))),
      });
      let h = startHistory(vs);
      for (let i = 0; i < 50; i++)
        h = pushHistory(h, apply(h.present, mapAction(c.container, fresh(n, i))).state);
      const hist = h;
      rows.push({ name: 'undo (history of 50)', n, ns: alone(probes, () => undoHistory(hist)) });
      const undone = undoHistory(hist);
      rows.push({ name: 'redo (history of 50)', n, ns: alone(probes, () => redoHistory(undone)) });
      const heap = heapPerMapping(n);
      if (heap !== undefined)
        rows.push({
          name: 'heap retained per mapping (n mappings + 50 undo entries), bytes',
          n,
          ns: heap,
        });
    }
  }
  return rows;
}
