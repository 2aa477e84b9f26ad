import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  LESSON_SEED_FILES,
  LESSONS,
  SEED_LESSONS,
  lessonById,
  lessonForSeed,
  replayLessonThrough,
  verifyLesson,
} from '../../../src/core/lessons/index.ts';
import { load, save } from '../../../src/core/scenario/index.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SCENARIO_DIR = join(REPO, 'src/core/lessons/scenarios');
/** The seed threads live beside the repository on the team's machines, not in a fresh clone. */
const SEEDS_DIR = resolve(REPO, '../shared/seeds');
const U64_MAX = (1n << 64n) - 1n;

/** Seed text with mail quoting ("> > ") and line breaks folded, for finding verbatim quotes. */
function unquote(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^(\s*>)+\s?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

describe('built-in lessons', () => {
  it('has one lesson per seed thread, in seed order, with unique ids', () => {
    expect(SEED_LESSONS.map((l) => l.seed.file)).toEqual([...LESSON_SEED_FILES]);
    expect(LESSONS.slice(0, SEED_LESSONS.length)).toEqual(SEED_LESSONS);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const file of LESSON_SEED_FILES) expect(lessonForSeed(file)?.seed.file).toBe(file);
    for (const l of LESSONS) expect(lessonById(l.id)).toBe(l);
    expect(lessonById('no-such-lesson')).toBeUndefined();
  });

  it('covers exactly the seed files of shared/seeds when that folder exists', () => {
    if (!existsSync(SEEDS_DIR)) return;
    const seeds = readdirSync(SEEDS_DIR)
      .filter((f) => /^\d{3}_.*\.txt$/.test(f))
      .sort();
    expect([...LESSON_SEED_FILES]).toEqual(seeds);
  });

  for (const lesson of LESSONS) {
    describe(lesson.id, () => {
      it('has a title, summary and its story: a seed thread, or an incident and where it was reported', () => {
        expect(lesson.title.trim()).not.toBe('');
        expect(lesson.summary.trim()).not.toBe('');
        expect(lesson.seed.subject.trim()).not.toBe('');
        expect(lesson.seed.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
        if (lesson.seed.file !== undefined)
          expect(lesson.scenario.source).toBe(`shared/seeds/${lesson.seed.file}`);
        else {
          expect(lesson.seed.reference?.trim()).toBeTruthy();
          expect(lesson.scenario.source?.trim()).toBeTruthy();
          expect(lesson.seed.participants.length).toBeGreaterThan(0);
        }
      });

      it('its scenario file loads through load() and round-trips through save()', () => {
        const file = readdirSync(SCENARIO_DIR).find((f) =>
          f.endsWith(`${lesson.id}.scenario.json`),
        );
        expect(file).toBeDefined();
        const loaded = load(readFileSync(join(SCENARIO_DIR, file as string), 'utf8'));
        expect(loaded.ok).toBe(true);
        if (!loaded.ok || loaded.kind !== 'scenario') return;
        expect(loaded.scenario).toEqual(lesson.scenario);
        const again = load(lesson.scenarioText);
        expect(again.ok && again.kind === 'scenario' && save(again.scenario)).toBe(
          lesson.scenarioText,
        );
      });

      it('replays its reference solution with zero mismatches', () => {
        const check = verifyLesson(lesson);
        const failing = check.report.steps.filter((s) => !s.matches);
        expect(check.report.setupError).toBeUndefined();
        expect(failing).toEqual([]);
        expect(check.mismatches).toBe(0);
        expect(check.report.steps.length).toBe(lesson.scenario.steps.length);
      });

      it('every scenario step has an expect and is performed by exactly one narrative step, in order', () => {
        for (const s of lesson.scenario.steps) expect(s.expect).toBeDefined();
        const performed = lesson.steps.flatMap((s) =>
          s.actionIndex === undefined ? [] : [s.actionIndex],
        );
        expect(performed).toEqual(lesson.scenario.steps.map((_, i) => i));
        for (const s of lesson.steps)
          if (s.actionIndex !== undefined)
            expect(s.action).toBe(lesson.scenario.steps[s.actionIndex]);
      });

      it('every step has prose, valid view ranges and short, attributed quotes', () => {
        lesson.steps.forEach((s, i) => {
          expect(s.index).toBe(i);
          expect(s.title.trim()).not.toBe('');
          expect(s.prose.trim().length).toBeGreaterThan(0);
          for (const t of s.tryThis) expect(t.trim()).not.toBe('');
          if (s.view) {
            expect(typeof s.view.start).toBe('bigint');
            expect(typeof s.view.last).toBe('bigint');
            expect(s.view.start >= 0n).toBe(true);
            expect(s.view.start <= s.view.last).toBe(true);
            expect(s.view.last <= U64_MAX).toBe(true);
          }
          if (s.quote) {
            expect(s.quote.author.trim()).not.toBe('');
            expect(s.quote.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
            // DESIGN.md §9: at most a sentence or two.
            expect(s.quote.text.length).toBeLessThanOrEqual(200);
          }
        });
      });

      it('is written for a beginner: what they will know first, no JSON, CLI or switch names', () => {
        expect(lesson.steps[0]?.prose).toMatch(/^By the end of this lesson you will know /);
        const texts = [
          lesson.summary,
          ...lesson.steps.flatMap((s) => [s.prose, ...s.tryThis, s.hint ?? '']),
        ];
        for (const t of texts) {
          expect(t).not.toMatch(/platform switch|hostBridgeWindowsReserved|\bJSON\b|\.json\b/);
          expect(t).not.toMatch(/\bnpx\b|iova-explorer (replay|lessons|import)|--\w/);
        }
        // A seed thread's people are named with the part they played.
        if (lesson.seed.file !== undefined)
          for (const p of lesson.seed.participants) expect(p).toMatch(/^[^()]+ \(.+\)$/);
      });

      it('a hint points where to look without giving the step’s answer away', () => {
        for (const s of lesson.steps) {
          if (s.hint === undefined) continue;
          expect(s.action, `step ${s.index + 1} has a hint but no action`).toBeDefined();
          expect(s.hint.trim()).not.toBe('');
          const errno = s.action?.expect?.errno;
          if (errno !== undefined) expect(s.hint).not.toContain(errno);
          expect(s.hint).not.toMatch(/\b(fails|succeeds|refused|accepted)\b/i);
        }
      });

      it('quotes the seed thread verbatim when the seeds are at hand', () => {
        if (lesson.seed.file === undefined) return; // an incident: no seed thread to quote
        const path = join(SEEDS_DIR, lesson.seed.file);
        if (!existsSync(path)) return;
        const seed = unquote(readFileSync(path, 'utf8'));
        for (const s of lesson.steps)
          if (s.quote) expect(seed).toContain(s.quote.text.replace(/\s+/g, ' '));
      });

      it('replayLessonThrough runs the actions up to a narrative step', () => {
        expect(replayLessonThrough(lesson, -1).steps).toEqual([]);
        const last = lesson.steps.length - 1;
        expect(replayLessonThrough(lesson, last).steps.length).toBe(lesson.scenario.steps.length);
        const withAction = lesson.steps.find(
          (s) => s.actionIndex !== undefined && s.actionIndex > 0,
        );
        if (withAction) {
          const r = replayLessonThrough(lesson, withAction.index);
          expect(r.steps.length).toBe((withAction.actionIndex as number) + 1);
          expect(r.mismatches).toBe(0);
        }
      });
    });
  }

  it('seed 001 walks through the iommufd ops', () => {
    const ops = new Set(lessonForSeed('001_4354e45049d87bee.txt')?.scenario.steps.map((s) => s.op));
    for (const op of [
      'iommufd.ioas_alloc',
      'iommufd.device_bind',
      'iommufd.device_attach',
      'iommufd.ioas_map',
      'iommufd.ioas_iova_ranges',
      'iommufd.device_detach',
    ])
      expect(ops.has(op as never)).toBe(true);
  });

  it('seed 004 maps the top page and shows EOVERFLOW and EINVAL on both APIs', () => {
    const steps = lessonForSeed('004_445483b4d9f0dadf.txt')?.scenario.steps ?? [];
    const top = 0xfffffffffffff000n;
    const errnos = (prefix: string) =>
      new Set(steps.filter((s) => s.op.startsWith(prefix)).map((s) => s.expect?.errno));
    for (const prefix of ['vfio.', 'iommufd.']) {
      expect(errnos(prefix).has('EOVERFLOW')).toBe(true);
      expect(errnos(prefix).has('EINVAL')).toBe(true);
      expect(
        steps.some(
          (s) =>
            s.op.startsWith(prefix) &&
            s.op.endsWith('map' + (prefix === 'vfio.' ? '_dma' : '')) &&
            'iova' in s &&
            s.iova === top &&
            s.expect?.ok === true,
        ),
      ).toBe(true);
    }
  });
});
