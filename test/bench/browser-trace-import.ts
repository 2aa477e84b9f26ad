import { dropTrace } from '../browser/drop-trace.ts';
import { withProductionApp } from './production-app.ts';

/**
 * A long QEMU trace dropped on the production app in headless Chromium, as a user drops one:
 * the import's wall time and what the page went through meanwhile — the longest main-thread task
 * (a PerformanceObserver for `longtask`), the frames painted and the longest gap between two —
 * from the click on Import until the imported workspace is painted. The autosave is on, so its
 * save of the result is in the window too.
 */
/**
 * Installed in the page as text: run from Node under tsx, a function passed to the page would
 * carry the transpiler's name helper, which the page does not have.
 */
const WATCH_MAIN_THREAD = `(() => {
  window.longTasks = [];
  window.frames = [];
  const frame = (t) => { window.frames.push(t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
})()`;

export interface BrowserTraceImport {
  readonly lines: number;
  readonly ms: number;
  readonly longestTaskMs: number;
  readonly frames: number;
  readonly longestGapMs: number;
}

export async function benchBrowserTraceImport(opts: {
  lines: number;
  log: (s: string) => void;
}): Promise<BrowserTraceImport> {
  return withProductionApp(opts.log, async ({ url, browser }) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector('.lane-label');
      await page.evaluate(WATCH_MAIN_THREAD);
      opts.log(`dropping a ${opts.lines}-line trace`);
      await dropTrace(page, opts.lines);
      const dialog = page.getByRole('dialog', { name: 'Debug a real host' });
      await dialog.getByRole('button', { name: 'Import', exact: true }).waitFor();
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="import-input"]').length === 2,
        null,
        { timeout: 300_000 },
      );
      const start = await page.evaluate(() => performance.now());
      await dialog.getByRole('button', { name: 'Import', exact: true }).click();
      await dialog.waitFor({ state: 'detached', timeout: 600_000 });
      await page.waitForFunction(
        () =>
          /^imported /.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''),
        null,
        { timeout: 60_000 },
      );
      const end = await page.evaluate(
        () =>
          new Promise<number>((done) =>
            requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))),
          ),
      );
      const { longTasks, frames } = (await page.evaluate(
        '({ longTasks: window.longTasks, frames: window.frames })',
      )) as { longTasks: [number, number][]; frames: number[] };
      const during = frames.filter((t) => t >= start && t <= end);
      return {
        lines: opts.lines,
        ms: end - start,
        longestTaskMs: Math.max(
          0,
          ...longTasks.filter(([at]) => at >= start && at <= end).map(([, ms]) => ms),
        ),
        frames: during.length,
        longestGapMs: Math.max(0, ...during.slice(1).map((t, i) => t - (during[i] as number))),
      };
    } finally {
      await context.close();
    }
  });
}
