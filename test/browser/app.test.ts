import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';
import { fillMapForm, hoverLane, laneDetail, waitForMap } from './app-page.ts';
import { waitForSavedSteps } from './autosave-db.ts';

const fresh = browserPerTest();

describe('the built app in Chromium', () => {
  it('first open draws the default scenario with no console errors and no CSP violations', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    expect(
      await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
    ).toContain("default-src 'none'");
    expect(await laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expect(await page.locator('.lane-label', { hasText: 'group 4 reserved' }).count()).toBe(1);
    expect(await page.getByTestId('view-readout').textContent()).toContain('0x0 – 0x3_ffff_ffff');
    // The MSI window of group 4, hovered at its place on the map (0xfee00000 of a 16 GiB view).
    expect(await hoverLane(page, 'group 4 reserved', Number(0xfee80000n) / 2 ** 34)).toContain(
      '0xfee00000..0xfeefffff',
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'default-scenario.png') });
    expectClean(s);
    // The CSP is enforced: an inline script does not run, and the browser reports the violation.
    const inline = await page.evaluate(() => {
      const el = document.createElement('script');
      el.textContent = 'window.__inlineRan = true';
      document.body.appendChild(el);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inline).toBe(false);
    await expect.poll(() => s.problems.cspViolations.join('\n')).toContain('script-src');
  });

  it('opening #view=0xfffffffffffff000-0xffffffffffffffff shows exact labels of that page', async () => {
    const s = await fresh();
    const page = await s.open(`${appUrl}#view=0xfffffffffffff000-0xffffffffffffffff`);
    await waitForMap(page);
    const labels = await page.locator('[data-testid="axis"] text').allTextContents();
    expect(labels[0]).toBe('0xffff_ffff_ffff_f000');
    expect(labels).toContain('0xffff_ffff_ffff_f800');
    expect(await page.getByTestId('view-readout').textContent()).toContain(
      '0xffff_ffff_ffff_f000 – 0xffff_ffff_ffff_ffff · 4 KiB across',
    );
    await page.screenshot({ path: resolve(ARTIFACTS, 'top-page.png') });
    expectClean(s);
  });

  it('a map through the form appears on the map', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    await fillMapForm(page, '0x300000000', '1G');
    await expect.poll(() => page.getByTestId('dry-run').textContent()).toContain('would succeed');
    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expect(await hoverLane(page, 'container 1', 12.5 / 16)).toContain('0x300000000..0x33fffffff');
    // Click selects it into the inspector, with its best-case page split.
    await page.mouse.down();
    await page.mouse.up();
    await expect
      .poll(() => page.getByTestId('inspector-range').textContent())
      .toBe('0x300000000..0x33fffffff');
    expect(await page.getByRole('table', { name: 'page split' }).textContent()).toContain('1 GiB');
    await page.screenshot({ path: resolve(ARTIFACTS, 'mapping-selected.png') });
    expectClean(s);
  });

  it('a map into the MSI window shows EINVAL with its explanation and changes nothing', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    await fillMapForm(page, '0xfee00000', '4K');
    await expect
      .poll(() => page.getByTestId('dry-run').textContent())
      .toMatch(/would fail: EINVAL .*0xfee00000/);
    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    const newest = page.getByTestId('log').locator('li').first();
    await expect.poll(() => newest.textContent()).toMatch(/EINVAL.*vfio\.map_dma/);
    expect(await newest.textContent()).toMatch(/rule: /);
    expect(await laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expect(await page.getByRole('button', { name: 'undo' }).isDisabled()).toBe(true);
    expectClean(s);
  });

  it('undo and redo, with buttons and keys', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    await fillMapForm(page, '0x300000000', '2M');
    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    await page.getByRole('button', { name: 'undo' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    await page.getByRole('button', { name: 'redo' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    await page.getByTestId('map-overlay').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('u');
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    await page.keyboard.press('Shift+U');
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    await page.keyboard.press('Control+z');
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expectClean(s);
  });

  it('reload keeps the work (IndexedDB)', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    await fillMapForm(page, '0x300000000', '2M');
    await page.getByRole('button', { name: 'Run vfio.map_dma' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    await waitForSavedSteps(page, '0x300000000');
    await page.reload();
    await waitForMap(page);
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    // The restored action can still be undone.
    await page.getByRole('button', { name: 'undo' }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expectClean(s);
  });

  it('wheel zoom keeps the byte under the cursor, drag pans', async () => {
    const s = await fresh();
    const page = await s.open(`${appUrl}#view=0x0-0x3ffffffff`);
    await waitForMap(page);
    const overlay = (await page.getByTestId('map-overlay').boundingBox())!;
    const x = overlay.x + overlay.width * 0.75;
    const y = overlay.y + 10;
    await page.mouse.move(x, y);
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -100);
    await expect.poll(() => page.getByTestId('view-readout').textContent()).not.toContain('16 GiB');
    const readout = (await page.getByTestId('view-readout').textContent())!;
    const [, startHex, lastHex] = /^(\S+) – (\S+)/.exec(readout)!;
    const start = BigInt(startHex!.replace(/_/g, ''));
    const last = BigInt(lastHex!.replace(/_/g, ''));
    const under = start + ((last - start + 1n) * 3n) / 4n;
    expect(under > 0x2f0000000n && under < 0x310000000n).toBe(true); // 3/4 of 16 GiB = 0x300000000
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 200, y, { steps: 5 });
    await page.mouse.up();
    expect(await page.getByTestId('view-readout').textContent()).not.toBe(readout);
    expectClean(s);
  });

  it('a burst of view changes asks for one animation frame: the map and the minimap paint in one rAF loop', async () => {
    const s = await fresh();
    const page = await s.open(`${appUrl}#view=0x0-0x3ffffffff`);
    await waitForMap(page);
    const before = await page.getByTestId('view-readout').textContent();
    const r = await page.evaluate(async () => {
      const overlay = document.querySelector('[data-testid="map-overlay"]')!;
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="map-canvas"]')!;
      const minimap = document.querySelector<HTMLCanvasElement>('.minimap canvas')!;
      const box = overlay.getBoundingClientRect();
      const original = window.requestAnimationFrame;
      let requests = 0;
      window.requestAnimationFrame = (cb) => {
        requests++;
        return original.call(window, cb);
      };
      // Marks that only a paint undoes: the minimap sets its canvas size, the map its frame time.
      const minimapWidth = minimap.width;
      minimap.width = 1;
      delete canvas.dataset['frameMs'];
      // Thirty wheel notches in one task: thirty store updates, each seen by the map and the minimap.
      for (let i = 0; i < 30; i++) {
        overlay.dispatchEvent(
          new WheelEvent('wheel', {
            deltaY: -100,
            clientX: box.left + box.width / 2,
            clientY: box.top + 5,
            bubbles: true,
            cancelable: true,
          }),
        );
      }
      const inBurst = requests;
      await new Promise<void>((ok) =>
        original.call(window, () => original.call(window, () => ok())),
      );
      window.requestAnimationFrame = original;
      return {
        inBurst,
        frameMs: canvas.dataset['frameMs'],
        minimapPainted: minimap.width === minimapWidth && minimapWidth > 1,
      };
    });
    expect(r.inBurst).toBe(1);
    expect(r.frameMs).toMatch(/^\d+\.\d\d$/);
    expect(r.minimapPainted).toBe(true);
    expect(await page.getByTestId('view-readout').textContent()).not.toBe(before);
    expectClean(s);
  });

  it('ten wheel notches in, then ten out, come back to the same view', async () => {
    const s = await fresh();
    const page = await s.open(`${appUrl}#view=0x0-0x3ffffffff`);
    await waitForMap(page);
    const overlay = (await page.getByTestId('map-overlay').boundingBox())!;
    await page.mouse.move(overlay.x + overlay.width * 0.3, overlay.y + 10);
    const before = await page.getByTestId('view-readout').textContent();
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, -100);
    await expect.poll(() => page.getByTestId('view-readout').textContent()).not.toBe(before);
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 100);
    await expect.poll(() => page.getByTestId('view-readout').textContent()).toBe(before);
    expectClean(s);
  });

  it('the minimap brush chooses a view, also from the whole 2^64 view', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    await page.getByRole('button', { name: 'show the whole 64-bit space' }).click();
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .toContain('16 EiB across');
    const mm = (await page.locator('.minimap').boundingBox())!;
    const y = mm.y + mm.height / 2;
    await page.mouse.move(mm.x + mm.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(mm.x + mm.width * 0.4, y, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .not.toContain('16 EiB across');
    expectClean(s);
  });

  it('refuses a scenario file over 4 MB with a message', async () => {
    const s = await fresh();
    const page = await s.open(appUrl);
    await waitForMap(page);
    await page.locator('input[type="file"]').setInputFiles({
      name: 'huge.json',
      mimeType: 'application/json',
      buffer: Buffer.alloc(21 * 1024 * 1024, 32),
    });
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toContain('scenario files above 4.0 MB are refused');
    expect(await laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expectClean(s);
  });
});
