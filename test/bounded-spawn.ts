import { spawn, type StdioOptions } from 'node:child_process';

/**
 * Runs a command that must end by itself (a collector over a FIFO, the CLI over /dev/zero). A
 * kill timer bounds the wait: if it fires, the run is reported as hung and the test fails on
 * that, instead of the suite stalling or a sleep guessing how long is long enough.
 */
export interface BoundedRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the kill timer fired: the command did not end on its own. */
  readonly hung: boolean;
}

export function boundedSpawn(
  command: string,
  args: readonly string[],
  options: { stdio?: StdioOptions; limitMs?: number; cwd?: string } = {},
): Promise<BoundedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout?.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr?.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, options.limitMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, hung });
    });
  });
}
