/**
 * Makes docs/screenshot.png, the picture at the top of the README: the production build on its
 * default scenario, in headless Chromium, with a refused map into the MSI window in the action
 * form so the dry-run explanation shows. Run with `npx tsx test/browser/capture-readme-screenshot.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { chromiumPath } from './chromium-path.ts';
import { startBrowser } from './browser-session.ts';
import { serveStatic } from './static-server.ts';
import { fillMapForm, waitForMap } from './app-page.ts';

const root = resolve(import.meta.dirname, '../..');
const outDir = mkdtempSync(join(tmpdir(), 'iova-explorer-shot-'));
await build({
  root,
  logLevel: 'warn',
  configFile: resolve(root, 'vite.config.ts'),
  build: { outDir, emptyOutDir: true },
});
const { server, url } = await serveStatic(outDir);
const session = await startBrowser(await chromiumPath(), url);
try {
  const page = await session.open(`${url}#view=0x0-0x3ffffffff`);
  await waitForMap(page);
  await fillMapForm(page, '0xfee00000', '4K');
  // The dry run has answered for the typed map (the MSI window refuses it).
  await page.getByTestId('dry-run').getByText('would fail').waitFor();
  await page.screenshot({ path: join(root, 'docs/screenshot.png') });
  console.log('wrote docs/screenshot.png');
} finally {
  await session.close();
  server.close();
  rmSync(outDir, { recursive: true, force: true });
}
