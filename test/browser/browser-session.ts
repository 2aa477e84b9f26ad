import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-path.ts';

/** What a page reported that a test must see empty: console errors, page errors, CSP violations, requests off 127.0.0.1. */
export interface PageProblems {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly cspViolations: string[];
  readonly offsiteRequests: string[];
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly problems: PageProblems;
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** A fresh persistent context (its own profile dir, so IndexedDB survives reloads within a test). */
export async function startBrowser(
  executablePath: string,
  appUrl: string,
): Promise<BrowserSession> {
  const dir = mkdtempSync(join(tmpdir(), 'iova-explorer-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1600, height: 1000 },
    deviceScaleFactor: 1,
  });
  const problems: PageProblems = {
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
    offsiteRequests: [],
  };
  const origin = new URL(appUrl).origin;
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))
      problems.offsiteRequests.push(u);
  });
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.consoleErrors.push(m.text());
      if (/Content Security Policy/i.test(m.text())) problems.cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  return {
    context,
    problems,
    async open(url: string) {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(
            `Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`,
          );
        });
      });
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
