import { existsSync } from 'node:fs';

/**
 * The browser the tests drive: the system Chromium when present, else the one inside the
 * @sparticuz/chromium package (its executablePath only — its args include --single-process and
 * --disable-web-security, which would break contexts and void the CSP tests). Nothing downloads.
 */
export async function chromiumPath(): Promise<string> {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const chromium = (await import('@sparticuz/chromium')).default;
  return chromium.executablePath();
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
