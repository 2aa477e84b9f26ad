/**
 * `npm run bench` (DESIGN.md §8): measures side by side in one run and prints one table of ratios;
 * it never asserts timings and is no part of `npm test`. `npm run bench -- --quick` runs smaller n.
 *   1. engine map ops/s at 1k, 100k and 1M mappings (iommufd IOAS, and type1 with a raised
 *      dma_entry_limit) against a bare B+ tree insert of the same keys, and dry runs on the
 *      largest state (O(log n));
 *   2. canvas frame time of the app's MapPainter at 1M mappings, at four zoom levels, against a
 *      naive d3 SVG rendering (one <rect> per mapping) at 10k, in headless Chromium (browser.ts);
 *   3. importer throughput on large inputs of the main formats (importers.ts).
 */
import { BTree } from '../../src/core/ranges/btree.ts';
import { apply, createState, dryRun } from '../../src/core/engine.ts';
import type { Action } from '../../src/core/actions.ts';
import type { EngineState } from '../../src/core/state.ts';
import { benchMap } from './browser.ts';
import { benchImporters } from './importers.ts';
import { iovaOf, mapMany, PAGE, vfioContainer } from './state.ts';

const quick = process.argv.includes('--quick');
const ENGINE_N = quick ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000];
const CANVAS_N = quick ? 100_000 : 1_000_000;
const SVG_N = 10_000;
const FRAMES = quick ? 10 : 30;

interface Row {
  section: string;
  name: string;
  n: string;
  ms: string;
  rate: string;
  ratio: string;
}

const rows: Row[] = [];
const t00 = performance.now();
const log = (s: string) =>
  process.stderr.write(`[bench ${((performance.now() - t00) / 1000).toFixed(1)}s] ${s}\n`);
const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const int = (v: number) => Math.round(v).toLocaleString('en-US');

// 1. Engine -----------------------------------------------------------------------------------

function time(name: string, n: number, fn: () => void, baseline?: number): number {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const opsPerSec = (n / ms) * 1000;
  rows.push({
    section: 'engine',
    name,
    n: int(n),
    ms: fmt(ms),
    rate: `${int(opsPerSec)} ops/s`,
    ratio: baseline ? `${(baseline / opsPerSec).toFixed(1)}x slower than the bare tree` : '',
  });
  return opsPerSec;
}

function bareTree(n: number): number {
  return time('bare sorted-btree insert', n, () => {
    const t = new BTree<bigint, { start: bigint; last: bigint }>(undefined, (a, b) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    for (let i = 0; i < n; i++) {
      const start = iovaOf(i);
      t.set(start, { start, last: start + PAGE - 1n });
    }
  });
}

function iommufdMaps(n: number, baseline: number): void {
  let state = createState({ iommus: [], devices: [] });
  time(
    'engine iommufd.ioas_map (FIXED_IOVA)',
    n,
    () => {
      const r = apply(state, { op: 'iommufd.ioas_alloc' });
      state = r.state;
      const ioas = (r.outcome.ok && (r.outcome.result?.id as number)) || 1;
      for (let i = 0; i < n; i++) {
        const a: Action = {
          op: 'iommufd.ioas_map',
          ioas,
          iova: iovaOf(i),
          length: PAGE,
          flags: ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
          user_va: 0x7f0000000000n,
        };
        const out = apply(state, a);
        if (!out.outcome.ok) throw new Error(`map ${i} failed: ${out.outcome.message}`);
        state = out.state;
      }
    },
    baseline,
  );
}

function vfioMaps(n: number, baseline: number): { state: EngineState; container: number } {
  let state: EngineState | undefined;
  let container = 0;
  time(
    'engine vfio.map_dma (type1v2, raised dma_entry_limit)',
    n,
    () => {
      const c = vfioContainer(n);
      container = c.container;
      state = mapMany(c.state, c.container, n);
    },
    baseline,
  );
  return { state: state as EngineState, container };
}

log(`engine${quick ? ' (--quick)' : ''}: ${ENGINE_N.join(', ')} mappings`);
for (const n of ENGINE_N) {
  const base = bareTree(n);
  iommufdMaps(n, base);
  const { state, container } = vfioMaps(n, base);
  if (n === ENGINE_N[ENGINE_N.length - 1]) {
    const probes = quick ? 10_000 : 100_000;
    time(`dry run vfio.map_dma on the ${int(n)}-mapping container (overlap found)`, probes, () => {
      for (let i = 0; i < probes; i++) {
        dryRun(state, {
          op: 'vfio.map_dma',
          container,
          iova: iovaOf((i * 7919) % n),
          size: PAGE,
          flags: ['READ', 'WRITE'],
          vaddr: 0x7f0000000000n,
        });
      }
    });
  }
  log(`engine ${int(n)} done`);
}

// 2. Canvas vs SVG ----------------------------------------------------------------------------

const map = await benchMap({ canvasN: CANVAS_N, svgN: SVG_N, frames: FRAMES, log });
rows.push({
  section: 'map',
  name: 'engine vfio.map_dma in Chromium (building the map state)',
  n: int(map.build.n),
  ms: fmt(map.build.ms),
  rate: `${int((map.build.n / map.build.ms) * 1000)} ops/s`,
  ratio: '',
});
const svg = map.svg.result;
const nLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
for (const c of map.canvas) {
  const r = c.result;
  rows.push({
    section: 'map',
    name: `canvas MapPainter, ${c.label} (${int(r.rects)} rects, ${int(r.aggregated ?? 0)} aggregated)`,
    n: `${int(r.frames)} fr`,
    ms: fmt(r.medianMs, 2),
    rate: `${fmt(r.medianMs, 2)} ms/frame (p90 ${fmt(r.p90Ms, 2)}, paint() ${fmt(r.paintMs ?? NaN, 2)}${Number.isFinite(r.firstMs) ? `, cold ${fmt(r.firstMs, 1)}` : ''})`,
    ratio: `canvas ${nLabel(CANVAS_N)}: ${fmt(r.medianMs, 2)} ms/frame vs SVG ${nLabel(SVG_N)}: ${fmt(svg.medianMs, 2)} ms/frame → SVG ${fmt(svg.medianMs / r.medianMs, 1)}x slower per frame`,
  });
}
rows.push({
  section: 'map',
  name: `naive d3 SVG, one <rect> per mapping, all in view (${int(svg.rects)} rects)`,
  n: `${int(svg.frames)} fr`,
  ms: fmt(svg.medianMs, 2),
  rate: `${fmt(svg.medianMs, 2)} ms/frame (p90 ${fmt(svg.p90Ms, 2)}, first render ${fmt(svg.firstMs, 1)})`,
  ratio: '',
});

// 3. Importers --------------------------------------------------------------------------------

log('importers');
for (const r of benchImporters(quick)) {
  rows.push({
    section: 'import',
    name: `${r.label} → ${r.produced}`,
    n: `${fmt(r.bytes / 1e6, 2)} MB`,
    ms: fmt(r.ms),
    rate: `${fmt(r.bytes / 1e6 / (r.ms / 1000), 1)} MB/s, ${int((r.lines / r.ms) * 1000)} lines/s`,
    ratio: `${int(r.lines)} lines, detected as ${r.kind}`,
  });
}

// One table -----------------------------------------------------------------------------------

log('done');
const head: Row = {
  section: 'part',
  name: 'measurement',
  n: 'n',
  ms: 'ms',
  rate: 'rate',
  ratio: 'ratio / notes',
};
const w = (k: keyof Row) => Math.max(...[head, ...rows].map((r) => r[k].length));
const line = (r: Row) =>
  `${r.section.padEnd(w('section'))}  ${r.name.padEnd(w('name'))}  ${r.n.padStart(w('n'))}  ${r.ms.padStart(w('ms'))}  ${r.rate.padEnd(w('rate'))}  ${r.ratio}`.trimEnd();
console.log(
  `\nnpm run bench${quick ? ' --quick' : ''}: Node ${process.versions.node}, ${(await import('node:os')).cpus().length} CPU(s), ${((performance.now() - t00) / 1000).toFixed(0)} s`,
);
console.log(line(head));
for (const r of rows) console.log(line(r));
