import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIRST_MAP_MARK } from '../../src/ui/map/first-map-mark.ts';
import { withProductionApp } from './production-app.ts';

/**
 * What a first visit costs: the production build's JavaScript that loads before the first map
 * (the entry module and every module it preloads, gzip-compressed as a server would send it),
 * and the time from navigation to the map's first painted frame (the FIRST_MAP_MARK User Timing
 * mark), median of several cold loads in headless Chromium. Builds into a temp dir, never dist/.
 */
export interface FirstLoadResult {
  /** The scripts loaded before the first map, with their gzip sizes in bytes. */
  readonly scripts: readonly { readonly file: string; readonly gzipBytes: number }[];
  readonly gzipBytes: number;
  /** Milliseconds from navigation start to the first map, per load. */
  readonly firstMapMs: readonly number[];
}

/** Script files the HTML loads up front: module entries and modulepreload links. */
export function upfrontScripts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) out.push(m[1] as string);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g))
    out.push(m[1] as string);
  return [...new Set(out)];
}

export async function benchFirstLoad(opts: {
  loads: number;
  log: (s: string) => void;
}): Promise<FirstLoadResult> {
  return withProductionApp(opts.log, async ({ outDir, url, browser }) => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const scripts = upfrontScripts(html).map((src) => {
      const file = src.replace(/^\.?\//, '');
      return { file, gzipBytes: gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length };
    });
    const firstMapMs: number[] = [];
    for (let i = 0; i < opts.loads; i++) {
      // A fresh context per load: nothing cached, no autosave from the previous load.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(url);
      const handle = await page.waitForFunction(
        (mark) => performance.getEntriesByName(mark)[0]?.startTime,
        FIRST_MAP_MARK,
        { timeout: 60_000 },
      );
      firstMapMs.push((await handle.jsonValue()) as number);
      await context.close();
    }
    return {
      scripts,
      gzipBytes: scripts.reduce((sum, s) => sum + s.gzipBytes, 0),
      firstMapMs,
    };
  });
}
