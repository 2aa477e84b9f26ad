import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, browserPerTest, expectClean } from './harness.ts';
import {
  autosaveRevision,
  fillMapForm,
  laneDetail,
  waitForAutosaveStatus,
  waitForMap,
  waitForWithheld,
  withheldSaves,
} from './app-page.ts';
import { mapAt, openWithOneMapping } from './own-work.ts';
import { readRecord, waitForSavedSteps } from './autosave-db.ts';
import type { BrowserSession } from './browser-session.ts';

const fresh = browserPerTest();

const banner = (page: Page) => page.getByTestId('persistence-banner');
const notice = (page: Page) => page.getByTestId('notice');
const REFUSED = /^This tab is read-only: another tab owns this workspace\. Take over to edit/;

/** A second tab on the workspace of `session`'s first one. */
async function secondTab(session: BrowserSession): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(appUrl);
  await waitForMap(page);
  return page;
}

/**
 * Presses `key` with the map focused, as a user undoing from the keyboard does; the click may
 * select what is under it, so the Actions tab is brought back to the front after.
 */
async function pressOnMap(page: Page, key: string): Promise<void> {
  await page.getByTestId('map-overlay').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(key);
  await page.getByRole('tab', { name: 'Actions' }).click();
}

interface SavedRecord {
  readonly revision: number;
  readonly userStepsText: string;
  readonly view: string;
}

describe('a read-only tab, and the tab that owns the workspace, in Chromium', () => {
  it('a tab kept read-only changes nothing and says why, still navigates, and can take over', async () => {
    const { session, page: a } = await openWithOneMapping(fresh);
    const saved = (await readRecord(a)) as SavedRecord;
    const b = await secondTab(session);
    await banner(b).getByRole('button', { name: 'Keep read-only' }).click();
    await waitForAutosaveStatus(b, { mode: 'read-only' });
    expect(await banner(b).textContent()).toMatch(
      /This tab is read-only: another tab owns this workspace, and nothing is saved from here\. Take over to edit it here\./,
    );
    expect(await banner(b).getByRole('button').allTextContents()).toEqual([
      'Take over',
      'Open a copy',
      'Export your work',
    ]);

    // Every control that would change the workspace is off, and says why.
    await fillMapForm(b, '0x400000000', '2M');
    for (const control of [
      b.getByRole('button', { name: 'Run vfio.map_dma' }),
      b.getByRole('button', { name: 'undo' }),
      b.getByRole('button', { name: 'Open…' }),
      b.getByRole('button', { name: 'Debug a real host…' }),
      b.getByLabel('built-in scenario'),
    ]) {
      expect(await control.isDisabled()).toBe(true);
      expect(await control.getAttribute('title')).toMatch(REFUSED);
    }
    await b.getByRole('tab', { name: 'Lessons' }).click();
    expect(
      await b
        .getByRole('button', { name: /^open lesson:/ })
        .first()
        .isDisabled(),
    ).toBe(true);

    // What still reaches the store (the keyboard) is refused there, with the same reason.
    await pressOnMap(b, 'u');
    await expect.poll(() => notice(b).textContent()).toMatch(REFUSED);
    expect(await laneDetail(b, 'container 1')).toContain('3 mapping(s)');

    // Navigation works, and is not saved from here.
    const view = await b.getByTestId('view-readout').textContent();
    await b.getByRole('button', { name: 'zoom in' }).click();
    await expect.poll(() => b.getByTestId('view-readout').textContent()).not.toBe(view);
    await waitForWithheld(b, 1);
    expect(await readRecord(b)).toEqual(saved);

    // Take over from read-only: editing and saving again, here.
    await banner(b).getByRole('button', { name: 'Take over' }).click();
    await waitForAutosaveStatus(b, { mode: 'saving' });
    await notice(b).waitFor({ state: 'detached' });
    await mapAt(b, '0x400000000', 4);
    await waitForSavedSteps(b, '0x400000000');
    expect(await banner(a).textContent()).toMatch(/another tab took over this workspace/i);
    expectClean(session);
  });

  it('the owning tab is told when another opens and when it takes over; then it saves nothing and can take back', async () => {
    const { session, page: a } = await openWithOneMapping(fresh);
    expect(await a.getByTestId('also-open').count()).toBe(0);
    const b = await secondTab(session);

    // A is told B opened, and goes on saving.
    await waitForAutosaveStatus(a, { mode: 'saving', others: '1' });
    expect(await a.getByTestId('also-open').textContent()).toMatch(
      /This workspace is also open in another tab; this tab saves it\./,
    );
    expect(await banner(a).count()).toBe(0);

    // B takes over and maps: A is told, at once and for as long as it lasts, and is read-only.
    await banner(b).getByRole('button', { name: 'Take over' }).click();
    await waitForAutosaveStatus(b, { mode: 'saving' });
    await mapAt(b, '0x400000000', 4);
    await waitForSavedSteps(b, '0x400000000');
    await waitForAutosaveStatus(a, { mode: 'other-tab' });
    expect(await banner(a).textContent()).toMatch(
      /^Another tab took over this workspace: this tab is now read-only\. Take over to edit it here\./,
    );
    expect(await a.getByTestId('also-open').count()).toBe(0);
    // B knows A is still there.
    await waitForAutosaveStatus(b, { others: '1' });

    // A's attempts change nothing, and nothing of A's is written over B's record.
    await a.bringToFront();
    expect(await a.getByRole('button', { name: 'Run vfio.map_dma' }).isDisabled()).toBe(true);
    await pressOnMap(a, 'u');
    await expect.poll(() => notice(a).textContent()).toMatch(REFUSED);
    const held = await withheldSaves(a);
    await a.getByRole('button', { name: 'zoom out' }).click();
    await waitForWithheld(a, held + 1);
    const byB = (await readRecord(a)) as SavedRecord;
    expect(byB.revision).toBe(await autosaveRevision(b));
    expect(byB.userStepsText).toContain('0x400000000');
    expect(await laneDetail(a, 'container 1')).toContain('3 mapping(s)');

    // A takes back: it goes on from B's record, not from its own older state, and B is told.
    await banner(a).getByRole('button', { name: 'Take over' }).click();
    await waitForAutosaveStatus(a, { mode: 'saving' });
    await expect.poll(() => laneDetail(a, 'container 1')).toContain('4 mapping(s)');
    await mapAt(a, '0x500000000', 5);
    await waitForSavedSteps(a, '0x500000000');
    const byA = (await readRecord(a)) as SavedRecord;
    expect(byA.userStepsText).toContain('0x400000000');
    await waitForAutosaveStatus(b, { mode: 'other-tab' });
    expect(await banner(b).textContent()).toMatch(/another tab took over this workspace/i);

    // B closes: A no longer counts it.
    await b.close();
    await waitForAutosaveStatus(a, { others: '0' });
    expectClean(session);
  });
});
