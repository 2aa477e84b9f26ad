import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, browserPerTest, expectClean } from './harness.ts';
import { laneDetail, waitForMap } from './app-page.ts';
import { openWithOneMapping } from './own-work.ts';
import { lessonById } from '../../src/core/lessons/index.ts';

const fresh = browserPerTest();

const readout = (page: Page) => page.getByTestId('view-readout').textContent();

describe('a reload keeps the work and the view, in Chromium', () => {
  it('undo after a reload takes back what was done before it', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    await page.reload();
    await waitForMap(page);
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    await page.getByRole('button', { name: 'undo', exact: true }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    await page.getByRole('button', { name: 'redo', exact: true }).click();
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expectClean(session);
  });

  it('a view changed just before a reload, within the autosave pause, is kept (saved on pagehide)', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    const zoomIn = async () => {
      const before = await readout(page);
      await page.getByRole('button', { name: 'zoom in' }).click();
      await expect.poll(() => readout(page)).not.toBe(before);
    };
    await zoomIn();
    await zoomIn();
    const zoomed = await readout(page);
    // At once: well inside the pause a view change waits before it is saved.
    await page.reload();
    await waitForMap(page);
    await expect.poll(() => readout(page)).toBe(zoomed);
    expectClean(session);
  });

  it('a lesson goes on after a reload at the step the learner reached, with its Do it done', async () => {
    const lesson = lessonById('iommufd-bind-attach-msi')!;
    // Open on the step before one with an action; Next lands on it.
    const target = lesson.steps.find((s) => s.index > 0 && s.action)!.index;
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${lesson.id}&at=${target}`);
    await waitForMap(page);
    const title = () => page.getByTestId('lesson-step').locator('h3').textContent();
    await expect.poll(title).toBe(lesson.steps[target - 1]!.title);
    await page.getByRole('button', { name: 'next step' }).click();
    await expect.poll(title).toBe(lesson.steps[target]!.title);
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    await expect.poll(() => page.getByTestId('lesson-outcome').count()).toBe(1);
    const outcome = await page.getByTestId('lesson-outcome').textContent();
    await page.reload();
    await waitForMap(page);
    await expect.poll(title).toBe(lesson.steps[target]!.title);
    expect(await page.getByTestId('lesson-outcome').textContent()).toBe(outcome);
    expectClean(session);
  });
});
