import { describeField } from '../../core/ops/describe.ts';
import { isOpName, OP_NAMES, OP_SPECS, type OpName } from '../../core/ops/registry.ts';
import type { OpSpec } from '../../core/ops/spec.ts';
import { bigintToHex } from '../../core/scenario/index.ts';
import { didYouMean } from '../../core/scenario/suggest.ts';
import { type CliCommand, type CliIo, EXIT_OK, parseArgs, UsageError } from '../command.ts';

const HELP = `usage: iova-explorer ops [OP] [--json]

Lists the ops a scenario step can name, each with the uAPI call it mirrors and what it does.
With an op name, lists that op's fields: what each takes, and which may be left out.

  --json     print {"ops": [{"op", "call", "doc", "fields": [{"name", "kind", "optional", ...}]}]}
  -h, --help this text

exit status: 0 ok, 2 bad usage or an unknown op
`;

export const opsCommand: CliCommand = {
  name: 'ops',
  summary: 'list the ops a scenario step can name, and their fields',
  help: HELP,
  run(args, io) {
    const { flags, positionals } = parseArgs(args, { json: false });
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
    const op = opNamed(positionals[0]);
    if (flags.has('json')) {
      const ops = op === undefined ? OP_NAMES : [op];
      io.out(
        JSON.stringify({ ops: ops.map((n) => opJson(n, OP_SPECS[n])) }, bigintToHex, 2) + '\n',
      );
    } else if (op !== undefined) printFields(io, op, OP_SPECS[op]);
    else printList(io);
    return EXIT_OK;
  },
};

function opNamed(name: string | undefined): OpName | undefined {
  if (name === undefined || isOpName(name)) return name;
  throw new UsageError(`unknown op "${name}"${didYouMean(name, OP_NAMES)}`);
}

function opJson(op: string, spec: OpSpec) {
  return {
    op,
    call: spec.call,
    doc: spec.doc,
    fields: Object.entries(spec.fields).map(([name, field]) => ({ name, ...field })),
  };
}

function printList(io: CliIo): void {
  const width = Math.max(...OP_NAMES.map((op) => op.length));
  for (const op of OP_NAMES) {
    const spec = OP_SPECS[op];
    io.out(`${op.padEnd(width)}  ${spec.call}\n${' '.repeat(width + 2)}${spec.doc}\n`);
  }
}

function printFields(io: CliIo, op: string, spec: OpSpec): void {
  io.out(`${op}  ${spec.call}\n  ${spec.doc}\n`);
  const names = Object.keys(spec.fields);
  if (names.length === 0) io.out('  (no fields)\n');
  const width = Math.max(0, ...names.map((n) => n.length));
  for (const [name, field] of Object.entries(spec.fields))
    io.out(`  ${name.padEnd(width)}  ${describeField(field)}\n`);
}
