import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Reads and writes the app's autosave records from inside the page, as another tab or build would. */

export async function readRecord(page: Page, key = 'current'): Promise<unknown> {
  return page.evaluate(
    (key) =>
      new Promise((ok, fail) => {
        const req = indexedDB.open('iova-explorer', 1);
        req.onsuccess = () => {
          const get = req.result.transaction('workspace').objectStore('workspace').get(key);
          get.onsuccess = () => {
            req.result.close();
            ok(get.result);
          };
          get.onerror = () => fail(get.error);
        };
        req.onerror = () => fail(req.error);
      }),
    key,
  );
}

export async function writeRecord(page: Page, value: unknown, key = 'current'): Promise<void> {
  await page.evaluate(
    ({ key, value }) =>
      new Promise<void>((ok, fail) => {
        const req = indexedDB.open('iova-explorer', 1);
        req.onsuccess = () => {
          const tx = req.result.transaction('workspace', 'readwrite');
          tx.objectStore('workspace').put(value, key);
          tx.oncomplete = () => {
            req.result.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
        req.onerror = () => fail(req.error);
      }),
    { key, value },
  );
}

export async function recordKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((ok, fail) => {
        const req = indexedDB.open('iova-explorer', 1);
        req.onsuccess = () => {
          const all = req.result.transaction('workspace').objectStore('workspace').getAllKeys();
          all.onsuccess = () => {
            req.result.close();
            ok(all.result.map(String));
          };
          all.onerror = () => fail(all.error);
        };
        req.onerror = () => fail(req.error);
      }),
  );
}

/** Upgrades the app's database past the version this build opens, as a newer build would. */
export async function upgradeDatabase(page: Page, version: number): Promise<void> {
  await page.evaluate(
    (version) =>
      new Promise<void>((ok, fail) => {
        const req = indexedDB.open('iova-explorer', version);
        req.onupgradeneeded = () => req.result.createObjectStore(`v${version}-only`);
        req.onsuccess = () => {
          req.result.close();
          ok();
        };
        req.onerror = () => fail(req.error);
        req.onblocked = () => fail(new Error('the upgrade is blocked by an open connection'));
      }),
    version,
  );
}

/**
 * Waits until the record under `key` satisfies `check`: the autosave's write has landed, whatever
 * the machine's load (IndexedDB is read again until it has, up to `timeout`).
 */
export async function waitForRecord(
  page: Page,
  check: (record: unknown) => boolean,
  key = 'current',
  timeout = 30_000,
): Promise<void> {
  await expect
    .poll(async () => check(await readRecord(page, key)), { timeout, interval: 50 })
    .toBe(true);
}

/** Waits until the record under `key` holds `text` in its saved actions. */
export async function waitForSavedSteps(page: Page, text: string, key = 'current'): Promise<void> {
  await waitForRecord(
    page,
    (r) =>
      typeof (r as { userStepsText?: unknown } | undefined)?.userStepsText === 'string' &&
      (r as { userStepsText: string }).userStepsText.includes(text),
    key,
  );
}
