import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';

/** The real command, as `npx iova-explorer` runs it: node + the bin launcher, in a child process. */

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/iova-explorer.mjs');
const TMP = mkdtempSync(join(tmpdir(), 'iova-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpFile(name: string, content: unknown): string {
  const p = join(TMP, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
}

const STACK_LINE = /^\s+at .+[(:]\d+/m;

const PLATFORM = {
  iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 48 }],
  devices: [{ bdf: '0000:01:00.0', iommu: 'dmar0', pcieType: 'endpoint', group: 7 }],
  reservedRegions: [{ start: '0xfee00000', last: '0xfeefffff', type: 'msi', group: 7 }],
};

const T = 60_000;

describe('iova-explorer replay on the conformance files', () => {
  for (const file of ['vfio.json', 'iommufd.json', 'iommu.json']) {
    it(`exits 0 on test/conformance/${file}`, { timeout: T }, () => {
      const r = cli('replay', `test/conformance/${file}`);
      expect(r.stderr).toBe('');
      expect(
        r.stdout,
        r.stdout
          .split('\n')
          .filter((l) => /MISMATCH|FAIL/.test(l))
          .slice(0, 40)
          .join('\n'),
      ).toMatch(/ 0 with mismatches; 0 mismatch\(es\) in all\n$/);
      expect(r.status).toBe(0);
    });
  }

  it('prints per-scenario JSON for a conformance array with --json', { timeout: T }, () => {
    const r = cli('replay', 'test/conformance/iommu.json', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      scenarios: Array<{ id: string; steps: Array<Record<string, unknown>>; mismatches: number }>;
      mismatches: number;
    };
    expect(out.mismatches).toBe(0);
    expect(out.scenarios).toHaveLength(5);
    for (const s of out.scenarios) {
      expect(Object.keys(s).sort()).toEqual(['id', 'mismatches', 'steps']);
      expect(s.mismatches).toBe(0);
      for (const step of s.steps) {
        expect(step).toMatchObject({
          index: expect.any(Number),
          op: expect.any(String),
          ok: expect.any(Boolean),
          matches: true,
        });
      }
    }
    const sw = out.scenarios.find((s) => s.id === 'iommu.resv.sw_msi_prints_as_msi');
    expect(sw?.steps[0]?.result).toEqual({ sysfs: ['0x0000000008000000 0x00000000080fffff msi'] });
  });
});

describe('iova-explorer replay on a single scenario', () => {
  const scenario = (steps: unknown[]) => ({
    format: 'iova-explorer.scenario/1',
    title: 'cli test',
    platform: PLATFORM,
    steps,
  });

  it(
    'prints {steps, mismatches} with --json, bigints as hex strings, and exits 0 when all match',
    { timeout: T },
    () => {
      const file = tmpFile(
        'ok.json',
        scenario([
          {
            op: 'iommu.group_resv_regions',
            group: 7,
            expect: { ok: true, result: { sysfs: ['0x00000000fee00000 0x00000000feefffff msi'] } },
          },
          { op: 'iommu.group_resv_regions', group: 99, expect: { errno: 'ENOENT' } },
          { op: 'iommu.groups' },
        ]),
      );
      const r = cli('replay', file, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as {
        steps: Array<Record<string, unknown>>;
        mismatches: number;
      };
      expect(Object.keys(out).sort()).toEqual(['mismatches', 'steps']);
      expect(out.mismatches).toBe(0);
      expect(out.steps.map((s) => s['index'])).toEqual([0, 1, 2]);
      expect(out.steps[1]).toMatchObject({
        op: 'iommu.group_resv_regions',
        ok: false,
        errno: 'ENOENT',
        rule: expect.any(String),
        message: expect.any(String),
        matches: true,
      });
      expect(out.steps[2]).toMatchObject({ ok: true, matches: true });
    },
  );

  it('prints one line per step and exits 1 when an outcome does not match', { timeout: T }, () => {
    const file = tmpFile(
      'mismatch.json',
      scenario([
        { op: 'iommu.groups', expect: { ok: true } },
        { op: 'iommu.group_resv_regions', group: 99, expect: { ok: true } },
      ]),
    );
    const r = cli('replay', file);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.some((l) => /#0 iommu\.groups\s+ok/.test(l))).toBe(true);
    expect(lines.some((l) => /#1 iommu\.group_resv_regions\s+ENOENT\s+\S/.test(l))).toBe(true);
    expect(r.stdout).toMatch(/MISMATCH: expected success, got ENOENT/);
    const json = cli('replay', file, '--json');
    expect(json.status).toBe(1);
    expect((JSON.parse(json.stdout) as { mismatches: number }).mismatches).toBe(1);
  });
});

describe('iova-explorer replay on bad input', () => {
  it(
    'exits 2 and names the JSON path of an unknown op, without a stack trace',
    { timeout: T },
    () => {
      const file = tmpFile('bad-op.json', {
        format: 'iova-explorer.scenario/1',
        steps: [{ op: 'iommu.groups' }, { op: 'vfio.mapdma' }],
      });
      const r = cli('replay', file);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        'steps[1].op: unknown op "vfio.mapdma" — did you mean vfio.map_dma?',
      );
      expect(r.stderr).not.toMatch(STACK_LINE);
    },
  );

  it('exits 2 on a JSON number used as an address, naming the path', { timeout: T }, () => {
    const file = tmpFile('bad-number.json', {
      format: 'iova-explorer.scenario/1',
      steps: [{ op: 'vfio.map_dma', container: 1, iova: 4096, size: '4K', flags: ['READ'] }],
    });
    const r = cli('replay', file, '--json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('steps[0].iova:');
  });

  it('exits 2 on a path inside a conformance array, naming the scenario', { timeout: T }, () => {
    const file = tmpFile('bad-array.json', [
      { id: 'a', platform: { iommus: [{ id: 'x', kind: 'vtd', addressWidth: '48' }] }, steps: [] },
    ]);
    const r = cli('replay', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('[0].platform.iommus[0].addressWidth (scenario "a"): expected');
  });

  it('exits 2 with the line and column of a JSON syntax error', { timeout: T }, () => {
    const file = tmpFile(
      'syntax.json',
      '{\n  "format": "iova-explorer.scenario/1",\n  "steps": [,]\n}\n',
    );
    const r = cli('replay', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('line 3, column 13');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('exits 2 for a missing file, a missing argument and an unknown option', { timeout: T }, () => {
    const missing = cli('replay', join(TMP, 'nope.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: no such file/);
    const noArg = cli('replay');
    expect(noArg.status).toBe(2);
    expect(noArg.stderr).toMatch(/missing FILE[\s\S]*usage: iova-explorer replay FILE \[--json\]/);
    const badOpt = cli('replay', 'x.json', '--jsno');
    expect(badOpt.status).toBe(2);
    expect(badOpt.stderr).toContain('unknown option --jsno');
  });
});

describe('iova-explorer usage', () => {
  it('lists the commands with --help (exit 0) and on no arguments (exit 2)', { timeout: T }, () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage: iova-explorer <command>[\s\S]*\n {2}replay {2}/);
    const none = cli();
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('usage: iova-explorer <command>');
    const sub = cli('replay', '--help');
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('usage: iova-explorer replay FILE [--json]');
    const viaHelp = cli('help', 'replay');
    expect(viaHelp.status).toBe(0);
    expect(viaHelp.stdout).toContain('usage: iova-explorer replay FILE [--json]');
  });

  it('rejects an unknown command with exit 2', { timeout: T }, () => {
    const r = cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});
