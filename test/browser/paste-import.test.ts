import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hexGrouped } from '../../src/core/u64.ts';
import { withMargin } from '../../src/store/findings.ts';
import { fitRange, visibleRange } from '../../src/view/viewport/viewport.ts';
import { waitForMap } from './app-page.ts';
import { appUrl, ARTIFACTS, browserPerTest, expectClean, ROOT } from './harness.ts';

const fresh = browserPerTest();

/** A real mail thread (vfio-users, 2019): the user's QEMU error and lspci, the reply's group listing and reserved_regions. */
const SESSION = readFileSync(
  resolve(ROOT, 'test/fixtures/real/err-isa-bridge-audio-direct-vfio-users.txt'),
  'utf8',
);

describe('paste anything, in Chromium', () => {
  it('a pasted mail thread is cut into pieces, and the finding of its vfio_dma_map line frames that range', async () => {
    const session = await fresh();
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(appUrl).origin,
    });
    const page = await session.open(appUrl);
    await waitForMap(page);
    await page.getByRole('button', { name: 'Debug a real host…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Debug a real host' });
    await dialog.waitFor();

    // Paste it as a user does: through the clipboard, with Ctrl+V in the paste box.
    await page.evaluate((text) => navigator.clipboard.writeText(text), SESSION);
    const box = dialog.getByLabel('Or paste anything');
    await box.focus();
    await page.keyboard.press('ControlOrMeta+V');
    expect(await box.inputValue()).toBe(SESSION);

    const input = dialog.getByTestId('import-input');
    await input.getByTestId('pieces').waitFor();
    expect(
      await input
        .getByRole('combobox', { name: 'kind of pasted text' })
        .locator('option')
        .first()
        .textContent(),
    ).toBe('detected: mixed (6 pieces)');
    const kinds = await input.locator('[data-testid="piece"] .piece-kind').allTextContents();
    expect(kinds).toEqual([
      'error-lines',
      'lspci-vvv',
      'lspci-vvv',
      'lspci-vvv',
      'groups',
      'reserved-regions',
    ]);
    const piece = (name: RegExp) => input.getByRole('listitem', { name });
    expect(await piece(/^error-lines piece, lines 8 to 12$/).textContent()).toContain(
      '1 placed line',
    );
    expect(await piece(/^groups piece, lines 49 to 53$/).textContent()).toContain(
      '$ find /sys/kernel/iommu_groups/9/devices -type l',
    );
    expect(await piece(/^reserved-regions piece, lines 56 to 57$/).textContent()).toContain(
      '2 reserved regions',
    );
    expect(await input.getByTestId('around').textContent()).toMatch(
      /given to no importer: 18 line\(s\).*line 1\s*> Hello,/,
    );
    // The unit the import had to assume, and why.
    expect(await dialog.getByTestId('unit-assumption').textContent()).toContain(
      "Assumed: the IOMMU unit is Intel VT-d (the bridge 0000:00:1f.0 (Intel Corporation Device 0284) is Intel's)",
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    await input.getByTestId('pieces').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/paste-dialog.png' });
    await page.screenshot({ path: resolve(ARTIFACTS, 'paste-dialog.png') });

    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const findings = page.getByRole('region', { name: 'findings' });
    const errors = findings.getByRole('region', { name: 'Errors' });
    await errors.waitFor();
    // The finding of the pasted line: the map falls in group 9's direct (1:1 firmware) region.
    const finding = errors.getByRole('button', { name: /error pasted-error/ });
    expect(await finding.count()).toBe(1);
    const message = (await finding.textContent()) ?? '';
    expect(message).toContain('vfio_dma_map of 0x7ff40000 bytes at IOVA 0xc0000 returned -22');
    expect(message).toMatch(/direct .*region 0x0\.\.0xffffff/);

    await finding.click();
    const expected = visibleRange(fitRange(withMargin({ start: 0xc0000n, last: 0x7fffffffn })));
    const readout = `${hexGrouped(expected.start)} – ${hexGrouped(expected.last)}`;
    await page.waitForFunction(
      (text) =>
        document.querySelector('[data-testid="view-readout"]')?.textContent?.includes(text) ===
        true,
      readout,
    );
    expect(await findings.isVisible()).toBe(true);
    expectClean(session);
  });
});
