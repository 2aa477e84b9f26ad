import { readdirSync, readFileSync } from 'node:fs';
import {
  checkText,
  loadReal,
  realFixtures,
  type Expectation,
} from '../core/importers/real-corpus.ts';

/**
 * Prints, for every real paste, what its import falls short of (development aid:
 * `npx tsx test/scripts/corpus-report.ts [DIR]`, DIR holding NAME.txt + NAME.expect.json pairs).
 */
const dir = process.argv[2];
const names = dir
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -4))
      .sort()
  : realFixtures();
const loadAny = (name: string) =>
  dir
    ? {
        text: readFileSync(`${dir}/${name}.txt`, 'utf8'),
        expect: JSON.parse(readFileSync(`${dir}/${name}.expect.json`, 'utf8')) as Expectation,
      }
    : loadReal(name);
let bad = 0;
for (const name of names) {
  const { text, expect } = loadAny(name);
  const c = checkText(text, expect);
  const pieces = (c.result?.pieces ?? []).map((p) => `${p.kind}@${p.first}-${p.last}`).join(' ');
  if (c.problems.length) bad++;
  console.log(`${c.problems.length ? 'FAIL' : 'ok  '} ${name} [${pieces}]`);
  for (const p of c.problems) console.log(`       ${p}`);
}
console.log(`${bad} of ${names.length} fall short`);
