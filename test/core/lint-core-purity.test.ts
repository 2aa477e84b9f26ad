import { ESLint } from 'eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The project's ESLint config keeps src/core pure (DESIGN.md §2, §9): no React, d3, zustand, DOM
 * or Node modules there — while the UI may use all of them. Linted through the real config.
 */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: REPO });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(REPO, filePath) });
  if (!result) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, 'the snippet must parse').toEqual([]);
  return result.messages.map((m) => m.ruleId ?? '');
}

const FORBIDDEN: Array<[string, string, string]> = [
  ['React', "import React from 'react';\nexport const x = React;\n", 'no-restricted-imports'],
  [
    'react-dom/client',
    "import { createRoot } from 'react-dom/client';\nexport const x = createRoot;\n",
    'no-restricted-imports',
  ],
  ['d3-zoom', "import { zoom } from 'd3-zoom';\nexport const x = zoom;\n", 'no-restricted-imports'],
  [
    'd3-selection',
    "import * as sel from 'd3-selection';\nexport const x = sel;\n",
    'no-restricted-imports',
  ],
  [
    'zustand',
    "import { create } from 'zustand';\nexport const x = create;\n",
    'no-restricted-imports',
  ],
  ['document', 'export const el = document.createElement("canvas");\n', 'no-restricted-globals'],
  ['window', 'export const w = window.innerWidth;\n', 'no-restricted-globals'],
  [
    'node:fs',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    'no-restricted-imports',
  ],
];

describe('lint: src/core stays pure', () => {
  for (const [name, code, rule] of FORBIDDEN) {
    it(`rejects ${name} under src/core`, async () => {
      expect(await ruleIds(code, 'src/core/x.ts')).toContain(rule);
    });
  }

  for (const [name, code] of FORBIDDEN.filter(([n]) => n !== 'node:fs')) {
    it(`accepts ${name} under src/ui`, async () => {
      expect(await ruleIds(code, 'src/ui/x.ts')).toEqual([]);
    });
  }

  it('accepts plain core code', async () => {
    expect(
      await ruleIds(
        "import { hex } from './u64.ts';\nexport const x = hex(1n);\n",
        'src/core/x.ts',
      ),
    ).toEqual([]);
  });

  it('the scenario module and the CLI are lint-clean', async () => {
    const results = await eslint.lintFiles(['src/core/scenario', 'src/cli']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId} ${m.message}`),
    );
    expect(problems).toEqual([]);
  });
});
