import { groupNumber as groupNumberOf, MAX_GROUP_NUMBER } from '../core/importers/text.ts';
/** What every CLI command module exports; `commands/index.ts` lists them. */

export interface CliIo {
  /** Writes to standard output (the text includes its own line breaks). */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
}

/** Exit codes shared by every command (DESIGN.md §7). */
export const EXIT_OK = 0;
/** The input loaded but something did not match (replay mismatches, check findings above a threshold). */
export const EXIT_MISMATCH = 1;
/** Bad usage or an input that cannot be loaded. */
export const EXIT_USAGE = 2;

export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full help text, starting with the usage line. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  readonly run: (args: readonly string[], io: CliIo) => number | Promise<number>;
}

/** A usage error: reported on stderr with the command's usage line, exit code 2. */
export class UsageError extends Error {}

/**
 * Splits arguments into flags and positionals. `spec` lists the accepted `--flags`; a flag whose
 * value is true takes a value (`--kind bundle` or `--kind=bundle`).
 */
export function parseArgs(
  args: readonly string[],
  spec: Readonly<Record<string, boolean>>,
): { flags: Map<string, string | true>; positionals: string[] } {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2)) {
      const eq = a.indexOf('=');
      const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^-+/, '');
      // Own keys only: `in` would also find Object.prototype's, taking --toString=1 as an option
      // and --constructor as one that swallows the next argument.
      if (!Object.hasOwn(spec, name))
        throw new UsageError(`unknown option ${a.slice(0, eq >= 0 ? eq : undefined)}`);
      if (spec[name]) {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`option --${name} needs a value`);
        flags.set(name, value);
      } else {
        if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
        flags.set(name, true);
      }
      continue;
    }
    positionals.push(a);
  }
  return { flags, positionals };
}

/** A group number given on the command line (`--group 7`, one entry of `--groups 1,3`). */
export function groupNumber(text: string, option: string): number {
  const n = groupNumberOf(text);
  if (n === undefined)
    throw new UsageError(
      `${option} needs IOMMU group numbers from 0 to ${MAX_GROUP_NUMBER}, got ${text}`,
    );
  return n;
}
