import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Paths and helpers shared by the importer, analysis and CLI tests. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/hosts/', import.meta.url));
export const COLLECTOR = fileURLToPath(new URL('../../../public/collect-host.sh', import.meta.url));

export function fixture(path: string): string {
  return readFileSync(FIXTURES + path, 'utf8');
}

/** The POSIX shell the collector is tested with: dash when installed (it has no bashisms to forgive). */
export const SHELL = existsSync('/usr/bin/dash') || existsSync('/bin/dash') ? 'dash' : 'sh';

/** Runs `collect-host.sh --root DIR` on a fixture tree and returns its bundle. */
export function collect(host: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(SHELL, [COLLECTOR, '--root', `${FIXTURES}${host}/root`], {
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
