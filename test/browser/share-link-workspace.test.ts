import { deflateRawSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, browserPerTest, expectClean } from './harness.ts';
import { laneDetail, waitForAutosaveStatus, waitForMap } from './app-page.ts';
import { mapAt, openWithOneMapping } from './own-work.ts';
import { readRecord, recordKeys, waitForSavedSteps } from './autosave-db.ts';

const fresh = browserPerTest();

const linkNote = (page: Page) => page.getByTestId('link-workspace');

/** The work a record holds (its view and revision move with a mere resize of the map). */
async function savedWork(page: Page, key = 'current') {
  const r = (await readRecord(page, key)) as { scenarioText: string; userStepsText: string };
  return { scenarioText: r.scenarioText, userStepsText: r.userStepsText };
}

/** A share link carrying `scenarioText` packed, as the Share button makes one. */
function packedLink(scenarioText: string): string {
  return `#s=${deflateRawSync(Buffer.from(scenarioText)).toString('base64url')}`;
}

async function workspaceKey(page: Page): Promise<string> {
  return (await page.getByTestId('autosave-status').getAttribute('data-key')) ?? '';
}

describe('a share link opens as a workspace of its own, in Chromium', () => {
  it('editing a shared scenario leaves the autosaved main workspace as it was, and the way back opens it', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    const main = await savedWork(page);
    expect(main.userStepsText).toContain('0x300000000');

    // The link is followed from elsewhere: a fresh load of the app with it.
    await page.goto('about:blank');
    await page.goto(`${appUrl}${packedLink(main.scenarioText)}`);
    await waitForMap(page);
    await waitForAutosaveStatus(page, { mode: 'saving', link: 'yes' });
    expect(await linkNote(page).textContent()).toMatch(
      /This tab opened a shared link as a workspace of its own: your autosaved workspace is kept as it was\./,
    );
    expect(await laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    expect(await page.evaluate(() => location.hash)).toBe('');

    // Two changes to the shared scenario, saved under the link's own key.
    await mapAt(page, '0x500000000', 3);
    await mapAt(page, '0x500200000', 4);
    const linkKey = await workspaceKey(page);
    expect(linkKey).toMatch(/^link:/);
    await waitForSavedSteps(page, '0x500200000', linkKey);
    expect(await savedWork(page)).toEqual(main);

    // A reload of this tab is the link's workspace, changes included.
    await page.reload();
    await waitForMap(page);
    await waitForAutosaveStatus(page, { mode: 'saving', link: 'yes' });
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('4 mapping(s)');
    expect(await workspaceKey(page)).toBe(linkKey);

    // The way back: the main workspace with its own work.
    await linkNote(page).getByRole('button', { name: 'Back to your workspace' }).click();
    await waitForAutosaveStatus(page, { mode: 'saving', link: 'no', copy: 'no' });
    await waitForMap(page);
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('3 mapping(s)');
    expect(await linkNote(page).count()).toBe(0);
    expect(await savedWork(page)).toEqual(main);
    expectClean(session);
  });

  it('a link pasted into the running app opens beside its workspace, even in a read-only tab', async () => {
    const { session, page: a } = await openWithOneMapping(fresh);
    const main = await savedWork(a);
    const b = await session.context.newPage();
    await b.goto(appUrl);
    await waitForMap(b);
    await waitForAutosaveStatus(b, { mode: 'other-tab' });

    await b.evaluate((hash) => {
      location.hash = hash;
    }, packedLink(main.scenarioText));
    await waitForAutosaveStatus(b, { mode: 'saving', link: 'yes' });
    await expect.poll(() => laneDetail(b, 'container 1')).toContain('2 mapping(s)');
    expect(await b.getByTestId('persistence-banner').count()).toBe(0);
    await mapAt(b, '0x600000000', 3);
    const linkKey = await workspaceKey(b);
    await waitForSavedSteps(b, '0x600000000', linkKey);

    // Tab A still saves the main workspace, which holds A's work only.
    await waitForAutosaveStatus(a, { mode: 'saving' });
    expect(await savedWork(a)).toEqual(main);
    await mapAt(a, '0x300200000', 4);
    await waitForSavedSteps(a, '0x300200000');
    expect(await recordKeys(a)).toEqual(expect.arrayContaining(['current', linkKey]));
    expectClean(session);
  });
});
