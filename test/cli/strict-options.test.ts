import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './run-cli.ts';

/** Options are what each command lists, and their values are checked before any work starts. */

const TMP = tempDir('iova-strict-options-');
const GROUPS = join(TMP, 'groups.txt');
writeFileSync(GROUPS, 'IOMMU Group 1:\n\t00:02.0 VGA compatible controller [0300]: Intel\n');

describe('unknown options', () => {
  it('names inherited from Object.prototype are unknown options, not flags', async () => {
    for (const args of [
      ['replay', '--toString=1', GROUPS],
      ['import', '--constructor', GROUPS],
      ['check', '--hasOwnProperty', GROUPS],
      ['lessons', '--__proto__'],
    ]) {
      const r = await run(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err).toContain(`unknown option ${(args[1] as string).replace(/=.*/, '')}`);
      expect(r.out).toBe('');
    }
  });
});

describe('group numbers', () => {
  it("a --group beyond the kernel's int is a usage error, not an internal one", async () => {
    const r = await run('import', GROUPS, '--kind', 'groups', '--group', '99999999999999999999');
    expect(r.status).toBe(2);
    expect(r.err).toContain(
      '--group needs IOMMU group numbers from 0 to 2147483647, got 99999999999999999999',
    );
    expect(r.err).not.toContain('internal error');
    const ok = await run('import', GROUPS, '--kind', 'groups', '--group', '2147483647');
    expect(ok.status).toBe(0);
  });

  it('check --groups checks each number of the list', async () => {
    const r = await run('check', GROUPS, '--groups', '1,4294967296');
    expect(r.status).toBe(2);
    expect(r.err).toContain(
      '--groups needs IOMMU group numbers from 0 to 2147483647, got 4294967296',
    );
  });
});
