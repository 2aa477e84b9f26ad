import { checkText, loadReal, realFixtures } from '../core/importers/real-corpus.ts';

/** Prints, for every real paste, what its import falls short of (development aid: `npx tsx test/scripts/corpus-report.ts`). */
let bad = 0;
for (const name of realFixtures()) {
  const { text, expect } = loadReal(name);
  const c = checkText(text, expect);
  const pieces = (c.result?.pieces ?? []).map((p) => `${p.kind}@${p.first}-${p.last}`).join(' ');
  if (c.problems.length) bad++;
  console.log(`${c.problems.length ? 'FAIL' : 'ok  '} ${name} [${pieces}]`);
  for (const p of c.problems) console.log(`       ${p}`);
}
console.log(`${bad} of ${realFixtures().length} fall short`);
