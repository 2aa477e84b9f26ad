import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, ROOT, ARTIFACTS, browserPerTest, expectClean, collectBundle } from './harness.ts';
import { laneDetail, waitForMap } from './app-page.ts';
import { waitForRecord } from './autosave-db.ts';

const fresh = browserPerTest();

/** Imports the amd-server bundle and its error lines with a 1 TiB q35 guest, through the dialog. */
async function importAmdServer(page: Page): Promise<void> {
  const files = [
    { name: 'amd-server-bundle.txt', text: collectBundle('amd-server') },
    {
      name: 'errors.txt',
      text: readFileSync(resolve(ROOT, 'test/fixtures/hosts/amd-server/errors.txt'), 'utf8'),
    },
  ];
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'text/plain' }));
    document
      .querySelector('.app')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
  const dialog = page.getByRole('dialog', { name: 'Debug a real host' });
  await dialog.waitFor();
  await expect.poll(() => dialog.getByTestId('import-input').count()).toBe(2);
  await dialog.getByLabel('machine').selectOption('q35');
  await dialog.getByLabel('RAM').fill('1T');
  await dialog.getByLabel('QEMU machine version').fill('7.0');
  await expect
    .poll(() => dialog.getByRole('region', { name: 'pasted lines explained' }).textContent())
    .toMatch(/EINVAL/);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect
    .poll(() => page.locator('.lane-label', { hasText: 'group 8 reserved' }).count())
    .toBe(1);
}

type Box = { x: number; y: number; width: number; height: number };
const box = async (page: Page, selector: string): Promise<Box> => {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not laid out`);
  return b;
};

/** Every lane label can be scrolled into the map's visible area, where nothing covers it. */
async function expectEveryLaneReachable(page: Page): Promise<void> {
  const labels = page.locator('.lane-label');
  const n = await labels.count();
  for (let i = 0; i < n; i++) {
    await labels.nth(i).scrollIntoViewIfNeeded();
    const lane = (await labels.nth(i).boundingBox())!;
    const scroll = await box(page, '[data-testid="map-scroll"]');
    const axis = await box(page, '[data-testid="axis"]');
    const minimap = await box(page, '.minimap');
    expect(lane.y, `lane ${i} below the axis`).toBeGreaterThanOrEqual(axis.y + axis.height - 0.5);
    expect(lane.y + lane.height, `lane ${i} inside the map`).toBeLessThanOrEqual(
      scroll.y + scroll.height + 0.5,
    );
    expect(lane.y + lane.height, `lane ${i} above the minimap`).toBeLessThanOrEqual(
      minimap.y + 0.5,
    );
  }
}

describe('layout, persistence and replay stepping, in Chromium', () => {
  it('the map takes the height the log does not need; every lane of an imported host is reachable', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    mkdirSync(ARTIFACTS, { recursive: true });
    // The default scenario: the map is as tall as its lanes (no empty band above the minimap)
    // and the log takes the rest of the column.
    const centre = await box(page, '.centre');
    const map = await box(page, '.map');
    const log = await box(page, '.log-pane');
    const scroll = await page
      .getByTestId('map-scroll')
      .evaluate((e) => ({ client: e.clientHeight, content: e.scrollHeight }));
    expect(scroll.client).toBeLessThanOrEqual(scroll.content + 1);
    expect(map.height).toBeGreaterThan(centre.height * 0.3);
    expect(log.y + log.height).toBeGreaterThan(centre.y + centre.height - 2);
    expect(map.height + log.height).toBeGreaterThan(centre.height - 12);
    await expectEveryLaneReachable(page);
    await page.screenshot({ path: resolve(ARTIFACTS, 'layout-default.png') });

    await importAmdServer(page);
    await expectEveryLaneReachable(page);
    await page.locator('.lane-label').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(ARTIFACTS, 'layout-imported-host.png') });

    // A shorter window: the lanes scroll under a sticky axis, the minimap stays below them.
    await page.setViewportSize({ width: 1400, height: 640 });
    await expectEveryLaneReachable(page);
    await page.screenshot({ path: resolve(ARTIFACTS, 'layout-imported-host-short.png') });

    // Dragging the handle gives the log more room, and the map less.
    const handle = await box(page, '[data-testid="split-handle"]');
    const before = (await box(page, '.log-pane')).height;
    await page.mouse.move(handle.x + 200, handle.y + 3);
    await page.mouse.down();
    await page.mouse.move(handle.x + 200, handle.y - 120, { steps: 4 });
    await page.mouse.up();
    expect((await box(page, '.log-pane')).height).toBeGreaterThan(before + 100);
    await expectEveryLaneReachable(page);
    expectClean(session);
  });

  it('an imported host survives a reload: its findings come back', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await importAmdServer(page);
    const findings = page.getByRole('region', { name: 'findings' });
    await expect
      .poll(() => findings.getByTestId('findings-summary').textContent())
      .toMatch(/error/);
    const summary = await findings.getByTestId('findings-summary').textContent();
    const errors = await findings.getByRole('region', { name: 'Errors' }).textContent();
    expect(errors).toContain('pasted-error');
    // The merged phrase, not one per group: the assigned groups (bound to vfio-pci) hold the window.
    expect(errors).toMatch(/groups 3, 6's reserved region 0xfd00000000\.\.0xffffffffff/);
    // The import is saved, host facts and all, before the reload.
    await waitForRecord(page, (r) => typeof (r as { hostText?: unknown })?.hostText === 'string');
    await page.reload();
    await waitForMap(page);
    await expect
      .poll(() => page.locator('.lane-label', { hasText: 'group 8 reserved' }).count())
      .toBe(1);
    expect(await page.locator('.lane-label', { hasText: 'guest memory' }).count()).toBe(1);
    await page.getByRole('tab', { name: 'Findings' }).click();
    await expect.poll(() => findings.getByTestId('findings-summary').textContent()).toBe(summary);
    expect(await findings.getByRole('region', { name: 'Errors' }).textContent()).toBe(errors);
    expectClean(session);
  });

  it('an old autosave gives a message and the default scenario, never a blank page', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await page.evaluate(
      () =>
        new Promise<void>((ok, fail) => {
          const req = indexedDB.open('iova-explorer', 1);
          req.onsuccess = () => {
            const tx = req.result.transaction('workspace', 'readwrite');
            tx.objectStore('workspace').put({ version: 0, scenarioText: 1 }, 'current');
            tx.oncomplete = () => {
              req.result.close();
              ok();
            };
            tx.onerror = () => fail(tx.error);
          };
          req.onerror = () => fail(req.error);
        }),
    );
    await page.reload();
    await waitForMap(page);
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(/version 0.*opened the default scenario/);
    expectClean(session);
  });

  it('steps back and forward through the replay in the log, the map following', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    expect(await laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    const bar = page.getByTestId('replay-bar');
    await bar.getByRole('button', { name: 'first step' }).click();
    await expect
      .poll(() => page.locator('.lane-label', { hasText: 'container 1' }).count())
      .toBe(0);
    expect(await page.getByTestId('replay-position').textContent()).toMatch(/after step 0 of 5/);
    // Forward until the container has its first mapping.
    for (
      let i = 0;
      i < 5 &&
      !(
        (await page.locator('.lane-label', { hasText: 'container 1' }).count()) &&
        (await laneDetail(page, 'container 1')).includes('1 mapping(s)')
      );
      i++
    ) {
      await bar.getByRole('button', { name: 'step forward' }).click();
    }
    expect(await laneDetail(page, 'container 1')).toContain('1 mapping(s)');
    await page.screenshot({ path: resolve(ARTIFACTS, 'replay-step.png') });
    // Viewing is not an edit: undo is still the scenario open's, and "back to the present" restores.
    await bar.getByRole('button', { name: 'back to the present' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expectClean(session);
  });
});
