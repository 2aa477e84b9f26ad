import type { Page } from 'playwright-core';

/** Helpers that drive the built app the way a user does. */
export async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="map-canvas"]');
  // A frame has been painted (the top page of the space may hold no rectangle at all).
  await page.waitForFunction(
    () =>
      (document.querySelector('[data-testid="map-canvas"]') as HTMLElement | null)?.dataset[
        'frameMs'
      ] !== undefined,
  );
  await page.waitForFunction(() => document.querySelector('.lane-label') !== null);
  // The gestures load beside the first map (src/ui/map/load-beside.ts): the map and the minimap
  // take drags and wheel notches once they have.
  await page.waitForSelector('[data-testid="map-overlay"][data-gestures="on"]', {
    state: 'attached',
  });
  await page.waitForSelector('.minimap-brush .brush', { state: 'attached' });
}

export async function laneDetail(page: Page, label: string): Promise<string> {
  return (
    (await page
      .locator('.lane-label', { hasText: label })
      .first()
      .locator('.lane-detail')
      .textContent()) ?? ''
  );
}

export async function fillMapForm(page: Page, iova: string, size: string): Promise<void> {
  await page.getByLabel('iova', { exact: true }).fill(iova);
  await page.getByLabel('size', { exact: true }).fill(size);
}

/** Moves the pointer over `fraction` of the map's width in the lane labelled `label`, returns the hover card text. */
export async function hoverLane(page: Page, label: string, fraction: number): Promise<string> {
  const lane = await page.locator('.lane-label', { hasText: label }).first().boundingBox();
  const overlay = await page.getByTestId('map-overlay').boundingBox();
  if (!lane || !overlay) throw new Error('map not laid out');
  await page.mouse.move(overlay.x + overlay.width * fraction, lane.y + lane.height / 2);
  await page.waitForSelector('[data-testid="hover-card"]:not([hidden])');
  return (await page.getByTestId('hover-card').textContent()) ?? '';
}

/** Waits until this tab's autosave status has a count `name` of at least `least`. */
async function waitForStatusCount(page: Page, name: string, least: number): Promise<void> {
  await page.waitForFunction(
    ([name, least]) =>
      Number(
        document.querySelector('[data-testid="autosave-status"]')?.getAttribute(`data-${name}`),
      ) >= Number(least),
    [name, String(least)] as const,
  );
}

/** Waits until this tab's autosave has written revision `revision` or a later one. */
export async function waitForAutosave(page: Page, revision: number): Promise<void> {
  await waitForStatusCount(page, 'revision', revision);
}

/** Waits until this read-only tab has held back `count` saves or more (a change it made reached the autosave). */
export async function waitForWithheld(page: Page, count: number): Promise<void> {
  await waitForStatusCount(page, 'withheld', count);
}

/** How many saves this read-only tab has held back. */
export async function withheldSaves(page: Page): Promise<number> {
  return Number(await page.getByTestId('autosave-status').getAttribute('data-withheld'));
}

/** The revision this tab last wrote or read. */
export async function autosaveRevision(page: Page): Promise<number> {
  return Number(await page.getByTestId('autosave-status').getAttribute('data-revision'));
}

/** Waits until this tab's autosave status carries these data attributes (mode, copy, link, revision, others). */
export async function waitForAutosaveStatus(
  page: Page,
  data: Partial<Record<'mode' | 'copy' | 'link' | 'revision' | 'others', string>>,
): Promise<void> {
  const attributes = Object.entries(data)
    .map(([name, value]) => `[data-${name}="${value}"]`)
    .join('');
  await page.waitForSelector(`[data-testid="autosave-status"]${attributes}`, { state: 'attached' });
}
