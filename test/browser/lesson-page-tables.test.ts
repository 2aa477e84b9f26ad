import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { lessonById } from '../../src/core/lessons/index.ts';
import { waitForMap } from './app-page.ts';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';
import { learner, runFromForm } from './lesson-learner.ts';

const fresh = browserPerTest();
const lesson = lessonById('page-tables-2mib-alignment')!;

/**
 * Clicks `range` in the step's answer, as the lesson asks: the Inspector comes to the front on
 * that mapping. Returns its page-table sentence, then goes back to the lesson.
 */
async function inspect(page: Page, range: string): Promise<string> {
  await page.getByTestId('lesson-outcome').getByRole('button', { name: range }).click();
  const walk = page.getByRole('region', { name: 'page tables of domain 1' });
  await expect.poll(() => walk.count()).toBe(1);
  const text = (await walk.locator('p').textContent()) ?? '';
  await page.getByRole('tab', { name: 'Lessons' }).click();
  return text;
}

describe('the page-table lesson, finished by a learner in Chromium', () => {
  it('1 leaf for the aligned hugepage, 512 for the misaligned one, a wrong map refused, one off the path', async () => {
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${lesson.id}&at=1`);
    await waitForMap(page);
    const { to, doIt, through, reset } = learner(page, lesson);
    await through(1, 4, (i) => (i === 4 ? 'iova_pgsizes 0x40201000' : 'ok'));
    // The aligned hugepage: one 2 MiB leaf, as the Inspector's walk says.
    await to(5);
    await page.getByRole('button', { name: 'Hint' }).click();
    expect(await page.getByTestId('lesson-hint').textContent()).toContain('multiple of 0x200000');
    await doIt('mapped iova 0x40000000..0x401fffff');
    const aligned = await inspect(page, '0x40000000..0x401fffff');
    expect(aligned).toContain('VT-d second stage: 4 levels over 48-bit IOVAs');
    expect(aligned).toContain('takes 1 leaf entry and 2 table entries');
    // 4 KiB off: 512 leaves of 4 KiB.
    await to(6);
    await doIt('mapped iova 0x40401000..0x40600fff');
    expect(await inspect(page, '0x40401000..0x40600fff')).toContain('takes 512 leaf entries');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.getByRole('tab', { name: 'Inspector' }).click();
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-page-tables.png') });
    await page.getByRole('tab', { name: 'Lessons' }).click();
    // The gigabyte: first where the aligned hugepage already is, refused, nothing changed.
    await to(7);
    await runFromForm(page, 'iova', '0x40000000');
    const why = page.getByTestId('lesson-off-path');
    await expect.poll(() => why.textContent()).toContain('the kernel refused it with EEXIST');
    expect(await why.textContent()).toContain('iova 0x40000000 instead of 0x80000000');
    expect(await why.textContent()).toContain('Nothing changed');
    await doIt('mapped iova 0x80000000..0xbfffffff');
    expect(await inspect(page, '0x80000000..0xbfffffff')).toContain('takes 1 leaf entry');
    await through(8, 8, () => 'unmapped 1 mapping(s)');
    // Moved: first to 0x40600000, aligned too and accepted, but not the lesson's; Reset; its own.
    await to(9);
    await runFromForm(page, 'iova', '0x40600000');
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    expect(await why.textContent()).toContain('iova 0x40600000 instead of 0x40400000');
    await reset();
    await doIt('mapped iova 0x40400000..0x405fffff');
    expect(await inspect(page, '0x40400000..0x405fffff')).toContain('takes 1 leaf entry');
    await to(10);
    expect(await page.getByTestId('lesson-position').textContent()).toBe('step 11 of 11');
    expectClean(session);
  });
});
