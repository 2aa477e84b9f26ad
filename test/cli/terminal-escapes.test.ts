import { ESLint } from 'eslint';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inertText } from '../../src/cli/inert-output.ts';
import { REPO, run, tempDir } from './run-cli.ts';

/**
 * A file can hold characters a terminal obeys: set the window title, clear the screen, print a
 * green "PASS" over a failure. Whatever a command echoes of its input reaches the terminal inert.
 */

const TMP = tempDir('iova-escapes-');

const HOSTILE =
  '\u001b]0;owned\u0007\u001b[2J\u001b[H\u001b[32mPASS\u001b[0m\r\b\u007f\u009b2J\u009d0;x\u009c\u202eevil\u2066\u200f';

/** Every character a terminal may act on, except the line feed and tab of the output's layout. */
const ACTIVE =
  // eslint-disable-next-line no-control-regex -- control characters are what this matches
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('inertText', () => {
  it('shows each control character as a \\uXXXX escape and keeps line feeds and tabs', () => {
    expect(inertText('a\u001b[31mb\r\n\tc\u009b\u007f\u202e\u0000')).toBe(
      'a\\u001b[31mb\\u000d\n\tc\\u009b\\u007f\\u202e\\u0000',
    );
    expect(inertText('plain text, ümlaut, 日本\n')).toBe('plain text, ümlaut, 日本\n');
  });

  it('keeps JSON text JSON: an escaped string parses back to the same characters', () => {
    const json = JSON.stringify({ title: HOSTILE });
    expect(JSON.parse(inertText(json))).toEqual({ title: HOSTILE });
  });
});

describe('the CLI prints what files hold inert', () => {
  it('replay: a title full of escape codes', async () => {
    const file = join(TMP, 'title.json');
    writeFileSync(
      file,
      JSON.stringify({ format: 'iova-explorer.scenario/1', title: HOSTILE, steps: [] }),
    );
    const r = await run('replay', file);
    expect(r.status).toBe(0);
    expect(r.out).not.toMatch(ACTIVE);
    expect(r.out).toContain('PASS \\u001b]0;owned\\u0007\\u001b[2J\\u001b[H\\u001b[32mPASS');
    expect(r.out).toContain('\\u202eevil');
  });

  it('import: unparsed lines on stderr and a file name in the scenario title', async () => {
    const file = join(TMP, `groups\u001b[2J.txt`);
    writeFileSync(
      file,
      `IOMMU Group 1:\n\t00:02.0 VGA compatible controller [0300]: Intel\nzz\u001b]0;x\u0007 \u009b31m\n`,
    );
    const r = await run('import', file, '--kind', 'groups');
    expect(r.status).toBe(0);
    expect(r.err).not.toMatch(ACTIVE);
    expect(r.err).toMatch(/unparsed .*zz\\u001b\]0;x\\u0007 \\u009b31m/);
    expect(r.out).not.toMatch(ACTIVE);
    expect((JSON.parse(r.out) as { title: string }).title).toBe(`Imported groups from ${file}`);
  });

  it('usage errors echo an unknown command and option inert', async () => {
    const cmd = await run('\u001b[2Jx');
    expect(cmd.err).toContain('unknown command "\\u001b[2Jx"');
    const opt = await run('replay', '--\u001b[31m');
    expect(opt.err).toContain('unknown option --\\u001b[31m');
    expect(cmd.err + opt.err).not.toMatch(ACTIVE);
  });

  it('a command module cannot write past the sink: process.stdout and console are lint errors', async () => {
    const eslint = new ESLint({ cwd: REPO });
    for (const code of [
      "process.stdout.write('x');\n",
      "process.stderr.write('x');\n",
      "console.log('x');\n",
    ]) {
      const [res] = await eslint.lintText(code, {
        filePath: join(REPO, 'src/cli/commands/probe.ts'),
      });
      expect(res?.messages.map((m) => m.ruleId)).toEqual([
        expect.stringMatching(/^no-restricted-properties$|^no-console$/),
      ]);
    }
  });
});
