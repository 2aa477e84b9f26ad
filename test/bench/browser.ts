import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../browser/chromium-path.ts';
import { serveStatic } from '../browser/static-server.ts';
import type { FrameResult, ZoomLevel } from './page/main.ts';

/**
 * Canvas frame time against a naive SVG rendering, in headless Chromium: builds test/bench/page
 * with Vite into a temp dir (never the app's dist/), serves it on 127.0.0.1, and drives it with
 * playwright-core. Chromium is the one in @sparticuz/chromium (executablePath only); nothing
 * downloads a browser.
 */
export interface MapBenchResult {
  build: { n: number; ms: number; mappings: number };
  canvas: Array<{ level: ZoomLevel; label: string; result: FrameResult }>;
  svg: { n: number; result: FrameResult };
  /**
   * SVG over canvas (all in view), measured in RATIO_ROUNDS rounds that alternate the two, each
   * round's ratio from its own medians: the SVG side's median moves between 35 and 70 ms with the
   * machine's state, so the ratio is judged from rounds run under the same conditions.
   */
  ratio: { rounds: number[]; median: number };
}

export const RATIO_ROUNDS = 5;

const LEVELS: Array<{ level: ZoomLevel; label: string }> = [
  { level: 'whole', label: 'whole 2^64 space' },
  { level: 'all', label: 'all mappings in view' },
  { level: '64MiB', label: '64 MiB window' },
  { level: '1MiB', label: '1 MiB window' },
];

export async function benchMap(opts: {
  canvasN: number;
  svgN: number;
  frames: number;
  log: (s: string) => void;
}): Promise<MapBenchResult> {
  const root = resolve(import.meta.dirname, 'page');
  const outDir = mkdtempSync(join(tmpdir(), 'iova-bench-page-'));
  const profile = mkdtempSync(join(tmpdir(), 'iova-bench-profile-'));
  let server: Awaited<ReturnType<typeof serveStatic>>['server'] | undefined;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    opts.log('building the bench page with Vite');
    await build({
      root,
      configFile: false,
      base: './',
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        reportCompressedSize: false,
      },
    });
    const served = await serveStatic(outDir);
    server = served.server;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: await chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1600, height: 1000 },
      deviceScaleFactor: 1,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(served.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
    opts.log(`building ${opts.canvasN} mappings through the engine in the page`);
    const built = await page.evaluate((n) => window.mapBench.build(n), opts.canvasN);
    if (built.mappings !== opts.canvasN)
      throw new Error(`page built ${built.mappings} mappings, wanted ${opts.canvasN}`);
    const canvas: MapBenchResult['canvas'] = [];
    for (const { level, label } of LEVELS) {
      opts.log(`canvas frames: ${label}`);
      const result = await page.evaluate((a) => window.mapBench.canvas(a.level, a.frames), {
        level,
        frames: opts.frames,
      });
      canvas.push({ level, label, result });
    }
    opts.log(`SVG frames: ${opts.svgN} <rect>s`);
    const svg = await page.evaluate((a) => window.mapBench.svg(a.n, a.frames), {
      n: opts.svgN,
      frames: opts.frames,
    });
    opts.log(`SVG over canvas, all in view: ${RATIO_ROUNDS} interleaved rounds`);
    const rounds: number[] = [];
    const roundFrames = Math.max(5, Math.round(opts.frames / 2));
    for (let r = 0; r < RATIO_ROUNDS; r++) {
      const canvasFirst = r % 2 === 0;
      const one = async (kind: 'canvas' | 'svg') =>
        kind === 'canvas'
          ? page.evaluate((f) => window.mapBench.canvas('all', f), roundFrames)
          : page.evaluate((a) => window.mapBench.svg(a.n, a.f), { n: opts.svgN, f: roundFrames });
      const a = await one(canvasFirst ? 'canvas' : 'svg');
      const b = await one(canvasFirst ? 'svg' : 'canvas');
      const [c, s] = canvasFirst ? [a, b] : [b, a];
      rounds.push(s.medianMs / c.medianMs);
    }
    const median = [...rounds].sort((x, y) => x - y)[Math.floor(rounds.length / 2)] as number;
    if (errors.length) throw new Error(`bench page errors:\n${errors.join('\n')}`);
    return {
      build: built,
      canvas,
      svg: { n: opts.svgN, result: svg },
      ratio: { rounds, median },
    };
  } finally {
    await context?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}
