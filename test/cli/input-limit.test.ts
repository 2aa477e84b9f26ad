import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMIT, readInput } from '../../src/cli/read-input.ts';
import { boundedSpawn } from '../bounded-spawn.ts';
import { REPO, run, tempDir } from './run-cli.ts';

/** Every FILE (and standard input) is read up to a cap, so an endless input ends with a sentence. */

const TMP = tempDir('iova-input-limit-');
const BIN = join(REPO, 'bin/iova-explorer.mjs');

function capture() {
  let err = '';
  return { io: { out: () => {}, err: (t: string) => void (err += t) }, err: () => err };
}

describe('readInput', () => {
  it('reads a file of exactly the cap and refuses one byte more, saying so', () => {
    const at = join(TMP, 'at.txt');
    const over = join(TMP, 'over.txt');
    writeFileSync(at, 'x'.repeat(1000));
    writeFileSync(over, 'x'.repeat(1001));
    const c = capture();
    expect(readInput(at, c.io, 'import', 1000)).toBe('x'.repeat(1000));
    expect(readInput(over, c.io, 'import', 1000)).toBeUndefined();
    expect(c.err()).toBe(
      `iova-explorer import: cannot read ${over}: it holds more than 1000 bytes, the most an input may hold (a host bundle is a few hundred KB)\n`,
    );
  });

  it('says what a missing file and a directory are', () => {
    const c = capture();
    expect(readInput(join(TMP, 'nope'), c.io, 'check')).toBeUndefined();
    expect(readInput(TMP, c.io, 'check')).toBeUndefined();
    expect(c.err()).toMatch(/nope: no such file\n.*: it is a directory\n$/);
  });
});

describe('the CLI on an input without end', () => {
  it('import /dev/zero stops at the cap with exit 2', async () => {
    const r = await run('import', '/dev/zero');
    expect(r.status).toBe(2);
    expect(r.err).toBe(
      `iova-explorer import: cannot read /dev/zero: it holds more than ${INPUT_LIMIT / 2 ** 20} MiB, the most an input may hold (a host bundle is a few hundred KB)\n`,
    );
  });

  it('replay - and check - with /dev/zero as standard input end by themselves', async () => {
    for (const command of ['replay', 'check']) {
      const zero = openSync('/dev/zero', 'r');
      try {
        const r = await boundedSpawn(process.execPath, [BIN, command, '-'], {
          stdio: [zero, 'pipe', 'pipe'],
          limitMs: 60_000,
        });
        expect(r.hung, `${command} - < /dev/zero did not end`).toBe(false);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`iova-explorer ${command}: cannot read -: it holds more than`);
      } finally {
        closeSync(zero);
      }
    }
  });
});
