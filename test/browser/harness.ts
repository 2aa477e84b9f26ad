import { resolve } from 'node:path';
import { afterEach, expect, inject } from 'vitest';
import { type BrowserSession, startBrowser } from './browser-session.ts';

/** What every browser test file shares: the served app, the browser, and one session per test. */

export const appUrl = inject('appUrl');
export const executablePath = inject('chromiumPath');
export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = resolve(ROOT, 'test-artifacts');

/**
 * Registers the per-test clean-up and returns `fresh()`, which starts a browser with a new
 * profile for the current test; it is closed after the test whatever happened.
 */
export function browserPerTest(): () => Promise<BrowserSession> {
  let session: BrowserSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });
  return async () => {
    session = await startBrowser(executablePath, appUrl);
    return session;
  };
}

/** No page error, console error, CSP violation or request leaving 127.0.0.1. */
export function expectClean(s: BrowserSession): void {
  expect(s.problems.pageErrors).toEqual([]);
  expect(s.problems.consoleErrors).toEqual([]);
  expect(s.problems.cspViolations).toEqual([]);
  expect(s.problems.offsiteRequests).toEqual([]);
}

export { collectBundle } from './collect-bundle.ts';
