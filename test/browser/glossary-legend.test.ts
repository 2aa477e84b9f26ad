import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonById } from '../../src/core/lessons/index.ts';
import { waitForMap } from './app-page.ts';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';

const fresh = browserPerTest();

describe('the glossary and the legend in Chromium', () => {
  it('a term in a lesson opens the glossary at it; the legend explains the map', async () => {
    const session = await fresh();
    const lesson = lessonById('acs-peer-to-peer')!;
    const page = await session.open(`${appUrl}#lesson=${lesson.id}&at=1`);
    await waitForMap(page);
    const term = page.getByTestId('lesson-step').locator('button.term').first();
    const name = await term.getAttribute('data-term');
    expect(await term.getAttribute('title')).toMatch(new RegExp(`^${name}: `));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-terms.png') });
    await term.click();
    const shown = page.locator('.glossary .term-entry.shown dt');
    await expect.poll(() => shown.textContent()).toBe(name);
    expect(await page.getByRole('tab', { name: 'Glossary' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    await page.getByRole('button', { name: 'Legend' }).click();
    const legend = page.getByRole('region', { name: 'map legend' });
    await expect.poll(() => legend.getByRole('listitem').count()).toBeGreaterThan(10);
    await page.screenshot({ path: resolve(ARTIFACTS, 'glossary-and-legend.png') });
    expectClean(session);
  });
});
