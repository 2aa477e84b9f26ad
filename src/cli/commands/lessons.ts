import {
  LESSONS,
  lessonStory,
  verifyLesson,
  type Lesson,
  type LessonVerification,
} from '../../core/lessons/index.ts';
import { bigintToHex } from '../../core/scenario/index.ts';
import {
  type CliCommand,
  type CliIo,
  EXIT_MISMATCH,
  EXIT_OK,
  parseArgs,
  UsageError,
} from '../command.ts';
import { stepLine } from './replay.ts';

const HELP = `usage: iova-explorer lessons [--json] [--verify]

Lists the built-in lessons, one per seed thread, real incident or teaching change: id, title, the
thread or incident it retells, and its number of steps.

  --verify   replay each lesson's reference solution through the engine and compare every
             action with its "expect"; failing steps are printed
  --json     print {"lessons": [{"id", "title", "seed", "steps", "actions", ...}]} (with --verify
             each lesson has "mismatches" and the top level "mismatches": N)
  -h, --help this text

exit status: 0 ok, 1 --verify found a mismatch, 2 bad usage
`;

export const lessonsCommand: CliCommand = {
  name: 'lessons',
  summary: 'list the built-in lessons and verify their reference solutions',
  help: HELP,
  run(args, io) {
    const { flags, positionals } = parseArgs(args, { json: false, verify: false });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const verify = flags.has('verify');
    const runs = LESSONS.map((lesson) => ({
      lesson,
      check: verify ? verifyLesson(lesson) : undefined,
    }));
    const mismatches = runs.reduce((n, r) => n + (r.check?.mismatches ?? 0), 0);

    if (flags.has('json')) {
      const out = {
        lessons: runs.map(({ lesson, check }) => lessonJson(lesson, check)),
        ...(verify ? { mismatches } : {}),
      };
      io.out(JSON.stringify(out, bigintToHex, 2) + '\n');
    } else {
      printLessons(io, runs);
      if (verify)
        io.out(
          `${runs.length} lesson(s) verified, ${runs.filter((r) => (r.check?.mismatches ?? 0) > 0).length} with mismatches; ${mismatches} mismatch(es) in all\n`,
        );
    }
    return mismatches === 0 ? EXIT_OK : EXIT_MISMATCH;
  },
};

function lessonJson(lesson: Lesson, check: LessonVerification | undefined) {
  return {
    id: lesson.id,
    title: lesson.title,
    seed: lesson.seed,
    summary: lesson.summary,
    steps: lesson.steps.length,
    actions: lesson.scenario.steps.length,
    ...(check
      ? {
          mismatches: check.mismatches,
          ...(check.report.setupError !== undefined ? { setupError: check.report.setupError } : {}),
          failing: check.report.steps.filter((s) => !s.matches),
        }
      : {}),
  };
}

function printLessons(
  io: CliIo,
  runs: ReadonlyArray<{ lesson: Lesson; check: LessonVerification | undefined }>,
): void {
  for (const { lesson, check } of runs) {
    const status = check ? (check.mismatches === 0 ? 'PASS ' : 'FAIL ') : '';
    io.out(`${status}${lesson.id}  ${lesson.title}\n`);
    io.out(
      `      ${lesson.seed.file !== undefined ? `seed ${lesson.seed.file}` : lessonStory(lesson)}: ${lesson.seed.subject} (${lesson.seed.date}); ${lesson.steps.length} steps, ${lesson.scenario.steps.length} actions\n`,
    );
    if (!check) continue;
    if (check.report.setupError !== undefined) io.out(`      ${check.report.setupError}\n`);
    for (const step of check.report.steps) if (!step.matches) io.out(`    ${stepLine(step)}`);
  }
}
