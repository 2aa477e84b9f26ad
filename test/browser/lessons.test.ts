import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';
import { LESSONS, lessonById } from '../../src/core/lessons/index.ts';
import { laneDetail, waitForMap } from './app-page.ts';

const fresh = browserPerTest();

/** The narrative step whose title is `title` (the lessons are data; the tests look steps up by title). */
function stepOf(id: string, title: string): number {
  const step = lessonById(id)?.steps.find((s) => s.title === title);
  if (!step) throw new Error(`no step "${title}" in ${id}`);
  return step.index;
}

describe('lessons in Chromium', () => {
  it('a #lesson= link opens iommufd-bind-attach-msi after attach and map: the IOAS lane, its HWPT, reservations and areas', async () => {
    const session = await fresh();
    const step = stepOf('iommufd-bind-attach-msi', 'Which is enforced');
    // Counted from 1, as the panel counts: step index 5 is "step 6 of N".
    const page = await session.open(`${appUrl}#lesson=iommufd-bind-attach-msi&at=${step + 1}`);
    await waitForMap(page);
    await expect
      .poll(() => page.getByTestId('lesson-step').locator('h3').textContent())
      .toBe('Which is enforced');
    // After bind, attach (both functions), two maps: one IOAS with one automatic HWPT and two areas.
    expect(await laneDetail(page, 'IOAS 1')).toContain('2 area(s)');
    const hwpt = page.locator('.lane-label.nested', { hasText: 'HWPT' });
    expect(await hwpt.count()).toBe(1);
    expect(await hwpt.textContent()).toContain('(auto)');
    // Both devices are in the label's full text (its title): the lane shows as much as fits.
    expect(await hwpt.getAttribute('title')).toContain('0000:01:00.1');
    expect(await hwpt.textContent()).toContain('0000:01:00.0');
    // The step's view is function 1's reserved window, with a margin around it.
    expect(await page.getByTestId('view-readout').textContent()).toContain(
      '0x1ff8_0000 – 0x2017_ffff',
    );
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    await expect.poll(() => page.getByTestId('lesson-outcome').textContent()).toContain('EINVAL');
    expect(await page.getByTestId('log').locator('li').first().textContent()).toContain('EINVAL');
    // The inspector on an area: go to the 1 GiB area at 0x40000000 and click it in the IOAS lane.
    await page.getByPlaceholder('go to 0xfee00000 or START-LAST').fill('0x0-0x7fffffff');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    const lane = await page.locator('.lane-label', { hasText: 'IOAS 1' }).first().boundingBox();
    const overlay = await page.getByTestId('map-overlay').boundingBox();
    if (!lane || !overlay) throw new Error('map not laid out');
    await page.mouse.click(overlay.x + overlay.width * 0.75, lane.y + lane.height / 2);
    await expect
      .poll(() => page.getByTestId('inspector-range').textContent())
      .toContain('0x40000000');
    const inspector = (await page.locator('section.inspector').textContent()) ?? '';
    expect(inspector).toContain('Area in IOAS 1');
    expect(inspector).toContain('HWPT');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-iommufd-ioas.png') });
    // Jump with the step list to the detach step: Kevin's remark is shown as a quote.
    const detach = stepOf('iommufd-bind-attach-msi', 'Detach function 1: its reservation goes');
    await page.getByTestId('lesson-jump').selectOption(String(detach));
    await expect
      .poll(() => page.locator('.lesson-quote figcaption').textContent())
      .toBe('— Kevin Tian, 2022-11-05');
    expect(
      await page
        .locator('.lesson-quote blockquote')
        .evaluate((el) => getComputedStyle(el).fontStyle),
    ).toBe('italic');
    expect(await laneDetail(page, 'IOAS 1')).toContain('2 area(s)');
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    await expect
      .poll(() => page.getByTestId('lesson-outcome').textContent())
      .toContain('as the lesson expects');
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-quote.png') });
    expectClean(session);
  });

  it('steps through the top-of-64bit-space lesson to its top-page map and shows exact labels', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await page.getByRole('tab', { name: 'Lessons' }).click();
    // The Lessons tab loads its panel when first shown.
    await expect.poll(() => page.getByTestId('lesson-item').count()).toBe(LESSONS.length);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-list.png') });
    await page.getByRole('button', { name: /open lesson: the top of the 64-bit/i }).click();
    await expect
      .poll(() => page.getByTestId('lesson-position').textContent())
      .toContain('step 1 of');
    const lesson = lessonById('top-of-64bit-space');
    if (!lesson) throw new Error('no lesson top-of-64bit-space');
    // The first step that maps the top page (its action is a map and its view is the top of the space).
    const target = lesson.steps.find(
      (s) => s.action?.op.endsWith('map_dma') || s.action?.op.endsWith('ioas_map'),
    );
    const topMap = lesson.steps.find(
      (s) =>
        s.view?.last === 0xffffffffffffffffn &&
        s.view.start > 0n &&
        /map/.test(s.action?.op ?? '') &&
        s.action?.expect?.errno === undefined,
    );
    expect(target).toBeDefined();
    if (!topMap) throw new Error('the lesson has no successful map at the top of the space');
    for (let i = 0; i < topMap.index; i++)
      await page.getByRole('button', { name: 'next step' }).click();
    await expect
      .poll(() => page.getByTestId('lesson-step').locator('h3').textContent())
      .toBe(topMap.title);
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    await expect
      .poll(() => page.getByTestId('lesson-outcome').textContent())
      .toContain('as the lesson expects');
    await waitForMap(page);
    const labels = await page.locator('[data-testid="axis"] text').allTextContents();
    expect(labels).toContain('0xffff_ffff_ffff_f000');
    // Every step went by through the engine: the log holds the outcomes, errnos included.
    const log = (await page.getByTestId('log').textContent()) ?? '';
    const errnos = lesson.steps
      .slice(0, topMap.index)
      .flatMap((s) => (s.action?.expect?.errno ? [s.action.expect.errno] : []));
    for (const e of errnos) expect(log).toContain(e);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-top-of-64bit-space.png') });
    // Share while the lesson is open: the link names the lesson and the step.
    await page.getByRole('button', { name: 'Share' }).click();
    await expect
      .poll(() => page.evaluate(() => location.hash))
      .toContain(`lesson=top-of-64bit-space&at=${topMap.index + 1}`);
    expectClean(session);
  });
});
