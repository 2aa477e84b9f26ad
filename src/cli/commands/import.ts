import {
  importText,
  INPUT_KINDS,
  mergeImports,
  type ImportResult,
  type InputKind,
  type UnitChoice,
} from '../../core/importers/index.ts';
import { toScenario } from '../../core/importers/to-scenario.ts';
import { save } from '../../core/scenario/index.ts';
import {
  type CliCommand,
  type CliIo,
  EXIT_OK,
  EXIT_USAGE,
  groupNumber,
  parseArgs,
  UsageError,
} from '../command.ts';
import { readInput } from '../read-input.ts';

const HELP = `usage: iova-explorer import FILE [FILE...] [--kind KIND] [--group N] [--iommu KIND[:BITS]]

Turns real inputs into one scenario file (iova-explorer.scenario/1) on stdout. Each FILE may be
one kind of text or a pasted mix (a terminal session, a mail, a forum post: quoting, markup,
prompts and wrapped lines are tolerated); it is cut into pieces by kind, and every piece and every
file is merged. Which lines went to which importer, the lines that could not be read (with their
line numbers) and the notes go to stderr.

  --kind KIND   read every FILE whole as ${INPUT_KINDS.join(' | ')}
                (each FILE is cut into pieces by kind when not given)
  --group N     qemu-trace: add the container setup for IOMMU group N before the steps;
                reserved-regions: the group the regions belong to
  --iommu SPEC  the IOMMU unit of grouped devices no input assigns: vtd, amd or smmu, with an
                optional address width (vtd:39); by default it is inferred and said
  -h, --help    this text

FILE "-" reads standard input. The host bundle comes from public/collect-host.sh.

exit status: 0 imported (even with unparsed lines), 2 the file cannot be read or its kind is unknown
`;

export function parseKind(v: string | true | undefined): InputKind | undefined {
  if (v === undefined) return undefined;
  if (v === true || !(INPUT_KINDS as readonly string[]).includes(v)) {
    throw new UsageError(`unknown --kind ${String(v)} (one of ${INPUT_KINDS.join(', ')})`);
  }
  return v as InputKind;
}

export function parseGroup(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v === true) throw new UsageError('--group needs a group number');
  return groupNumber(v, '--group');
}

/** `--iommu vtd:39` → the unit choice. */
export function parseIommu(v: string | true | undefined): UnitChoice | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(vtd|intel|amd|smmu|smmuv3|arm)(?::(\d{2}))?$/.exec(v) : null;
  if (!m)
    throw new UsageError(
      `--iommu needs vtd, amd or smmu, optionally with a width (vtd:39), got ${String(v)}`,
    );
  const kind = m[1] === 'intel' || m[1] === 'vtd' ? 'vtd' : m[1] === 'amd' ? 'amd' : 'smmuv3';
  const width = m[2] ? parseInt(m[2], 10) : undefined;
  if (width !== undefined && (width < 32 || width > 64))
    throw new UsageError(`--iommu ${v}: the width must be 32 to 64 bits`);
  return { kind, ...(width ? { addressWidth: width } : {}) };
}

/** Prints what one file's import read, to stderr: its pieces, unread lines, notes and placed lines. */
export function reportImport(file: string, res: ImportResult, io: CliIo): void {
  for (const p of res.pieces ?? [])
    io.err(
      `${file}:${p.first}-${p.last}: ${p.kind}${p.command ? ` (after "${p.command}")` : ''}: ${p.lines} line(s), ${p.unparsed} not read${p.notes[0] ? `: ${p.notes[0]}` : ''}\n`,
    );
  for (const u of res.unparsed) io.err(`${file}:${u.line}: unparsed (${u.reason}): ${u.text}\n`);
  io.err(`${file}: ${res.kind}: ${res.unparsed.length} unparsed line(s)\n`);
  for (const n of res.notes) io.err(`${file}: note: ${n}\n`);
  for (const e of res.events) io.err(`${file}:${e.line}: placed: ${e.detail}\n`);
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'turn a host bundle, sysfs/lspci/dmesg text, info mtree or a QEMU trace into a scenario',
  help: HELP,
  run(args, io) {
    const { flags, positionals } = parseArgs(args, {
      kind: true,
      group: true,
      iommu: true,
    });
    if (positionals.length === 0) throw new UsageError('missing FILE');
    const kind = parseKind(flags.get('kind'));
    const group = parseGroup(flags.get('group'));
    const iommu = parseIommu(flags.get('iommu'));
    const results: Array<{ file: string; res: ImportResult }> = [];
    for (const file of positionals) {
      const text = readInput(file, io, 'import');
      if (text === undefined) return EXIT_USAGE;
      const r = importText(text, {
        ...(kind ? { kind } : {}),
        ...(group !== undefined ? { group } : {}),
        ...(iommu ? { iommu } : {}),
      });
      if (!r.ok) {
        io.err(`iova-explorer import: ${file}: ${r.error}\n`);
        return EXIT_USAGE;
      }
      results.push({ file, res: r.result });
    }
    const only = results.length === 1 ? results[0] : undefined;
    const merged = only
      ? { scenario: only.res.scenario, notes: [] as string[] }
      : mergeImports(
          results.map(({ res }) => ({
            scenario: res.scenario,
            events: res.events,
            ...(res.host ? { host: res.host } : {}),
          })),
          iommu,
        );
    const title = only
      ? `Imported ${only.res.kind} from ${only.file}`
      : `Imported ${results.map((r) => r.file).join(', ')}`;
    const scenario = toScenario(merged.scenario, {
      title,
      description: [...results.flatMap((r) => r.res.notes), ...merged.notes].join('\n'),
    });
    io.out(save(scenario));
    for (const { file, res } of results) reportImport(file, res, io);
    for (const n of merged.notes) io.err(`note: ${n}\n`);
    return EXIT_OK;
  },
};
