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
    // Its own process group, so the timer ends the command and whatever it started (a `cat` on a
    // FIFO would otherwise keep the pipes open after the shell is gone).
    const child = spawn(command, args, {
      cwd: options.cwd,
      stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout?.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr?.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const timer = setTimeout(() => {
      hung = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.limitMs ?? 15_000);
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
