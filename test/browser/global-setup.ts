import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from 'vite';
import { chromiumPath } from './chromium-path.ts';
import { serveStatic } from './static-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    chromiumPath: string;
  }
}

let server: Server | undefined;

/** Builds the production app once, serves dist/ on 127.0.0.1, and finds the browser. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(import.meta.dirname, '../..');
  await build({ root, logLevel: 'warn', configFile: resolve(root, 'vite.config.ts') });
  const served = await serveStatic(resolve(root, 'dist'));
  server = served.server;
  project.provide('appUrl', served.url);
  project.provide('chromiumPath', await chromiumPath());
  return async () => {
    await new Promise<void>((ok) => server?.close(() => ok()));
  };
}
