import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';
import { laneDetail, waitForMap } from './app-page.ts';

const fresh = browserPerTest();

describe('the scenario picker, in Chromium', () => {
  it('says what each world shows and opens the AMD, Arm and iommufd ones with their steps', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    const picker = page.getByLabel('built-in scenario');
    const options = await picker.locator('optgroup[label="Scenarios"] option').allTextContents();
    expect(options).toEqual([
      'q35 guest, 8 GiB, GPU on VT-d — a type1 container; a GPU sharing its group; RMRRs and the MSI window',
      'q35 guest, 8 GiB, on iommufd (VT-d) — a device cdev bound to /dev/iommu, an IOAS and its HWPT; no container',
      'q35 guest, 16 GiB, NIC on AMD-Vi — the HyperTransport window just under 1 TiB, reserved in every group',
      'virt guest, 4 GiB, NVMe on Arm SMMUv3 — the software MSI window at 0x8000000 and RAM from 1 GiB',
    ]);
    mkdirSync(ARTIFACTS, { recursive: true });

    await picker.selectOption('amd-epyc-nic');
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    await expect
      .poll(async () => (await page.locator('.lane-label').allTextContents()).join(' | '))
      .toContain('group 12');
    await page.screenshot({ path: resolve(ARTIFACTS, 'world-amd.png') });

    await picker.selectOption('arm-smmuv3-nvme');
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('1 mapping(s)');
    await page.screenshot({ path: resolve(ARTIFACTS, 'world-arm.png') });

    await picker.selectOption('iommufd-first-vtd');
    await expect.poll(() => laneDetail(page, 'IOAS 1')).toContain('1 HWPT(s) · 3 area(s)');
    expect(await page.locator('.lane-label', { hasText: 'container' }).count()).toBe(0);
    // The form follows the world: MAP into its IOAS, not MAP_DMA into a container it lacks.
    await expect.poll(() => page.getByLabel('operation').inputValue()).toBe('iommufd.ioas_map');
    expect(await page.getByLabel('IOAS', { exact: true }).inputValue()).toBe('1');
    await page.screenshot({ path: resolve(ARTIFACTS, 'world-iommufd.png') });
    expectClean(session);
  });
});

describe('alike lanes folded, in Chromium', () => {
  it('"fold alike lanes" draws groups with the same regions as one lane with a count, and back', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    const labels = async () => (await page.locator('.lane-label').allTextContents()).join(' | ');
    expect(await page.locator('.lane-label').count()).toBe(9);
    await page.getByLabel('fold alike lanes').check();
    await expect.poll(() => page.locator('.lane-label').count()).toBe(7);
    expect(await labels()).toContain('groups 0, 1, 4 reserved3 groups · same regions');
    await page.screenshot({ path: resolve(ARTIFACTS, 'folded-lanes.png') });
    await page.getByLabel('fold alike lanes').uncheck();
    await expect.poll(() => page.locator('.lane-label').count()).toBe(9);
    expectClean(session);
  });
});
