import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { fillMapForm, laneDetail, waitForAutosave, waitForMap } from './app-page.ts';
import type { BrowserSession } from './browser-session.ts';
import { appUrl } from './harness.ts';

/** The user's own work in the tests of damaged inputs and of the autosave: what must never be lost. */

/** Maps 2 MiB at `iova` through the form and waits until container 1 shows `count` mappings. */
export async function mapAt(page: Page, iova: string, count: number): Promise<void> {
  await fillMapForm(page, iova, '2M');
  await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
  await expect.poll(() => laneDetail(page, 'container 1')).toContain(`${count} mapping(s)`);
}

/**
 * A fresh browser (from the file's `browserPerTest()`) on the default scenario, with one mapping
 * of the user's own saved as revision 1: the work a bad input or another tab must not cost.
 */
export async function openWithOneMapping(
  fresh: () => Promise<BrowserSession>,
): Promise<{ session: BrowserSession; page: Page }> {
  const session = await fresh();
  const page = await session.open(appUrl);
  await waitForMap(page);
  await mapAt(page, '0x300000000', 3);
  await waitForAutosave(page, 1);
  return { session, page };
}
