import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Lesson } from '../../src/core/lessons/index.ts';

/** The open step's title. */
export const stepTitle = (page: Page) =>
  page.getByTestId('lesson-step').locator('h3').textContent();

/**
 * A learner in lesson `l`: turns to a step, and does a step with its Do it button, checking the
 * outcome says `expected` and is the one the lesson expects.
 */
export function learner(page: Page, l: Lesson) {
  const outcome = page.getByTestId('lesson-outcome');
  const to = async (index: number): Promise<void> => {
    await page.getByRole('button', { name: 'next step' }).click();
    await expect.poll(() => stepTitle(page)).toBe(l.steps[index]!.title);
  };
  const doIt = async (expected: string): Promise<void> => {
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    await expect.poll(() => outcome.textContent()).toContain(expected);
    expect(await outcome.textContent()).toContain('as the lesson expects');
  };
  return {
    to,
    doIt,
    /**
     * Turns to each step from `from` to `last` and does the ones with an action, expecting
     * `expected(i)`, by default the errno the lesson expects or "ok".
     */
    async through(from: number, last: number, expected?: (i: number) => string): Promise<void> {
      for (let i = from; i <= last; i++) {
        await to(i);
        const own = l.steps[i]!.action;
        if (own) await doIt(expected?.(i) ?? own.expect?.errno ?? 'ok');
      }
    },
    /** Back on the lesson's path after a wrong action that succeeded. */
    async reset(): Promise<void> {
      await page.getByRole('button', { name: 'Reset to this step' }).click();
      await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    },
  };
}

/**
 * Runs a step's action from the Actions form as a learner would: fills the form from the step,
 * changes `field` to `value` (when given), and runs it. `iovaLabel` is how the form names its
 * iova field, which is filled once the form has the step's values.
 */
export function formRunner(page: Page, op: string, iovaLabel: string) {
  const form = page.getByRole('form', { name: `${op} form` });
  const iova = form.getByLabel(iovaLabel, { exact: true });
  return async (field?: string, value?: string): Promise<void> => {
    await page.getByRole('button', { name: 'Fill the Actions form' }).click();
    await expect.poll(() => iova.inputValue()).not.toBe('');
    if (field && value !== undefined)
      await (field === 'iova' ? iova : form.getByLabel(field, { exact: true })).fill(value);
    await form.getByRole('button', { name: new RegExp(`^Run ${op.replace('.', '\\.')}`) }).click();
  };
}

/** The step's VFIO_IOMMU_MAP_DMA from the form. */
export const runFromForm = (page: Page, field?: string, value?: string) =>
  formRunner(page, 'vfio.map_dma', 'iova')(field, value);
