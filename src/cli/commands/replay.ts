import {
  formatLoadError,
  load,
  replay,
  type ReplayableScenario,
  type ReplayReport,
  show,
  bigintToHex,
  type StepReport,
} from '../../core/scenario/index.ts';
import {
  type CliCommand,
  type CliIo,
  EXIT_MISMATCH,
  EXIT_OK,
  EXIT_USAGE,
  parseArgs,
  UsageError,
} from '../command.ts';
import { readInput } from '../read-input.ts';

const HELP = `usage: iova-explorer replay FILE [--json]

Runs a scenario's steps through the engine and compares each outcome with the step's "expect".
FILE is a scenario (iova-explorer.scenario/1) or a conformance file (a JSON array of scenarios,
reported per scenario). FILE "-" reads standard input.

  --json     print {"steps": [...], "mismatches": N} (for a conformance file
             {"scenarios": [{"id", "steps", "mismatches"}], "mismatches": N}); addresses as hex
  -h, --help this text

exit status: 0 every outcome matches, 1 something does not, 2 the file cannot be read or loaded
`;

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'replay a scenario or conformance file through the engine',
  help: HELP,
  run(args, io) {
    const { flags, positionals } = parseArgs(args, { json: false });
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'missing FILE' : `expected one FILE, got ${positionals.length}`,
      );
    const file = positionals[0] as string;

    const text = readInput(file, io, 'replay');
    if (text === undefined) return EXIT_USAGE;
    const loaded = load(text);
    if (!loaded.ok) {
      io.err(
        `iova-explorer replay: ${file} cannot be loaded:\n${loaded.errors.map((e) => `  ${file}: ${formatLoadError(e)}\n`).join('')}`,
      );
      return EXIT_USAGE;
    }

    const json = flags.has('json');
    if (loaded.kind === 'scenario') {
      const report = replay(loaded.scenario);
      if (json)
        io.out(toJson({ steps: report.steps, mismatches: report.mismatches, ...setup(report) }));
      else printScenario(io, loaded.scenario.title ?? loaded.scenario.id ?? file, report);
      if (!json) io.out(`${report.steps.length} step(s), ${report.mismatches} mismatch(es)\n`);
      return report.mismatches === 0 ? EXIT_OK : EXIT_MISMATCH;
    }

    const runs = loaded.scenarios.map((s) => ({
      scenario: s,
      report: replay(s as ReplayableScenario),
    }));
    const mismatches = runs.reduce((n, r) => n + r.report.mismatches, 0);
    if (json) {
      io.out(
        toJson({
          scenarios: runs.map(({ scenario, report }) => ({
            id: scenario.id,
            steps: report.steps,
            mismatches: report.mismatches,
            ...setup(report),
          })),
          mismatches,
        }),
      );
    } else {
      for (const { scenario, report } of runs) printScenario(io, scenario.id, report);
      const failing = runs.filter((r) => r.report.mismatches > 0).length;
      io.out(
        `${runs.length} scenario(s), ${runs.length - failing} passed, ${failing} with mismatches; ${mismatches} mismatch(es) in all\n`,
      );
    }
    return mismatches === 0 ? EXIT_OK : EXIT_MISMATCH;
  },
};

function setup(report: ReplayReport): { setupError?: string } {
  return report.setupError !== undefined ? { setupError: report.setupError } : {};
}

function toJson(value: unknown): string {
  return JSON.stringify(value, bigintToHex, 2) + '\n';
}

function printScenario(io: CliIo, name: string, report: ReplayReport): void {
  io.out(`${report.mismatches === 0 ? 'PASS' : 'FAIL'} ${name}\n`);
  if (report.setupError !== undefined) io.out(`  ${report.setupError}\n`);
  for (const step of report.steps) io.out(stepLine(step));
}

/** `  #3 vfio.map_dma  EINVAL  iova 0x... overlaps ... [vfio_iommu_iova_dma_valid]`, then any mismatch. */
export function stepLine(step: StepReport): string {
  const outcome = step.ok ? 'ok' : (step.errno ?? 'error');
  const detail = step.message ?? (step.result ? show(step.result) : '');
  const rule = step.rule !== undefined ? ` [${step.rule}]` : '';
  let line = `  #${step.index} ${step.op}  ${outcome}${step.partial ? ' (partial)' : ''}${detail ? `  ${detail}` : ''}${rule}\n`;
  for (const w of step.warnings ?? []) line += `      warning: ${w}\n`;
  for (const n of step.notes ?? []) line += `      note: ${n}\n`;
  if (!step.matches)
    line += `      MISMATCH: ${step.mismatch ?? 'the outcome does not match expect'}\n`;
  return line;
}
