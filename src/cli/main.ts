import { readFileSync } from 'node:fs';
import { type CliCommand, type CliIo, EXIT_USAGE, UsageError } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { inertIo } from './inert-output.ts';

/**
 * `iova-explorer COMMAND ...`: dispatches to the command modules of `commands/index.ts`.
 * Errors meant for the user are sentences on stderr, never stack traces.
 */

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: iova-explorer <command> [options]',
    '',
    'Answers VFIO / iommufd actions the way the Linux kernel does.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "iova-explorer <command> --help" for the options of a command,',
    '"iova-explorer --version" for the version.',
    '',
  ].join('\n');
}

/** The version of the installed package, as its package.json says. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function main(argv: readonly string[], terminal: CliIo = processIo): Promise<number> {
  // Every word below may echo the user's input (an unknown command, a file name, a title).
  const io = inertIo(terminal);
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.out(`iova-explorer ${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const cmd = topic !== undefined ? findCommand(topic) : undefined;
    if (topic !== undefined && !cmd) {
      io.err(`iova-explorer: unknown command "${topic}"\n\n${usage()}`);
      return EXIT_USAGE;
    }
    (name === undefined ? io.err : io.out)(cmd ? cmd.help : usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const cmd = findCommand(name);
  if (!cmd) {
    io.err(`iova-explorer: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  // `--help` / `-h` anywhere before `--` shows the command's own text, for every command alike.
  const options = rest.indexOf('--') >= 0 ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    io.out(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`iova-explorer ${cmd.name}: ${e.message}\n\n${cmd.help}`);
      return EXIT_USAGE;
    }
    // An unexpected failure is still reported as one sentence; the stack is for developers only.
    io.err(
      `iova-explorer ${cmd.name}: internal error: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    if (process.env['IOVA_EXPLORER_DEBUG'] && e instanceof Error && e.stack) io.err(e.stack + '\n');
    return EXIT_USAGE;
  }
}
