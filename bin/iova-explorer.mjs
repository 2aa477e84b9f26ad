#!/usr/bin/env node
// The `iova-explorer` command. The CLI is TypeScript run through tsx (a runtime dependency), so it
// works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
let main;
try {
  ({ main } = await import(new URL('../src/cli/main.ts', import.meta.url).href));
} catch (e) {
  // A module that fails to load is a bug in the tool, not in the user's input: one sentence, no stack.
  process.stderr.write(
    `iova-explorer: internal error while loading the tool: ${e instanceof Error ? e.message : String(e)}\n`,
  );
  if (process.env.IOVA_EXPLORER_DEBUG && e instanceof Error && e.stack)
    process.stderr.write(`${e.stack}\n`);
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
