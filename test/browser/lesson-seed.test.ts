import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Lesson, lessonById } from '../../src/core/lessons/index.ts';
import { waitForMap } from './app-page.ts';
import { appUrl, browserPerTest, expectClean } from './harness.ts';
import { formRunner, learner, runFromForm, stepTitle } from './lesson-learner.ts';

const fresh = browserPerTest();

/** The lesson, opened from its link at step 1 as a student would, with a learner in it. */
async function start(
  id: string,
): Promise<{ page: Page; l: Lesson; session: Awaited<ReturnType<typeof fresh>> }> {
  const l = lessonById(id)!;
  const session = await fresh();
  const page = await session.open(`${appUrl}#lesson=${l.id}&at=1`);
  await waitForMap(page);
  await expect.poll(() => stepTitle(page)).toBe(l.steps[0]!.title);
  // Every seed lesson starts by saying what the learner will understand.
  expect(await page.getByTestId('lesson-step').locator('.prose').textContent()).toMatch(
    /^By the end of this lesson you will know /,
  );
  return { page, l, session };
}

const step = (l: Lesson, title: string) => {
  const i = l.steps.findIndex((s) => s.title === title);
  if (i < 0) throw new Error(`no step "${title}" in ${l.id}`);
  return i;
};

/** The explanation of the last action off the lesson's path. */
const offPath = (page: Page) => page.getByTestId('lesson-off-path');

/** A wrong action that failed: the kernel's errno, what differs from the step, nothing changed. */
async function expectRefused(page: Page, errno: string, difference: string): Promise<void> {
  await expect
    .poll(() => offPath(page).textContent())
    .toContain(`the kernel refused it with ${errno}`);
  expect(await offPath(page).textContent()).toContain(`not this step's action: ${difference}`);
  expect(await offPath(page).textContent()).toContain('Nothing changed');
  expect(await page.getByTestId('lesson-departed').count()).toBe(0);
}

/** A wrong action that succeeded: accepted, what differs, and the lesson says it has been left. */
async function expectAcceptedOffPath(page: Page, difference: string): Promise<void> {
  await expect.poll(() => offPath(page).textContent()).toContain('the kernel accepted it');
  expect(await offPath(page).textContent()).toContain(`not this step's action: ${difference}`);
  expect(await page.getByTestId('lesson-departed').count()).toBe(1);
}

/** Finishes the lesson: the last step reached, the count 1-based as links count. */
async function finish(page: Page, l: Lesson): Promise<void> {
  expect(await page.getByTestId('lesson-position').textContent()).toBe(
    `step ${l.steps.length} of ${l.steps.length}`,
  );
}

/** A wrong action the learner runs from the Actions form at step `at`, and what it differs in. */
interface WrongAction {
  readonly at: string;
  readonly run: (page: Page) => Promise<void>;
  readonly difference: string;
}

/**
 * The whole lesson as a learner does it: every step in order with Do it, except that at
 * `fails.at` they first run a wrong action that the kernel refuses (explained, nothing changed),
 * and at `offPath.at` one it accepts (explained, the lesson left, Reset), before the step's own.
 * `checks` run after the step they are keyed by (its title) is done.
 */
async function finishLesson(
  id: string,
  plan: {
    fails: WrongAction & { readonly errno: string };
    offPath: WrongAction;
    checks?: Readonly<Record<string, (page: Page) => Promise<void>>>;
  },
): Promise<void> {
  const { page, l, session } = await start(id);
  const { to, doIt, through, reset } = learner(page, l);
  const own = (i: number) => l.steps[i]!.action?.expect?.errno ?? 'ok';
  const wrongAt = new Map([
    [step(l, plan.fails.at), plan.fails],
    [step(l, plan.offPath.at), plan.offPath],
  ]);
  for (let i = 1; i < l.steps.length; i++) {
    const wrong = wrongAt.get(i);
    if (!wrong) await through(i, i);
    else {
      await to(i);
      await wrong.run(page);
      if (wrong === plan.fails) await expectRefused(page, plan.fails.errno, wrong.difference);
      else {
        await expectAcceptedOffPath(page, wrong.difference);
        await reset();
      }
      await doIt(own(i));
    }
    await plan.checks?.[l.steps[i]!.title]?.(page);
  }
  await finish(page, l);
  expectClean(session);
}

const fromForm =
  (field: string, value: string) =>
  (page: Page): Promise<void> =>
    runFromForm(page, field, value);

describe('the seed lessons, each finished by a learner in Chromium', () => {
  it('000 the valid IOVA list: a map that runs into the 64-bit window, RAM above it off the path', () =>
    finishLesson('iova-list-host-bridge-windows', {
      // Between the windows: first 2 GiB instead of 1, which runs into the 64-bit window.
      fails: {
        at: 'The part between the windows fits',
        run: fromForm('size', '0x80000000'),
        errno: 'EINVAL',
        difference: 'size 0x80000000 instead of 0x40000000',
      },
      // The last gigabyte: first above the 64-bit window, where the list allows it.
      offPath: {
        at: 'The last gigabyte hits the 64-bit window',
        run: fromForm('iova', '0x8000000000'),
        difference: 'iova 0x8000000000 instead of 0x100000000',
      },
      checks: {
        'Guest RAM at 1 GiB is refused': async (page) =>
          expect(await page.getByTestId('lesson-outcome').textContent()).toContain(
            'reserved region',
          ),
      },
    }));

  it('001 iommufd: a map onto the MSI window refused, a map beside the freed window off the path', () => {
    const ioasMap = (value: string) => (page: Page) =>
      formRunner(page, 'iommufd.ioas_map', 'iova (optional)')('iova', value);
    return finishLesson('iommufd-bind-attach-msi', {
      fails: {
        at: 'Map guest RAM at a fixed IOVA',
        run: async (page) => {
          // A hint first, then 1 GiB at the MSI window's address instead of at 1 GiB.
          await page.getByRole('button', { name: 'Hint' }).click();
          expect(await page.getByTestId('lesson-hint').textContent()).not.toBe('');
          await ioasMap('0x8000000')(page);
        },
        errno: 'EINVAL',
        difference: 'iova 0x8000000 instead of 0x40000000',
      },
      offPath: {
        at: 'Map over the freed window',
        run: ioasMap('0x30000000'),
        difference: 'iova 0x30000000 instead of 0x20000000',
      },
    });
  });

  it('002 several domains: a map over the first refused, an unmap of one mapping off the path', () =>
    finishLesson('type1-multi-domain', {
      fails: {
        at: 'Map the next 1 GiB',
        run: fromForm('iova', '0x20000000'),
        errno: 'EEXIST',
        difference: 'iova 0x20000000 instead of 0x40000000',
      },
      offPath: {
        at: 'A range covering whole mappings',
        run: (page) => formRunner(page, 'vfio.unmap_dma', 'iova')('size', '0x40000000'),
        difference: 'size 0x40000000 instead of 0x80200000',
      },
    }));

  it('003 ACS: a map of the wrong size refused, the integrated endpoint mapped elsewhere off the path', () =>
    finishLesson('acs-peer-to-peer', {
      fails: {
        at: "Map guest RAM over the BARs' addresses",
        run: fromForm('size', '0x10000001'),
        errno: 'EINVAL',
        difference: 'size 0x10000001 instead of 0x10000000',
      },
      offPath: {
        at: 'The same mapping, now safe',
        run: fromForm('iova', '0x90000000'),
        difference: 'iova 0x90000000 instead of 0x80000000',
      },
      checks: {
        // The Findings name the route that never reaches the SMMU, as the step says.
        "Map guest RAM over the BARs' addresses": async (page) => {
          await page.getByRole('tab', { name: 'Findings' }).click();
          const findings = page.getByRole('region', { name: 'findings' });
          await expect.poll(() => findings.textContent()).toContain('0000:03:00.0');
          await page.getByRole('tab', { name: 'Lessons' }).click();
        },
      },
    }));

  it('004 the top of the space: three pages past the end refused, an ordinary map elsewhere off the path', () =>
    finishLesson('top-of-64bit-space', {
      fails: {
        at: 'Map the top page',
        run: fromForm('size', '0x3000'),
        errno: 'EOVERFLOW',
        difference: 'size 0x3000 instead of 0x1000',
      },
      offPath: {
        at: 'Something ordinary to unmap',
        run: fromForm('iova', '0x200000000'),
        difference: 'iova 0x200000000 instead of 0x100000000',
      },
    }));
});
