import { deflateRawSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, browserPerTest, expectClean } from './harness.ts';
import { laneDetail, waitForMap } from './app-page.ts';
import { openWithOneMapping } from './own-work.ts';

const fresh = browserPerTest();

const base64url = (bytes: Buffer): string => bytes.toString('base64url');
const notice = (page: Page) => page.getByTestId('notice');

/** Opens `hash` as a fresh page load (a link followed from elsewhere), not a same-page hash change. */
async function openLink(page: Page, hash: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${appUrl}${hash}`);
  await waitForMap(page);
}

async function chooseFile(page: Page, name: string, text: string): Promise<void> {
  await page.locator('input[type="file"]').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
}

describe('damaged and oversized inputs, in Chromium', () => {
  it('a deeply nested scenario file gives a notice and keeps the workspace', async () => {
    const { session: s, page } = await openWithOneMapping(fresh);
    const DEEP = 200_000;
    await chooseFile(
      page,
      'deep.json',
      `{"format":"iova-explorer.scenario/1","steps":${'['.repeat(DEEP)}`,
    );
    await expect.poll(() => notice(page).textContent()).toMatch(/the scenario could not be opened/);
    await page.getByRole('button', { name: 'dismiss message' }).click();
    await notice(page).waitFor({ state: 'detached' });
    // Valid JSON this time, nested too deep for the schema check.
    await chooseFile(
      page,
      'deep-valid.json',
      `{"format":"iova-explorer.scenario/1","steps":[{"op":"vfio.container_create","expect":{"result":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}}]}`,
    );
    await expect.poll(() => notice(page).textContent()).toMatch(/the scenario could not be opened/);
    expect(await laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expectClean(s);
  });

  it('a 5.8 MB file of numbers is refused before it is read, with the limit named', async () => {
    const { session: s, page } = await openWithOneMapping(fresh);
    const numbers = `[${Array.from({ length: 1_000_000 }, (_, i) => i).join(',')}]`;
    expect(numbers.length).toBeGreaterThan(5_800_000);
    await chooseFile(page, 'numbers.json', numbers);
    await expect
      .poll(() => notice(page).textContent())
      .toMatch(/numbers\.json is 6\.\d MB: scenario files above 4\.0 MB are refused/);
    expect(await laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expectClean(s);
  });

  it('damaged share links: a notice each, no page error, and the autosaved work opens instead', async () => {
    const { session: s, page } = await openWithOneMapping(fresh);
    const good = base64url(
      deflateRawSync(Buffer.from('{"format":"iova-explorer.scenario/1","steps":[]}')),
    );
    for (const [hash, said] of [
      ['#s=not*base64', /not base64url/],
      ['#s=____', /does not unpack/],
      [`#s=${good.slice(0, 8)}`, /does not unpack/],
      [`#s=${base64url(deflateRawSync(Buffer.from([0xff, 0xfe, 0x80])))}`, /not UTF-8/],
      [`#s=${base64url(deflateRawSync(Buffer.from('{"format": 3')))}`, /could not be opened/],
    ] as const) {
      await openLink(page, hash);
      await expect.poll(() => notice(page).textContent(), { message: hash }).toMatch(said);
      expect(await notice(page).textContent()).toContain('opened your autosaved workspace instead');
      await expect
        .poll(() => laneDetail(page, 'container 1'), { message: hash })
        .toContain('3 mapping(s)');
    }
    expectClean(s);
  });

  it('a link that unpacks past the cap, and a 1.3 MB link, are refused with their limits named', async () => {
    const { session: s, page } = await openWithOneMapping(fresh);
    // Deflate packs about a thousand bytes into one: 16 MiB of spaces fit a link of 22,000 characters.
    const bomb = base64url(deflateRawSync(Buffer.alloc(16 * 1024 * 1024, 32), { level: 9 }));
    expect(bomb.length).toBeLessThan(32_000);
    await openLink(page, `#s=${bomb}`);
    await expect
      .poll(() => notice(page).textContent())
      .toMatch(
        /unpacks to more than 4 MiB, the most a link may hold.*opened your autosaved workspace instead/,
      );
    expect(await laneDetail(page, 'container 1')).toContain('3 mapping(s)');

    await openLink(page, `#s=${'A'.repeat(1_300_000)}`);
    await expect
      .poll(() => notice(page).textContent())
      .toMatch(/the link is 1,300,003 characters long, above the 32,000 a link may have/);
    expect(await laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expectClean(s);
  });
});
