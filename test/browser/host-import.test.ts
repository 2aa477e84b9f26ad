import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, ROOT, ARTIFACTS, browserPerTest, expectClean, collectBundle } from './harness.ts';
import { hexGrouped } from '../../src/core/u64.ts';
import { withMargin } from '../../src/store/findings.ts';
import { fitRange, visibleRange } from '../../src/view/viewport/viewport.ts';
import { waitForMap } from './app-page.ts';

const fresh = browserPerTest();

/** Drops files on an element with a real DataTransfer, as a drag from the file manager does. */
async function dropFiles(
  page: Page,
  selector: string,
  files: ReadonlyArray<{ name: string; text: string }>,
): Promise<void> {
  await page.evaluate(
    ({ selector, files }) => {
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no ${selector}`);
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name, { type: 'text/plain' }));
      target.dispatchEvent(
        new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
      target.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
      target.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    },
    { selector, files },
  );
}

describe('Debug a real host, in Chromium', () => {
  it('imports a dropped host bundle, shows the findings, and a clicked finding moves the map to its range', async () => {
    const session = await fresh();
    const s = session;
    const page = await s.open(appUrl);
    await waitForMap(page);
    mkdirSync(ARTIFACTS, { recursive: true });

    // Drop the bundle on the app: the import dialog opens with it.
    await dropFiles(page, '.app', [
      { name: 'amd-server-bundle.txt', text: collectBundle('amd-server') },
    ]);
    const dialog = page.getByRole('dialog', { name: 'Debug a real host' });
    await dialog.waitFor();
    const first = dialog.getByTestId('import-input').first();
    await expect.poll(() => first.textContent()).toContain('detected: bundle');
    expect(await first.getByTestId('understood').textContent()).toMatch(
      /9 group\(s\), 12 device\(s\)/,
    );

    // A second file, dropped on the dialog: QEMU's error line and two AMD-Vi faults.
    const errors = readFileSync(resolve(ROOT, 'test/fixtures/hosts/amd-server/errors.txt'), 'utf8');
    await dropFiles(page, '[data-testid="drop-zone"]', [{ name: 'errors.txt', text: errors }]);
    await expect.poll(() => dialog.getByTestId('import-input').count()).toBe(2);
    const second = dialog.getByTestId('import-input').nth(1);
    expect(await second.textContent()).toContain('detected: error-lines');
    expect(await second.getByTestId('not-understood').textContent()).toMatch(
      /line 6.*some unrelated text/,
    );

    // A 1 TiB q35 guest on QEMU 7.0 (before the AMD 1 TiB relocation).
    await dialog.getByLabel('machine').selectOption('q35');
    await dialog.getByLabel('RAM').fill('1T');
    await dialog.getByLabel('QEMU machine version').fill('7.0');
    expect(await dialog.getByTestId('guest-spec').textContent()).toContain(
      'q35:ram=1T,qemu=7.0,host=amd',
    );
    await expect
      .poll(() => dialog.getByRole('region', { name: 'pasted lines explained' }).textContent())
      .toMatch(/EINVAL/);
    await page.screenshot({ path: resolve(ARTIFACTS, 'import-dialog.png') });

    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    // The map shows the host's groups and the guest; the findings tab came to the front.
    await expect
      .poll(() => page.locator('.lane-label', { hasText: 'group 6 reserved' }).count())
      .toBe(1);
    expect(await page.locator('.lane-label', { hasText: 'guest memory' }).count()).toBe(1);
    const findings = page.getByRole('region', { name: 'findings' });
    await expect
      .poll(() => findings.getByTestId('findings-summary').textContent())
      .toMatch(/error/);
    expect(await findings.getByRole('region', { name: 'Errors' }).textContent()).toContain(
      'guest-ram-in-reserved',
    );

    // Click the guest-RAM-in-reserved finding: the view fits the HyperTransport window.
    const finding = findings.getByRole('button', { name: /error guest-ram-in-reserved/ });
    await finding.click();
    const expected = visibleRange(
      fitRange(withMargin({ start: 0xfd00000000n, last: 0xffffffffffn })),
    );
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .toContain(`${hexGrouped(expected.start)} – ${hexGrouped(expected.last)}`);
    // Its group is selected in the topology, and the findings tab stays in front.
    await expect.poll(() => page.locator('.topology li.selected').textContent()).toMatch(/^3/);
    expect(await findings.isVisible()).toBe(true);
    await page.screenshot({ path: resolve(ARTIFACTS, 'findings-panel.png') });

    // A finding naming a device selects that device.
    await findings.getByRole('button', { name: /warning p2p-bypass: 0000:03:00.0/ }).click();
    await expect
      .poll(() => page.locator('.topology .device.selected .bdf').textContent())
      .toBe('0000:03:00.0');

    // Undo brings the previous workspace back (the import was one history entry).
    await page.getByRole('button', { name: 'undo' }).click();
    await expect
      .poll(() => page.locator('.lane-label', { hasText: 'group 6 reserved' }).count())
      .toBe(0);
    expectClean(s);
  });

  it('explains a pasted fault line and places it on the map', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await page.getByRole('tab', { name: 'Findings' }).click();
    await page
      .getByRole('textbox', { name: 'Explain a line' })
      .fill(
        'DMAR: [DMA Read NO_PASID] Request device [0x00:0x02.0] fault addr 0x7c346000 [fault reason 0x06] PTE Read access is not set',
      );
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('explanation').textContent())
      .toContain('pasted-fault');
    const expected = visibleRange(fitRange(withMargin({ start: 0x7c346000n, last: 0x7c346fffn })));
    await expect
      .poll(() => page.getByTestId('view-readout').textContent())
      .toContain(`${hexGrouped(expected.start)} – ${hexGrouped(expected.last)}`);
    await page.screenshot({ path: resolve(ARTIFACTS, 'explain-line.png') });
    expectClean(session);
  });

  it('serves collect-host.sh for download from the built app', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await page.getByRole('button', { name: 'Debug a real host…' }).click();
    const link = page.getByRole('link', { name: 'Download collect-host.sh' });
    expect(await link.getAttribute('download')).toBe('collect-host.sh');
    const href = await link.getAttribute('href');
    expect(href).toBe('./collect-host.sh');
    const fetched = await page.evaluate(async (h) => {
      const r = await fetch(h);
      return { status: r.status, text: await r.text() };
    }, href as string);
    expect(fetched.status).toBe(200);
    expect(fetched.text).toBe(readFileSync(resolve(ROOT, 'public/collect-host.sh'), 'utf8'));
    // A real download through the link.
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('collect-host.sh');
    expectClean(session);
  });
});
