import { ESLint } from 'eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Each layer imports only those below it: core → nothing above; view → core; store → core and
 * view; cli → core and view; ui → all. Linted through the project's real config, with a snippet
 * placed in each layer's folder.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: REPO });

async function fired(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(REPO, filePath) });
  if (!result) throw new Error('no lint result');
  expect(
    result.messages.filter((m) => m.fatal),
    'the snippet must parse',
  ).toEqual([]);
  return result.messages.map((m) => m.ruleId ?? '');
}

const imp = (spec: string) => `import * as m from '${spec}';\nexport const x = m;\n`;

const CASES: Array<{ file: string; spec: string; allowed: boolean }> = [
  { file: 'src/core/probe.ts', spec: '../view/viewport/viewport.ts', allowed: false },
  { file: 'src/core/probe.ts', spec: '../store/app-store.ts', allowed: false },
  { file: 'src/view/probe.ts', spec: '../core/u64.ts', allowed: true },
  { file: 'src/view/probe.ts', spec: '../store/app-store.ts', allowed: false },
  { file: 'src/view/probe.ts', spec: '../ui/map/map-painter.ts', allowed: false },
  { file: 'src/view/probe.ts', spec: 'react', allowed: false },
  { file: 'src/view/probe.ts', spec: 'd3-selection', allowed: false },
  { file: 'src/view/probe.ts', spec: 'zustand', allowed: false },
  { file: 'src/store/probe.ts', spec: '../view/viewport/viewport.ts', allowed: true },
  { file: 'src/store/probe.ts', spec: '../core/u64.ts', allowed: true },
  { file: 'src/store/probe.ts', spec: '../ui/map/map-painter.ts', allowed: false },
  { file: 'src/store/probe.ts', spec: 'react', allowed: false },
  { file: 'src/cli/probe.ts', spec: '../core/u64.ts', allowed: true },
  { file: 'src/cli/probe.ts', spec: '../view/viewport/ticks.ts', allowed: true },
  { file: 'src/cli/probe.ts', spec: '../store/app-store.ts', allowed: false },
  { file: 'src/cli/probe.ts', spec: '../ui/map/map-painter.ts', allowed: false },
  { file: 'src/ui/probe.ts', spec: '../store/app-store.ts', allowed: true },
  { file: 'src/ui/probe.ts', spec: 'd3-selection', allowed: true },
];

describe('lint: every layer imports only the layers below it', () => {
  for (const c of CASES) {
    it(`${c.file.split('/')[1]} ${c.allowed ? 'may' : 'may not'} import ${c.spec}`, async () => {
      const rules = await fired(imp(c.spec), c.file);
      if (c.allowed) expect(rules).not.toContain('no-restricted-imports');
      else expect(rules).toContain('no-restricted-imports');
    });
  }

  it('the view layer may not touch the DOM', async () => {
    expect(await fired('export const w = window.innerWidth;\n', 'src/view/probe.ts')).toContain(
      'no-restricted-globals',
    );
  });
});
