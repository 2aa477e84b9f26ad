import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { refusal } from '../../src/core/refusal.ts';
import { isRuleName, RULES } from '../../src/core/rules.ts';
import { load, replay } from '../../src/core/scenario/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

function jsonFiles(dir: string, suffix: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(ROOT, dir, f));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every rule named by an outcome of every scenario the project ships or tests with. */
function rulesSeen(): Map<string, string> {
  const seen = new Map<string, string>();
  const files = [
    ...jsonFiles('test/conformance', '.json'),
    ...jsonFiles('test/conformance-extra', '.json'),
    ...jsonFiles('src/core/lessons/scenarios', '.scenario.json'),
    ...jsonFiles('src/store/scenarios', '.scenario.json'),
  ];
  for (const file of files) {
    const loaded = load(readFileSync(file, 'utf8'));
    if (!loaded.ok) throw new Error(`${file} does not load`);
    const scenarios = loaded.kind === 'conformance' ? loaded.scenarios : [loaded.scenario];
    for (const s of scenarios) {
      for (const step of replay(s).steps)
        if (step.rule !== undefined && !seen.has(step.rule)) seen.set(step.rule, file);
    }
  }
  return seen;
}

describe('rules are documented kernel functions', () => {
  it('every rule an outcome names is in the registry', () => {
    const seen = rulesSeen();
    expect(seen.size).toBeGreaterThan(40);
    const undocumented = [...seen].filter(([rule]) => !isRuleName(rule));
    expect(undocumented).toEqual([]);
  });

  it('every registry entry is a kernel function name with a one-line statement', () => {
    for (const [name, statement] of Object.entries(RULES)) {
      expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(statement.length, name).toBeGreaterThan(15);
      expect(statement, name).not.toContain('\n');
    }
  });

  it('every registry entry is cited by the engine (no stale rules)', () => {
    const engine = sourceFiles('src/core')
      .filter((f) => !f.endsWith('rules.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const stale = Object.keys(RULES).filter((name) => !engine.includes(`'${name}'`));
    expect(stale).toEqual([]);
  });

  it('a refusal citing an unlisted function does not compile', () => {
    // @ts-expect-error: 'not_a_kernel_function' is not a registered rule
    const r = refusal('EINVAL', 'not_a_kernel_function', 'm');
    expect(isRuleName(r.rule)).toBe(false);
  });
});
