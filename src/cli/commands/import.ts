import { readFileSync } from 'node:fs';
import { importText, INPUT_KINDS, type InputKind } from '../../core/importers/index.ts';
import { toScenario } from '../../core/importers/to-scenario.ts';
import { save } from '../../core/scenario/index.ts';
import { type CliCommand, type CliIo, EXIT_OK, EXIT_USAGE, parseArgs, UsageError } from '../command.ts';

const HELP = `usage: iova-explorer import FILE [--kind KIND] [--group N]

Turns a real input into a scenario file (iova-explorer.scenario/1) on stdout; lines that could
not be read are listed on stderr with their line numbers, followed by notes.

  --kind KIND  ${INPUT_KINDS.join(' | ')}
               (detected from the text when not given)
  --group N    qemu-trace: add the container setup for IOMMU group N before the steps;
               reserved-regions: the group the regions belong to
  -h, --help   this text

FILE "-" reads standard input. The host bundle comes from public/collect-host.sh.

exit status: 0 imported (even with unparsed lines), 2 the file cannot be read or its kind is unknown
`;

export function readInput(file: string, io: CliIo, command: string): string | undefined {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`iova-explorer ${command}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message}\n`);
    return undefined;
  }
}

export function parseKind(v: string | true | undefined): InputKind | undefined {
  if (v === undefined) return undefined;
  if (v === true || !(INPUT_KINDS as readonly string[]).includes(v)) {
    throw new UsageError(`unknown --kind ${String(v)} (one of ${INPUT_KINDS.join(', ')})`);
  }
  return v as InputKind;
}

export function parseGroup(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (v === true || !/^\d+$/.test(v)) throw new UsageError(`--group needs a group number, got ${String(v)}`);
  return parseInt(v, 10);
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'turn a host bundle, sysfs/lspci/dmesg text, info mtree or a QEMU trace into a scenario',
  help: HELP,
  run(args, io) {
    const { flags, positionals } = parseArgs(args, { kind: true, group: true, help: false });
    if (flags.has('help')) {
      io.out(HELP);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing FILE' : `expected one FILE, got ${positionals.length}`);
    const kind = parseKind(flags.get('kind'));
    const group = parseGroup(flags.get('group'));
    const file = positionals[0] as string;
    const text = readInput(file, io, 'import');
    if (text === undefined) return EXIT_USAGE;
    const r = importText(text, { ...(kind ? { kind } : {}), ...(group !== undefined ? { group } : {}) });
    if (!r.ok) {
      io.err(`iova-explorer import: ${file}: ${r.error}\n`);
      return EXIT_USAGE;
    }
    const res = r.result;
    const scenario = toScenario(res.scenario, { title: `Imported ${res.kind} from ${file}`, description: res.notes.join('\n') });
    io.out(save(scenario));
    for (const u of res.unparsed) io.err(`${file}:${u.line}: unparsed (${u.reason}): ${u.text}\n`);
    io.err(`${file}: ${res.kind}: ${res.unparsed.length} unparsed line(s)\n`);
    for (const n of res.notes) io.err(`${file}: note: ${n}\n`);
    for (const e of res.events) io.err(`${file}:${e.line}: placed: ${e.detail}\n`);
    return EXIT_OK;
  },
};
