import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LESSONS, lessonStory } from '../../src/core/lessons/index.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/iova-explorer.mjs');
const T = 60_000;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: T,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('iova-explorer lessons', () => {
  it(
    'lists every lesson, seed thread, incident or change, with its story and step count',
    { timeout: T },
    () => {
      const r = cli('lessons');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/amd-ht-hole-1tib .*\n\s+incident: i386\/pc: Fix creation/);
      expect(r.stdout).toMatch(/page-tables-2mib-alignment .*\n\s+change: iommu: Allow 2MiB/);
      for (const l of LESSONS) {
        expect(r.stdout).toContain(l.id);
        expect(r.stdout).toContain(l.seed.file ?? `${lessonStory(l)}: ${l.seed.subject}`);
        expect(r.stdout).toContain(`${l.steps.length} steps`);
      }
    },
  );

  it('--verify replays every reference solution and exits 0', { timeout: T }, () => {
    const r = cli('lessons', '--verify');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${LESSONS.length} lesson(s) verified, 0 with mismatches`);
    expect(r.stdout).not.toContain('FAIL');
  });

  it('--json --verify is machine-readable', { timeout: T }, () => {
    const r = cli('lessons', '--json', '--verify');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      lessons: Array<{
        id: string;
        title: string;
        seed: { file?: string; reference?: string; subject: string; date: string };
        steps: number;
        actions: number;
        mismatches: number;
        failing: unknown[];
      }>;
      mismatches: number;
    };
    expect(out.mismatches).toBe(0);
    expect(out.lessons.map((l) => l.id)).toEqual(LESSONS.map((l) => l.id));
    for (const l of out.lessons) {
      expect(typeof l.title).toBe('string');
      if (l.seed.file !== undefined) expect(l.seed.file).toMatch(/^\d{3}_[0-9a-f]+\.txt$/);
      else expect(l.seed.reference).toMatch(/\w/);
      expect(typeof l.seed.subject).toBe('string');
      expect(l.steps).toBeGreaterThan(0);
      expect(l.actions).toBeGreaterThan(0);
      expect(l.mismatches).toBe(0);
      expect(l.failing).toEqual([]);
    }
  });

  it('--json without --verify has no mismatch fields', { timeout: T }, () => {
    const r = cli('lessons', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      lessons: Array<Record<string, unknown>>;
      mismatches?: number;
    };
    expect(out.mismatches).toBeUndefined();
    expect(out.lessons[0]).not.toHaveProperty('mismatches');
  });

  it('rejects an unknown option with exit 2', { timeout: T }, () => {
    const r = cli('lessons', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown option --bogus');
  });
});
