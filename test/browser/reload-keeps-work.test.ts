import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserPerTest, expectClean } from './harness.ts';
import { laneDetail, waitForMap } from './app-page.ts';
import { openWithOneMapping } from './own-work.ts';

const fresh = browserPerTest();

const readout = (page: Page) => page.getByTestId('view-readout').textContent();

describe('a reload keeps the work and the view, in Chromium', () => {
  it('undo after a reload takes back what was done before it', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    await page.reload();
    await waitForMap(page);
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    await page.getByRole('button', { name: 'undo', exact: true }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    await page.getByRole('button', { name: 'redo', exact: true }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expectClean(session);
  });

  it('a view changed just before a reload, within the autosave pause, is kept (saved on pagehide)', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    const zoomIn = async () => {
      const before = await readout(page);
      await page.getByRole('button', { name: 'zoom in' }).click();
      await expect.poll(() => readout(page)).not.toBe(before);
    };
    await zoomIn();
    await zoomIn();
    const zoomed = await readout(page);
    // At once: well inside the pause a view change waits before it is saved.
    await page.reload();
    await waitForMap(page);
    await expect.poll(() => readout(page)).toBe(zoomed);
    expectClean(session);
  });
});
