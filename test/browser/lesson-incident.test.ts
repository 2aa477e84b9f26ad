import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonById } from '../../src/core/lessons/index.ts';
import { formRunner, learner, runFromForm, stepTitle } from './lesson-learner.ts';
import { waitForMap } from './app-page.ts';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';

const fresh = browserPerTest();
const lesson = lessonById('amd-ht-hole-1tib')!;

const title = stepTitle;

describe('an incident lesson, finished by a learner in Chromium', () => {
  it('the AMD HyperTransport hole: the form, a wrong map refused, one off the path, and back', async () => {
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${lesson.id}&at=1`);
    await waitForMap(page);
    await expect.poll(() => title(page)).toBe(lesson.steps[0]!.title);
    const next = (index: number) => learner(page, lesson).to(index);
    // Steps 2-6: read the reserved regions, container, group, type1v2, GET_INFO (Do it each).
    for (let i = 1; i <= 5; i++) {
      await next(i);
      await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
      await expect
        .poll(() => page.getByTestId('lesson-outcome').textContent())
        .toContain('as the lesson expects');
    }
    // Step 7: map the low RAM from the form, first with a size that is not a page multiple.
    await next(6);
    await runFromForm(page, 'size', '0x80000001');
    const refused = page.getByTestId('lesson-off-path');
    await expect.poll(() => refused.textContent()).toContain('the kernel refused it with EINVAL');
    expect(await refused.textContent()).toContain(
      "not this step's action: size 0x80000001 instead of 0x80000000",
    );
    expect(await refused.textContent()).toContain('Nothing changed');
    expect(await page.getByTestId('lesson-departed').count()).toBe(0);
    await runFromForm(page);
    await expect
      .poll(() => page.getByTestId('lesson-outcome').textContent())
      .toContain('as the lesson expects');
    // Step 8: the map across the hole fails as the kernel refused it in 2021.
    await next(7);
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    const failed = page.getByTestId('lesson-outcome');
    await expect.poll(() => failed.textContent()).toContain('EINVAL');
    expect(await failed.textContent()).toContain("group 12's reserved region 0xfd00000000");
    expect(await failed.textContent()).toContain('as the lesson expects');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-amd-ht-hole.png') });
    // Step 9: QEMU 7.1's layout, but first the same RAM at 2 TiB: accepted, off the path.
    await next(8);
    await runFromForm(page, 'iova', '0x20000000000');
    await expect
      .poll(() => page.getByTestId('lesson-off-path').textContent())
      .toContain('the kernel accepted it');
    expect(await page.getByTestId('lesson-off-path').textContent()).toContain(
      "not this step's action: iova 0x20000000000 instead of 0x10000000000",
    );
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await expect.poll(() => page.getByTestId('lesson-off-path').count()).toBe(0);
    await page.getByTestId('lesson-step').getByRole('button', { name: 'Do it' }).click();
    await expect
      .poll(() => page.getByTestId('lesson-outcome').textContent())
      .toContain('as the lesson expects');
    await next(9);
    expect(await page.getByTestId('lesson-position').textContent()).toBe(
      `step ${lesson.steps.length} of ${lesson.steps.length}`,
    );
    expectClean(session);
  });

  it('out of DMA mappings: ENOSPC whatever the size, then one range for the same memory', async () => {
    const l = lessonById('dma-entry-limit')!;
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${l.id}&at=1`);
    await waitForMap(page);
    const { to, doIt } = learner(page, l);
    for (let i = 1; i <= 8; i++) {
      await to(i);
      await doIt(i === 4 ? 'dma_avail 4' : 'ok');
    }
    // The fifth hugepage: first as a smaller map from the form, refused all the same.
    await to(9);
    await runFromForm(page, 'size', '0x100000');
    const why = page.getByTestId('lesson-off-path');
    await expect.poll(() => why.textContent()).toContain('the kernel refused it with ENOSPC');
    expect(await why.textContent()).toContain('size 0x100000 instead of 0x200000');
    await doIt('no DMA entries left');
    await to(10);
    await doIt('unmapped 4 mapping(s)');
    // One range: first 8 MiB instead of 10, accepted off the path; Reset, then the step's own.
    await to(11);
    await runFromForm(page, 'size', '0x800000');
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await doIt('10 MiB');
    await to(12);
    await doIt('dma_avail 3');
    expectClean(session);
  });

  it('a 39-bit IOMMU: GET_INFO shows the end, maps above it fail, one that ends past it too', async () => {
    const l = lessonById('iommu-width-39-bit')!;
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${l.id}&at=1`);
    await waitForMap(page);
    const { to, doIt } = learner(page, l);
    for (let i = 1; i <= 5; i++) {
      await to(i);
      await doIt(i === 4 ? '0xfef00000..0x7fffffffff' : 'ok');
    }
    // Before the lesson's own high map: one that starts inside the aperture and ends past it.
    await to(6);
    await runFromForm(page, 'iova', '0x7fff000000');
    const why = page.getByTestId('lesson-off-path');
    await expect.poll(() => why.textContent()).toContain('the kernel refused it with EINVAL');
    expect(await why.textContent()).toContain("outside container 1's IOMMU aperture");
    expect(await why.textContent()).toContain('iova 0x7fff000000 instead of 0x380010000000');
    await doIt('outside container 1');
    await to(7);
    await doIt('EINVAL');
    // The map that fits: first somewhere else that fits too, accepted off the path.
    await to(8);
    await runFromForm(page, 'iova', '0x7000000000');
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await doIt('mapped iova 0x7fe0000000');
    expectClean(session);
  });

  it('a strict RMRR: SET_IOMMU refused as ineligible, a v1 container just the same, another NIC goes through', async () => {
    const l = lessonById('rmrr-ineligible')!;
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${l.id}&at=1`);
    await waitForMap(page);
    const { to, doIt } = learner(page, l);
    const setIommu = page.getByRole('form', { name: 'vfio.set_iommu form' });
    /** The step's VFIO_SET_IOMMU from the form, as type1 (v1) instead of type1v2. */
    const asType1 = async () => {
      await page.getByRole('button', { name: 'Fill the Actions form' }).click();
      await expect.poll(() => setIommu.getByLabel('container').inputValue()).not.toBe('');
      await setIommu.getByLabel('type').selectOption('type1');
      await setIommu.getByRole('button', { name: /^Run vfio.set_iommu/ }).click();
    };
    for (let i = 1; i <= 3; i++) {
      await to(i);
      await doIt(i === 1 ? '2 reserved region(s)' : 'ok');
    }
    await to(4);
    await asType1();
    const why = page.getByTestId('lesson-off-path');
    await expect.poll(() => why.textContent()).toContain('the kernel refused it with EPERM');
    expect(await why.textContent()).toContain('ineligible for IOMMU domain attach');
    expect(await why.textContent()).toContain('type type1 instead of type1v2');
    await doIt('ineligible for IOMMU domain attach due to platform RMRR requirement');
    for (let i = 5; i <= 6; i++) {
      await to(i);
      await doIt('ok');
    }
    // The NIC without an RMRR: as v1 first, accepted off the path; Reset, then v2.
    await to(7);
    await asType1();
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await doIt('VFIO_TYPE1v2_IOMMU');
    await to(8);
    await doIt('into container 2');
    expectClean(session);
  });

  it('the ISA bridge region: low RAM refused on 5.4, then the kernel switched to the fix in the Topology tab', async () => {
    const l = lessonById('isa-bridge-direct-region')!;
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${l.id}&at=1`);
    await waitForMap(page);
    const { to, doIt } = learner(page, l);
    for (let i = 1; i <= 5; i++) {
      await to(i);
      await doIt(i === 1 ? '2 reserved region(s)' : i === 5 ? '0x1000000..0xfedfffff' : 'ok');
    }
    // The low RAM from the form, first at 8 MiB: still inside the direct region, refused.
    await to(6);
    await runFromForm(page, 'iova', '0x800000');
    const why = page.getByTestId('lesson-off-path');
    await expect.poll(() => why.textContent()).toContain('the kernel refused it with EINVAL');
    expect(await why.textContent()).toContain('iova 0x800000 instead of 0xc0000');
    expect(await why.textContent()).toContain('Nothing changed');
    // Then at 16 MiB: above the direct region, accepted off the path.
    await runFromForm(page, 'iova', '0x1000000');
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    expect(await why.textContent()).toContain('iova 0x1000000 instead of 0xc0000');
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await doIt("group 9's direct (1:1 firmware) region 0x0..0xffffff");
    // The fix: kernel 5.4.7 from the Platform controls; the lesson says what changed.
    await page.getByRole('tab', { name: 'Topology' }).click();
    await page.getByLabel('kernel', { exact: true }).selectOption('5.4.7');
    await page.getByRole('tab', { name: 'Lessons' }).click();
    const changed = page.getByTestId('lesson-platform-change');
    await expect.poll(() => changed.textContent()).toContain('kernel version: 5.4.7');
    expect(await changed.textContent()).toContain('step 2 (iommu.group_resv_regions) now succeeds');
    expect(await page.getByTestId('lesson-departed').count()).toBe(1);
    await runFromForm(page);
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'lesson-isa-bridge-fixed.png') });
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await to(7);
    await doIt('mapped iova 0x100000000');
    await to(8);
    expectClean(session);
  });

  it('the arm64 MSI doorbell: RAM at 0 refused by iommufd, below the window accepted off the path, RAM at 1 GiB', async () => {
    const l = lessonById('arm64-msi-doorbell')!;
    const session = await fresh();
    const page = await session.open(`${appUrl}#lesson=${l.id}&at=1`);
    await waitForMap(page);
    const { to, doIt } = learner(page, l);
    for (let i = 1; i <= 4; i++) {
      await to(i);
      await doIt(i === 4 ? '0x0..0x7ffffff, 0x8100000..0xffffffffffff' : 'ok');
    }
    // The IOAS map form's iova is optional (without FIXED_IOVA the kernel picks one).
    const mapFromForm = formRunner(page, 'iommufd.ioas_map', 'iova (optional)');
    await to(5);
    // A wrong one that fails too: 1 GiB at 0x100000, still across the window.
    await mapFromForm('iova', '0x100000');
    const why = page.getByTestId('lesson-off-path');
    await expect.poll(() => why.textContent()).toContain('the kernel refused it with EINVAL');
    expect(await why.textContent()).toContain('sw-msi region 0x8000000..0x80fffff');
    expect(await why.textContent()).toContain('Nothing changed');
    // Only the 128 MiB below the window: accepted, off the path; Reset, then the step's own.
    await mapFromForm('length', '0x8000000');
    await expect.poll(() => why.textContent()).toContain('the kernel accepted it');
    expect(await why.textContent()).toContain('length 0x8000000 instead of 0x40000000');
    await page.getByRole('button', { name: 'Reset to this step' }).click();
    await expect.poll(() => page.getByTestId('lesson-departed').count()).toBe(0);
    await doIt('sw-msi region 0x8000000..0x80fffff');
    await to(6);
    await doIt('mapped 0x40000000..0x7fffffff');
    expectClean(session);
  });
});
