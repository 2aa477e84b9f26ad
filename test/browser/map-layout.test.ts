import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForMap } from './app-page.ts';
import { appUrl, browserPerTest, expectClean } from './harness.ts';

const fresh = browserPerTest();

const readout = (page: Page) => page.getByTestId('view-readout').textContent();
const canvasWidth = (page: Page) =>
  page.getByTestId('map-canvas').evaluate((c) => c.getBoundingClientRect().width);
const axisLabels = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="axis"] text')]
      .map((t) => t.textContent ?? '')
      .filter((t) => t !== ''),
  );

/** The app opened in a 1280×720 window, as on a laptop. */
async function openAt1280(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.reload();
  await waitForMap(page);
}

describe('the map at the centre of a 1280-px window, in Chromium', () => {
  it('takes 60% of the width on first open, more with the panels folded ([, ] and their buttons), with a one-row toolbar and 6+ exact axis labels', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await openAt1280(page);
    expect(await canvasWidth(page)).toBeGreaterThanOrEqual(0.6 * 1280);
    const toolbar = await page.locator('.toolbar').boundingBox();
    expect(toolbar!.height).toBeLessThan(48); // one row of controls
    const labels = await axisLabels(page);
    expect(labels.length).toBeGreaterThanOrEqual(6);
    for (const l of labels) expect(l).toMatch(/^0x[0-9a-f_]+$/);

    const before = await canvasWidth(page);
    await page.locator('body').press(']');
    await expect.poll(() => canvasWidth(page)).toBeGreaterThan(before + 200);
    await page
      .getByRole('button', { name: /Show the actions, inspector and findings panel/ })
      .click();
    await expect.poll(() => canvasWidth(page)).toBe(before);
    // The left panel unfolds with its button, and the topology is there.
    await page.getByRole('button', { name: /Show the topology and lessons panel/ }).click();
    await expect(page.getByRole('tab', { name: 'Topology' }).isVisible()).resolves.toBe(true);
    await expect.poll(() => canvasWidth(page)).toBeLessThan(before);
    await page.locator('body').press('[');
    await expect.poll(() => canvasWidth(page)).toBe(before);
    // The right panel's inner edge takes the arrows: the one pointing into the map widens it.
    const edge = page.getByTestId('right-panel-resize');
    await edge.focus();
    await edge.press('ArrowLeft');
    await expect.poll(() => edge.getAttribute('aria-valuenow')).toBe('324');
    await expect.poll(() => canvasWidth(page)).toBe(before - 24);
    await edge.press('Home');
    await expect.poll(() => edge.getAttribute('aria-valuenow')).toBe('220');
    expectClean(session);
  });

  it('moves a zoom level per wheel notch, goes to either end with Home and End, and centres on a minimap click', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await openAt1280(page);
    const overlay = (await page.getByTestId('map-overlay').boundingBox())!;
    await page.mouse.move(overlay.x + overlay.width / 2, overlay.y + 20);
    const spans: string[] = [(await readout(page)) ?? ''];
    for (let i = 0; i < 3; i++) {
      await page.mouse.wheel(0, -100);
      await expect.poll(() => readout(page)).not.toBe(spans.at(-1));
      spans.push((await readout(page)) ?? '');
    }
    // 16 GiB across, then 8, 4 and 2: one power of two per notch.
    expect(spans.map((t) => /· (.+) across/.exec(t)?.[1])).toEqual([
      '16 GiB',
      '8 GiB',
      '4 GiB',
      '2 GiB',
    ]);
    await page.locator('body').press('End');
    await expect.poll(() => readout(page)).toMatch(/– 0xffff_ffff_ffff_ffff/);
    await page.locator('body').press('Home');
    await expect.poll(() => readout(page)).toMatch(/^0x0 –/);
    // A click on the minimap's right end (high addresses) centres the view there.
    const minimap = (await page.locator('.minimap').boundingBox())!;
    await page.mouse.click(minimap.x + minimap.width * 0.98, minimap.y + minimap.height / 2);
    await expect.poll(() => readout(page)).toMatch(/^0x[0-9a-f]{4}_/);
    expect(await readout(page)).toMatch(/2 GiB across/);
    expectClean(session);
  });
});
