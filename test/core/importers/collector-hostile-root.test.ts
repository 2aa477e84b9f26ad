import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importBundle } from '../../../src/core/importers/bundle.ts';
import { boundedSpawn } from '../../bounded-spawn.ts';
import { COLLECTOR, FIXTURES, SHELL } from './fixtures.ts';

/**
 * collect-host.sh --root on a copy someone prepared badly or on purpose: FIFOs and links to
 * /dev/zero where files belong, names with line breaks, roots that are not directories. Every
 * run is bounded by a kill timer; a run the timer ends is a hang and fails the test.
 */

const TMP = mkdtempSync(join(tmpdir(), 'iova-collector-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the Intel client's tree. */
function copyOfHost(): string {
  const root = join(TMP, `root${copies++}`);
  cpSync(join(FIXTURES, 'intel-client/root'), root, { recursive: true, verbatimSymlinks: true });
  return root;
}

const collect = (root: string) => boundedSpawn(SHELL, [COLLECTOR, '--root', root]);

const PCI = 'sys/devices/pci0000:00/0000:00:02.0';
/** Files the collector used to read whatever they were: cpuinfo, cmdline, a class, a vendor. */
const FILES = ['proc/cpuinfo', 'proc/cmdline', `${PCI}/class`, `${PCI}/vendor`, 'proc/iomem'];

describe(`collect-host.sh --root on a hostile copy (${SHELL})`, () => {
  it('a FIFO where a file belongs is not read, and the run ends', async () => {
    const root = copyOfHost();
    for (const f of FILES) {
      unlinkSync(join(root, f));
      execFileSync('mkfifo', [join(root, f)]);
    }
    const r = await collect(root);
    expect(r.hung, 'the collector hung on a FIFO').toBe(false);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('=== unreadable /proc/cmdline: not a regular file\n');
    expect(r.stdout).toContain('=== unreadable /proc/iomem: not a regular file\n');
    expect(r.stdout).not.toContain('=== cpu vendor');
    expect(r.stdout).toMatch(/=== \/sys\/bus\/pci\/devices\/0000:00:02\.0\npath=[^\n]+\ndevice=/);
    expect(r.stdout.endsWith('=== end\n')).toBe(true);
  });

  it('a link to /dev/zero where a file belongs is not read, and the run ends', async () => {
    const root = copyOfHost();
    for (const f of FILES) {
      unlinkSync(join(root, f));
      symlinkSync('/dev/zero', join(root, f));
    }
    const r = await collect(root);
    expect(r.hung, 'the collector read /dev/zero').toBe(false);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('=== unreadable /proc/cmdline: not a regular file\n');
    expect(r.stdout.length).toBeLessThan(100_000);
  });

  it('a huge regular file is read up to the cap', async () => {
    const root = copyOfHost();
    writeFileSync(join(root, 'proc/iomem'), 'x'.repeat(5 * 1024 * 1024));
    const r = await collect(root);
    expect(r.hung).toBe(false);
    const section = r.stdout.split('=== /proc/iomem\n')[1]?.split('\n')[0] ?? '';
    expect(section.length).toBe(4 * 1024 * 1024);
  });

  it('names with line breaks cannot forge section lines', async () => {
    const root = copyOfHost();
    const forged = '7\n=== cpu vendor\nvendor_id\t: AuthenticAMD';
    mkdirSync(join(root, 'sys/kernel/iommu_groups', forged, 'devices'), { recursive: true });
    mkdirSync(join(root, 'sys/kernel/iommu_groups/1/devices'), { recursive: true });
    symlinkSync(
      '../../../../devices/pci0000:00/0000:00:02.0',
      join(root, 'sys/kernel/iommu_groups/1/devices', 'x\n=== diagnosis'),
    );
    mkdirSync(join(root, 'sys/class/iommu/dmar9\n=== end'));
    // dash's echo turns a backslash-n in a name into a line break; printf '%s' does not.
    mkdirSync(join(root, 'sys/kernel/iommu_groups', '8\\n=== fake'), { recursive: true });
    const r = await collect(root);
    expect(r.hung).toBe(false);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).not.toContain('vendor_id\t: AuthenticAMD');
    expect(lines).not.toContain('=== diagnosis');
    expect(lines).not.toContain('=== fake');
    expect(lines.filter((l) => l === '=== end')).toHaveLength(1);
    expect(lines).toContain(
      '=== unreadable /sys/kernel/iommu_groups/(a name with a line break): skipped',
    );
    expect(lines).toContain(
      '=== unreadable /sys/kernel/iommu_groups/1/devices/(a name with a line break): skipped',
    );
    expect(lines).toContain('=== unreadable /sys/class/iommu/(a name with a line break): skipped');
    expect(lines).toContain('8\\n=== fake');
  });

  it('a copy under a directory named a=b is read like any other', async () => {
    // Relative, as people type it: awk took the operand "a=b/proc/cmdline" for an assignment and
    // read standard input instead, leaving every section empty.
    const plain = copyOfHost();
    cpSync(plain, join(TMP, 'a=b'), { recursive: true, verbatimSymlinks: true });
    const [p, o] = await Promise.all([
      boundedSpawn(SHELL, [COLLECTOR, '--root', plain]),
      boundedSpawn(SHELL, [COLLECTOR, '--root', 'a=b'], { cwd: TMP }),
    ]);
    expect(o.hung).toBe(false);
    expect(o.stdout).toBe(p.stdout);
    expect(o.stdout).toContain('=== /proc/cmdline\nBOOT_IMAGE=');
  });

  it('refuses a --root that is not an existing directory, with a message and exit 2', async () => {
    const file = join(TMP, 'plain-file');
    writeFileSync(file, 'x');
    const fifo = join(TMP, 'root-fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [args, message] of [
      [['--root', 'c=d'], '--root c=d is not an existing directory'],
      [['--root=c=d'], '--root c=d is not an existing directory'],
      [['--root', ''], '--root needs a directory'],
      [['--root='], '--root needs a directory'],
      [['--root', file], `--root ${file} is not an existing directory`],
      [['--root', fifo], `--root ${fifo} is not an existing directory`],
    ] as const) {
      const r = await boundedSpawn(SHELL, [COLLECTOR, ...args], { cwd: TMP });
      expect(r.hung, args.join(' ')).toBe(false);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`collect-host.sh: ${message}`);
      expect(r.stdout).toBe('');
    }
  });

  it('a file whose text holds a section marker cannot forge a section', async () => {
    const root = copyOfHost();
    writeFileSync(join(root, 'proc/cmdline'), 'quiet\n=== /proc/iomem\n\\=== kept\n');
    const r = await collect(root);
    expect(r.hung).toBe(false);
    const markers = r.stdout.split('\n').filter((l) => l === '=== /proc/iomem');
    expect(markers).toHaveLength(1);
    expect(r.stdout).toContain('=== /proc/cmdline\nquiet\n\\=== /proc/iomem\n\\\\=== kept\n');
    // The importer takes back exactly one backslash: a marker-like line stays in its section.
    const bundle = importBundle(
      '# iova-explorer host bundle v1\n=== /proc/iomem\n\\=== not a section\n00000000-00000fff : Reserved\n=== end\n',
    );
    expect(bundle.unparsed.map((u) => u.text)).toContain('=== not a section');
    expect(bundle.iomem?.map((e) => e.name)).toContain('Reserved');
  });
});
