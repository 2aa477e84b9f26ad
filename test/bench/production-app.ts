import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumPath } from '../browser/chromium-path.ts';
import { serveStatic } from '../browser/static-server.ts';

export interface ProductionApp {
  /** The build's directory (a temp dir, never dist/). */
  readonly outDir: string;
  readonly url: string;
  readonly browser: Browser;
}

/**
 * Runs `measure` on the app's production build, served on 127.0.0.1, with headless Chromium
 * (the one in @sparticuz/chromium, executablePath only). Cleans everything up after.
 */
export async function withProductionApp<T>(
  log: (s: string) => void,
  measure: (app: ProductionApp) => Promise<T>,
): Promise<T> {
  const root = resolve(import.meta.dirname, '../..');
  const outDir = mkdtempSync(join(tmpdir(), 'iova-bench-app-'));
  let server: Awaited<ReturnType<typeof serveStatic>>['server'] | undefined;
  let browser: Browser | undefined;
  try {
    log('building the app for production');
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const served = await serveStatic(outDir);
    server = served.server;
    browser = await chromium.launch({
      executablePath: await chromiumPath(),
      headless: true,
      args: CHROMIUM_ARGS,
    });
    return await measure({ outDir, url: served.url, browser });
  } finally {
    await browser?.close();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    rmSync(outDir, { recursive: true, force: true });
  }
}
