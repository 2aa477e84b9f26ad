import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fillMapForm, hoverLane, waitForMap } from './app-page.ts';
import { appUrl, browserPerTest, expectClean } from './harness.ts';

const fresh = browserPerTest();

async function openAt1280(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.reload();
  await waitForMap(page);
}

/**
 * The canvas pixel at `fraction` of the map's width, in the middle of the lane labelled `label`,
 * as [r, g, b].
 */
async function pixel(page: Page, label: string, fraction: number): Promise<number[]> {
  const lane = (await page.locator('.lane-label', { hasText: label }).first().boundingBox())!;
  return page.getByTestId('map-canvas').evaluate(
    (c: HTMLCanvasElement, [fraction, y]) => {
      const box = c.getBoundingClientRect();
      const dpr = c.width / box.width;
      const ctx = c.getContext('2d')!;
      const d = ctx.getImageData(
        Math.round(box.width * fraction * dpr),
        Math.round((y - box.y) * dpr),
        1,
        1,
      ).data;
      return [d[0]!, d[1]!, d[2]!];
    },
    [fraction, lane.y + lane.height / 2] as const,
  );
}

/** Drawn over in red: much more red, less blue than `before`. */
const redderThan = (before: number[]) => (now: number[]) =>
  now[0]! - before[0]! > 50 && before[2]! - now[2]! > 30;
/** Drawn over in blue: blue much further above red than in `before`. */
const bluerThan = (before: number[]) => (now: number[]) =>
  now[2]! - now[0]! - (before[2]! - before[0]!) > 40;

/** Where `addr` falls across the default view (0 .. 16 GiB). */
const at = (addr: number) => addr / 2 ** 34;

describe('actions seen on the map, in Chromium at 1280×720', () => {
  it('draws the form’s would-be mapping as a ghost, red on a collision, then shows the run’s own result and links to it', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await openAt1280(page);
    // Sampled away from the labels drawn on the bars.
    const overRam = await pixel(page, 'container 1', at(0x200000000));
    const free = await pixel(page, 'container 1', at(0x320000000));
    const reddish = redderThan(overRam);
    const bluish = bluerThan(free);
    // Over guest RAM container 1 already maps: the dry run refuses it, the ghost is red.
    await fillMapForm(page, '0x100000000', '0x180000000');
    await expect
      .poll(() => page.getByTestId('dry-run').textContent())
      .toMatch(/would fail: EEXIST/);
    await expect
      .poll(async () => reddish(await pixel(page, 'container 1', at(0x200000000))))
      .toBe(true);
    // Above it, free space: the ghost is blue where nothing was drawn before.
    await fillMapForm(page, '0x300000000', '0x40000000');
    await expect.poll(() => page.getByTestId('dry-run').textContent()).toMatch(/would succeed/);
    await expect
      .poll(async () => bluish(await pixel(page, 'container 1', at(0x320000000))))
      .toBe(true);

    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    await expect
      .poll(() => page.getByTestId('run-result').textContent())
      .toMatch(/^done: mapped iova 0x300000000\.\.0x33fffffff/);
    expect(await page.getByTestId('dry-run').textContent()).not.toMatch(/would fail/);

    // The range in the log entry frames the new mapping and selects it.
    await page
      .getByTestId('log')
      .getByRole('button', { name: '0x300000000..0x33fffffff' })
      .first()
      .click();
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .toBe('0x3_0000_0000 – 0x3_3fff_ffff · 1 GiB across');
    await page.getByRole('tab', { name: 'Inspector' }).click();
    expect(await page.getByTestId('inspector-range').textContent()).toBe(
      '0x300000000..0x33fffffff',
    );

    // A failed run leaves its mark (the ghost is gone once it has run) until the next change.
    await page.getByPlaceholder(/go to/).fill('0x0..0x3ffffffff');
    await page.getByPlaceholder(/go to/).press('Enter');
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .toMatch(/16 GiB across/);
    await page.getByRole('tab', { name: 'Actions' }).click();
    await fillMapForm(page, '0x100000000', '0x180000000');
    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    await expect
      .poll(() => page.getByTestId('run-result').textContent())
      .toMatch(/^failed: EEXIST/);
    await expect
      .poll(async () => reddish(await pixel(page, 'container 1', at(0x200000000))))
      .toBe(true);
    // The next action that changes the workspace clears it (this one lands in view: the view stays).
    await fillMapForm(page, '0x3c0000000', '0x20000000');
    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    await expect.poll(() => page.getByTestId('run-result').textContent()).toMatch(/^done: mapped/);
    await expect
      .poll(async () => reddish(await pixel(page, 'container 1', at(0x200000000))))
      .toBe(false);
    expectClean(session);
  });

  it('shades what lies outside each aperture, says where it ends, and says so on hover', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await openAt1280(page);
    await page.getByRole('button', { name: /whole 64-bit space/ }).click();
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .toMatch(/16 EiB across/);
    const card = await hoverLane(page, 'container 1', 0.6);
    expect(card).toContain('outside the aperture of container 1 (type1v2)');
    expect(card).toContain('dmar0: 48-bit aperture ends at 0xffff_ffff_ffff');
    const group2 = await hoverLane(page, 'group 2 reserved', 0.6);
    expect(group2).toContain('dmar1: 39-bit aperture ends at 0x7f_ffff_ffff');
    expectClean(session);
  });

  it('takes the keyboard: Tab reaches the map, arrows move between objects, Enter selects', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await openAt1280(page);
    const map = page.getByTestId('map-overlay');
    await map.focus();
    expect(await map.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
    await page.keyboard.press('ArrowRight');
    const live = page.locator('.map-overlay + .sr-only');
    await expect.poll(() => live.textContent()).toMatch(/^guest memory: RAM below 4G/);
    // Down through the host bridge and the groups to container 1.
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
    // From a group's MSI window at 0xfee00000 the cursor keeps its address: the container's.
    await expect
      .poll(() => live.textContent())
      .toBe(
        'container 1 (type1v2): msi (IOAPIC/MSI window) · group 4 0xfee00000..0xfeefffff (1 MiB)',
      );
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => live.textContent())
      .toBe('container 1 (type1v2): mapping 0x100000000..0x27fffffff (6 GiB)');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('inspector-range').textContent())
      .toBe('0x100000000..0x27fffffff');

    // Every control Tab reaches says what it is and shows that it has the focus.
    await page.locator('body').focus();
    const unnamed: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const el = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        if (!a || a === document.body) return undefined;
        const labelled = (a as HTMLInputElement).labels?.[0]?.textContent ?? '';
        const name =
          a.getAttribute('aria-label') ?? (labelled || a.textContent?.trim() || a.title || '');
        const style = getComputedStyle(a);
        return {
          tag: `${a.tagName} ${a.className}`,
          name,
          outlined: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
        };
      });
      if (!el) continue;
      if (!el.name || !el.outlined) unnamed.push(JSON.stringify(el));
    }
    expect(unnamed).toEqual([]);
    expectClean(session);
  });
});
