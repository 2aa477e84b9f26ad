import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appUrl, ARTIFACTS, browserPerTest, expectClean } from './harness.ts';
import {
  autosaveRevision,
  laneDetail,
  waitForAutosave,
  waitForAutosaveStatus,
  waitForMap,
  waitForWithheld,
} from './app-page.ts';
import { mapAt, openWithOneMapping } from './own-work.ts';
import { readRecord, recordKeys, upgradeDatabase, writeRecord } from './autosave-db.ts';

const fresh = browserPerTest();

const banner = (page: Page) => page.getByTestId('persistence-banner');

describe('autosave with two tabs, a blocked database and damaged records, in Chromium', () => {
  it('two tabs on one workspace: the second says so, is read-only and saves nothing until asked; a copy keeps its own work', async () => {
    const session = await fresh();
    const a = await session.open(appUrl);
    await waitForMap(a);
    await waitForAutosaveStatus(a, { mode: 'saving' });

    const b = await session.context.newPage();
    await b.goto(appUrl);
    await waitForMap(b);
    await expect.poll(() => banner(b).textContent()).toMatch(/open in another tab/i);
    expect(await banner(b).getByRole('button').allTextContents()).toEqual([
      'Take over',
      'Open a copy',
      'Keep read-only',
      'Export your work',
    ]);
    expect(await banner(a).count()).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await b.screenshot({ path: resolve(ARTIFACTS, 'autosave-other-tab.png') });

    // Tab A maps twice; tab B, read-only, can only zoom.
    await mapAt(a, '0x300000000', 3);
    await mapAt(a, '0x300200000', 4);
    await waitForAutosave(a, 2);
    const savedByA = await autosaveRevision(a);
    await b.bringToFront();
    await b.getByRole('button', { name: 'zoom in' }).click();
    await waitForWithheld(b, 1);
    expect(await b.getByRole('button', { name: 'Run vfio.map_dma' }).isDisabled()).toBe(true);
    // B's view change is not written over A's record.
    expect(await readRecord(a)).toMatchObject({ revision: savedByA });

    // A reloads with its mappings.
    await a.reload();
    await waitForMap(a);
    await expect.poll(() => laneDetail(a, 'container 1')).toContain('4 mapping(s)');
    await waitForAutosaveStatus(a, { mode: 'saving' });

    // B keeps its own work as a copy, which its reload brings back.
    await b.bringToFront();
    await banner(b).getByRole('button', { name: 'Open a copy' }).click();
    await waitForAutosaveStatus(b, { copy: 'yes', revision: '1' });
    expect(await banner(b).count()).toBe(0);
    await mapAt(b, '0x400000000', 3);
    await waitForAutosave(b, 2);
    await b.reload();
    await waitForMap(b);
    await expect.poll(() => laneDetail(b, 'container 1')).toContain('3 mapping(s)');
    await waitForAutosaveStatus(b, { mode: 'saving', copy: 'yes' });

    await a.reload();
    await waitForMap(a);
    await expect.poll(() => laneDetail(a, 'container 1')).toContain('4 mapping(s)');
    expectClean(session);
  });

  it('take over: the other tab is told it no longer saves, and the record is the new tab’s', async () => {
    const { session, page: a } = await openWithOneMapping(fresh);
    const b = await session.context.newPage();
    await b.goto(appUrl);
    await waitForMap(b);
    await expect.poll(() => laneDetail(b, 'container 1')).toContain('3 mapping(s)');
    await banner(b).getByRole('button', { name: 'Take over' }).click();
    await waitForAutosaveStatus(b, { mode: 'saving' });
    await mapAt(b, '0x400000000', 4);
    await waitForAutosave(b, 3);
    await expect.poll(() => banner(a).textContent()).toMatch(/another tab took over/i);
    // A is read-only now: its view change is held back, not written over B's record.
    await a.getByRole('button', { name: 'zoom in' }).click();
    await waitForWithheld(a, 1);
    const record = (await readRecord(b)) as { revision: number; userStepsText: string };
    expect(record.revision).toBe(await autosaveRevision(b));
    expect(record.userStepsText).toContain('0x400000000');
    expectClean(session);
  });

  it('a newer record written behind the tab’s back is never overwritten, not even by a zoom', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    const record = (await readRecord(page)) as { revision: number; userStepsText: string };
    const newer = {
      ...record,
      revision: record.revision + 5,
      userStepsText: record.userStepsText.replace('0x300000000', '0x700000000'),
    };
    await writeRecord(page, newer);
    await page.getByRole('button', { name: 'zoom in' }).click();
    await expect
      .poll(() => banner(page).textContent())
      .toMatch(
        new RegExp(`another tab saved this workspace \\(revision ${newer.revision}\\)`, 'i'),
      );
    // The tab is read-only until the user chooses: an action is refused, and nothing is written.
    expect(await page.getByRole('button', { name: 'Run vfio.map_dma' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'zoom in' }).click();
    await waitForWithheld(page, 1);
    expect(await readRecord(page)).toEqual(newer);
    expectClean(session);
  });

  it('a database of a newer version: a lasting warning, and "export your work" exports it', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await upgradeDatabase(page, 2);
    await page.reload();
    await waitForMap(page);
    await expect
      .poll(() => banner(page).textContent())
      .toMatch(
        /autosave is off: this browser's storage could not be opened \(VersionError.*Export your work to keep it/i,
      );
    await mapAt(page, '0x300000000', 3);
    await page.getByTestId('map-overlay').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('+');
    // Still there after more work: a state, not a passing notice.
    expect(await banner(page).textContent()).toMatch(/autosave is off/i);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'autosave-unavailable.png') });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      banner(page).getByRole('button', { name: 'Export your work' }).click(),
    ]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toContain('"format": "iova-explorer.scenario/1"');
    expect(exported).toContain('0x300000000');
    expectClean(session);
  });

  it('a saved step nested too deep to read: the readable steps restore, the record is kept aside', async () => {
    const session = await fresh();
    const page = await session.open(appUrl);
    await waitForMap(page);
    await mapAt(page, '0x300000000', 3);
    await mapAt(page, '0x300200000', 4);
    await mapAt(page, '0x300400000', 5);
    await waitForAutosave(page, 3);
    const record = (await readRecord(page)) as { userStepsText: string; revision: number };
    const steps = JSON.parse(record.userStepsText) as { format: string; steps: unknown[] };
    const DEEP = 200_000;
    const deep = `{"op":"vfio.map_dma","container":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`;
    const damaged = JSON.stringify(steps).replace(JSON.stringify(steps.steps[1]), deep);
    await writeRecord(page, { ...record, userStepsText: damaged });
    await page.reload();
    await waitForMap(page);
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(
        /1 saved action\(s\) could not be read \(step 2: .*the 2 readable one\(s\) are restored/,
      );
    await expect.poll(() => laneDetail(page, 'container 1')).toContain('4 mapping(s)');
    // The app is usable, and its next save keeps the unreadable actions aside as they were.
    await mapAt(page, '0x300600000', 5);
    await waitForAutosave(page, record.revision + 1);
    const after = (await readRecord(page)) as {
      userStepsText: string;
      setAside: { userStepsText: string }[];
    };
    expect(after.setAside[0]!.userStepsText).toBe(damaged);
    expect(after.userStepsText).toContain('0x300600000');
    expectClean(session);
  });

  it('a saved scenario nested too deep to read: a notice, the default scenario, the record kept aside', async () => {
    const { session, page } = await openWithOneMapping(fresh);
    const record = (await readRecord(page)) as { scenarioText: string };
    const DEEP = 200_000;
    const corrupt = {
      ...record,
      scenarioText: `{"format":"iova-explorer.scenario/1","steps":${'['.repeat(DEEP)}`,
    };
    await writeRecord(page, corrupt);
    await page.reload();
    await waitForMap(page);
    await expect
      .poll(() => page.getByTestId('notice').textContent())
      .toMatch(
        /could not be opened.*kept aside in this browser's storage as "set-aside:current:.*opened the default scenario instead/,
      );
    expect(await laneDetail(page, 'container 1')).toContain('2 mapping(s)');
    await mapAt(page, '0x400000000', 3);
    const aside = (await recordKeys(page)).find((k) => k.startsWith('set-aside:current:'));
    expect(await readRecord(page, aside)).toEqual(corrupt);
    expectClean(session);
  });
});
