import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForMap } from './app-page.ts';
import { dropTrace } from './drop-trace.ts';
import { appUrl, browserPerTest, expectClean } from './harness.ts';

const fresh = browserPerTest();

/** Live mappings the trace leaves: well above the size from which a lane is drawn from its summary. */
const MAPPINGS = 30_000;

/**
 * A QEMU trace of a guest that maps `lines` separate 4 KiB RAM sections one after another (as a
 * vIOMMU guest's DMA does), 8 KiB apart. Self-contained: its source runs in the page.
 */
function pagesTrace(lines: number): string {
  const out: string[] = [];
  let t = 1731002411.118402;
  for (let i = 0; i < lines; i++) {
    t += 0.000031;
    const at = 0x100000000 + i * 0x2000;
    out.push(
      `41207@${t.toFixed(6)}:vfio_listener_region_add_ram region_add [ram] 0x${at.toString(16)} - 0x${(at + 0xfff).toString(16)} [0x${(0x7f3000000000 + at).toString(16)}]`,
    );
  }
  return out.join('\n') + '\n';
}

async function summarisedLanes(page: Page): Promise<number> {
  return Number(
    await page.locator('canvas.map-canvas, canvas').first().getAttribute('data-summarised'),
  );
}

describe('the map of a large import is drawn from its summary', () => {
  it('summarises the imported mappings between frames and then draws them from the summary, with no long task', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: [number, number][] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask', buffered: true });
    });
    expect(await summarisedLanes(page)).toBe(0); // the default scenario's trees are small

    await dropTrace(page, MAPPINGS, pagesTrace);
    const dialog = page.getByRole('dialog', { name: 'Debug a real host' });
    await dialog.waitFor();
    const start = await page.evaluate(() => performance.now());
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('notice').textContent(), { timeout: 30_000 })
      .toMatch(/^imported host\.txt, qemu-trace\.log/);
    // The container lane and its domain share one tree: one summary, drawn in both lanes.
    await expect.poll(() => summarisedLanes(page), { timeout: 30_000 }).toBeGreaterThan(0);
    const end = await page.evaluate(() => performance.now());
    const longest = await page.evaluate(
      ([from, to]) =>
        Math.max(
          0,
          ...(window as unknown as { longTasks: [number, number][] }).longTasks
            .filter(([at]) => at >= from && at <= to)
            .map(([, ms]) => ms),
        ),
      [start, end] as const,
    );
    console.log(
      `import of ${MAPPINGS} mappings, summary drawn: longest main-thread task ${longest.toFixed(0)} ms`,
    );
    expect(longest).toBeLessThan(200);

    // The mappings are in the lane: hovering them names the bucket and its count.
    const detail = await page
      .locator('.lane-label', { hasText: /container/ })
      .first()
      .getAttribute('title');
    expect(detail ?? '').toMatch(/30,?000 mapping|30000 mapping/);
    await expectClean(session);
  });
});
