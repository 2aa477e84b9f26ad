import type { CliCommand } from '../command.ts';
import { checkCommand } from './check.ts';
import { importCommand } from './import.ts';
import { lessonsCommand } from './lessons.ts';
import { opsCommand } from './ops.ts';
import { replayCommand } from './replay.ts';

/**
 * Every `iova-explorer` command, in the order `--help` lists them. A new command is a module in
 * this folder exporting a `CliCommand`, plus one line here.
 */
export const COMMANDS: readonly CliCommand[] = [
  replayCommand,
  importCommand,
  checkCommand,
  lessonsCommand,
  opsCommand,
];
