import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The collector run on a fixture host's copy of /sys and /proc, as a user runs it on theirs. */
export function collectBundle(host: string): string {
  return execFileSync(
    'sh',
    [
      resolve(ROOT, 'public/collect-host.sh'),
      '--root',
      resolve(ROOT, `test/fixtures/hosts/${host}/root`),
    ],
    { encoding: 'utf8' },
  );
}
