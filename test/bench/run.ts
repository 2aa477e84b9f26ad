/**
 * `npm run bench` (DESIGN.md §8): measures side by side in one run and prints one table of ratios;
 * it never asserts timings and is no part of `npm test`. `npm run bench -- --quick` runs smaller n.
 *   1. engine map and unmap at 1k, 100k and 1M live mappings (iommufd IOAS, and type1 with a
 *      raised dma_entry_limit) against the bare copy-on-write op on the same keys (clone then set
 *      / clone then delete), interleaved in rounds with the median reported, a plain B+ tree
 *      insert as a second reference, and at the largest size dry run, undo, redo and the heap
 *      held per mapping with 50 undo entries (engine-cow.ts);
 *   2. canvas frame time of the app's MapPainter at 1M mappings, at four zoom levels, against a
 *      naive d3 SVG rendering (one <rect> per mapping) at 10k, in headless Chromium (browser.ts);
 *   3. the first load: JavaScript before the first map (gzip) and navigation to the first painted
 *      map, production build (first-load.ts);
 *   4. a 1M-line QEMU trace through "Debug a real host": read in the worker against JSON.parse of
 *      a JSON file of the same size (target at most 4x), applied on the page in slices against the
 *      bare engine ops (target at most 3x) (trace-import.ts), then dropped on the production app
 *      in Chromium: the longest main-thread task meanwhile (target at most 100 ms)
 *      (browser-trace-import.ts);
 *   5. importer throughput on large inputs of the main formats (importers.ts).
 * Each goal is judged from its value (targets.ts) and written to bench/results.json.
 */
import { benchMap } from './browser.ts';
import { benchEngineCow, ROUNDS } from './engine-cow.ts';
import { benchFirstLoad } from './first-load.ts';
import { benchImporters } from './importers.ts';
import {
  atLeast,
  atMost,
  engineTargets,
  targetTable,
  writeResults,
  type BenchTarget,
  type EngineMeasure,
} from './targets.ts';
import { benchTraceImport, TRACE_ROUNDS } from './trace-import.ts';
import { benchBrowserTraceImport } from './browser-trace-import.ts';

const quick = process.argv.includes('--quick');
const ENGINE_N = quick ? [1_000, 10_000, 100_000] : [1_000, 100_000, 1_000_000];
const CANVAS_N = quick ? 100_000 : 1_000_000;
const SVG_N = 10_000;
const FRAMES = quick ? 10 : 30;
const TRACE_LINES = quick ? 100_000 : 1_000_000;

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

log(
  `engine${quick ? ' (--quick)' : ''}: ${ENGINE_N.join(', ')} mappings, median of ${ROUNDS} interleaved rounds`,
);
const targets: BenchTarget[] = [];
const engineRows: EngineMeasure[] = [];
for (const r of benchEngineCow(ENGINE_N, quick ? 2_000 : 5_000, log)) {
  engineRows.push(r);
  const heap = r.name.startsWith('heap');
  rows.push({
    section: 'engine',
    name: r.name,
    n: int(r.n),
    ms: heap ? '' : fmt(r.ns / 1000, 2),
    rate: heap ? `${int(r.ns)} bytes/mapping` : `${int(r.ns)} ns/op`,
    ratio:
      r.baselineNs !== undefined
        ? `${(r.ns / r.baselineNs).toFixed(2)}x ${r.baselineName} (${int(r.baselineNs)} ns)`
        : '',
  });
}

targets.push(...engineTargets(engineRows));

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
    rate: `${fmt(r.medianMs, 2)} ms/frame (p90 ${fmt(r.p90Ms, 2)}, paint() ${fmt(r.paintMs ?? NaN, 2)}${Number.isFinite(r.firstMs) ? `, cold ${fmt(r.firstMs, 1)}` : ''}${r.summaryWaitMs ? `, summary built ${fmt(r.summaryWaitMs, 0)} ms after it` : ''})`,
    ratio: `canvas ${nLabel(CANVAS_N)}: ${fmt(r.medianMs, 2)} ms/frame vs SVG ${nLabel(SVG_N)}: ${fmt(svg.medianMs, 2)} ms/frame → SVG ${fmt(svg.medianMs / r.medianMs, 1)}x slower per frame`,
  });
}
for (const c of map.canvas)
  targets.push(
    atMost(`frame at ${nLabel(CANVAS_N)} mappings, ${c.label}`, c.result.medianMs, 'ms', 4),
  );
const allInView = map.canvas.find((c) => c.level === 'all');
if (allInView)
  targets.push(
    atLeast(
      `SVG ${nLabel(SVG_N)} frame over canvas ${nLabel(CANVAS_N)} frame, all in view`,
      map.ratio.median,
      'x',
      25,
    ),
  );
rows.push({
  section: 'map',
  name: `naive d3 SVG, one <rect> per mapping, all in view (${int(svg.rects)} rects)`,
  n: `${int(svg.frames)} fr`,
  ms: fmt(svg.medianMs, 2),
  rate: `${fmt(svg.medianMs, 2)} ms/frame (p90 ${fmt(svg.p90Ms, 2)}, first render ${fmt(svg.firstMs, 1)})`,
  ratio: '',
});
rows.push({
  section: 'map',
  name: `SVG ${nLabel(SVG_N)} over canvas ${nLabel(CANVAS_N)}, all in view, ${map.ratio.rounds.length} interleaved rounds`,
  n: `${map.ratio.rounds.length} rounds`,
  ms: '',
  rate: `rounds: ${map.ratio.rounds.map((x) => fmt(x, 1)).join(', ')}`,
  ratio: `median ${fmt(map.ratio.median, 1)}x (the goal's value)`,
});

// 3. First load ------------------------------------------------------------------------------

const first = await benchFirstLoad({ loads: quick ? 3 : 7, log });
const firstMs =
  [...first.firstMapMs].sort((a, b) => a - b)[Math.floor(first.firstMapMs.length / 2)] ?? NaN;
rows.push({
  section: 'load',
  name: `JavaScript before the first map (${first.scripts.map((x) => x.file).join(', ')})`,
  n: `${first.scripts.length} files`,
  ms: '',
  rate: `${fmt(first.gzipBytes / 1024, 1)} KiB gzip`,
  ratio: '',
});
rows.push({
  section: 'load',
  name: 'navigation to first map painted (production build, cold)',
  n: `${first.firstMapMs.length} loads`,
  ms: fmt(firstMs, 0),
  rate: `median; all: ${first.firstMapMs.map((v) => fmt(v, 0)).join(', ')} ms`,
  ratio: '',
});
targets.push(
  atMost('JavaScript loaded before the first map', first.gzipBytes / 1024, 'KiB gzip', 150),
);
targets.push(atMost('navigation to the first map', firstMs, 'ms', 1000));

// 5. Importers --------------------------------------------------------------------------------

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

// 4. A big trace through the import ------------------------------------------------------------

log(`trace import: ${TRACE_LINES} lines, median of ${TRACE_ROUNDS} interleaved rounds`);
for (const r of await benchTraceImport(TRACE_LINES, log)) {
  rows.push({
    section: 'trace',
    name: r.name,
    n: int(r.n),
    ms: fmt(r.ms),
    rate: `${fmt(r.bytes / 1e6 / (r.ms / 1000), 1)} MB/s${r.longestSliceMs !== undefined ? `, longest slice ${fmt(r.longestSliceMs, 1)} ms` : ''}`,
    ratio: `${(r.ms / r.baselineMs).toFixed(2)}x ${r.baselineName} (${fmt(r.baselineMs)} ms)`,
  });
  const reading = r.name.startsWith('read');
  targets.push(
    atMost(
      `${int(r.n)}-line trace: ${reading ? 'read vs JSON.parse of the same size' : 'apply vs bare engine ops'}`,
      r.ms / r.baselineMs,
      'x',
      reading ? 4 : 3,
    ),
  );
  if (r.longestSliceMs !== undefined)
    targets.push(
      atMost(`${int(r.n)}-line trace: longest apply slice`, r.longestSliceMs, 'ms', 100),
    );
}

log(`trace import in Chromium: ${TRACE_LINES} lines dropped on the production app`);
const dropped = await benchBrowserTraceImport({ lines: TRACE_LINES, log });
rows.push({
  section: 'trace',
  name: `${int(dropped.lines)}-line trace dropped on the app (Chromium, autosave on)`,
  n: int(dropped.lines),
  ms: fmt(dropped.ms, 0),
  rate: `longest main-thread task ${fmt(dropped.longestTaskMs, 0)} ms`,
  ratio: `${int(dropped.frames)} frames painted, longest gap ${fmt(dropped.longestGapMs, 0)} ms`,
});
targets.push(
  atMost(
    `${int(dropped.lines)}-line trace dropped on the app: longest main-thread task`,
    dropped.longestTaskMs,
    'ms',
    100,
  ),
);

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
console.log(`\ntargets (${targets.filter((t) => t.holds).length} of ${targets.length} hold):`);
console.log(targetTable(targets));
const os = await import('node:os');
const resultsPath = new URL('../../bench/results.json', import.meta.url).pathname;
writeResults(resultsPath, {
  targets,
  machine: {
    node: process.versions.node,
    cpus: os.cpus().length,
    platform: `${os.platform()} ${os.arch()}`,
  },
  date: new Date().toISOString(),
  quick,
  rows: rows.map((r) => ({ ...r })),
});
console.log(`\nwrote ${resultsPath}`);
