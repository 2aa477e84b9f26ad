import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { formatLoadError, load } from '../../src/core/scenario/index.ts';

/**
 * Writes a built-in scenario's prebuilt form: the value the loader reads from its file, as a
 * TypeScript literal the first view opens without the schema (src/store/scenarios/builtin.ts).
 * `npx tsx test/scripts/prebuilt-scenario.ts SCENARIO.json OUT.ts CONST_NAME`; run it again after
 * editing the file (test/ui/prebuilt-scenario.test.ts fails until then).
 */
const [source, out, name] = process.argv.slice(2);
if (!source || !out || !name) {
  console.error('usage: prebuilt-scenario.ts SCENARIO.json OUT.ts CONST_NAME');
  process.exit(2);
}
const loaded = load(readFileSync(source, 'utf8'));
if (!loaded.ok || loaded.kind !== 'scenario') {
  console.error(loaded.ok ? `${source} is a conformance file` : loaded.errors.map(formatLoadError));
  process.exit(1);
}

/** Bigints (the u64 fields) as hex literals; everything else is JSON, which TypeScript reads. */
function literal(value: unknown): string {
  const marks: string[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    marks.push(`0x${v.toString(16)}n`);
    return `\u0000${marks.length - 1}\u0000`;
  });
  return json.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)] as string);
}

const text = `// Generated from ${basename(source)} by test/scripts/prebuilt-scenario.ts: do not edit.
// test/ui/prebuilt-scenario.test.ts checks it equals what the loader reads from that file.
import type { Scenario } from '../../core/scenario/schema.ts';

export const ${name}: Scenario = ${literal(loaded.scenario)};
`;
writeFileSync(out, await format(text, { ...(await resolveConfig(out)), filepath: out }));
