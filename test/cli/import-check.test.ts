import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, tempDir } from './run-cli.ts';
import { load } from '../../src/core/scenario/index.ts';
import { collect, FIXTURES } from '../core/importers/fixtures.ts';

const TMP = tempDir('iova-import-check-');

function bundleFile(host: string): string {
  const p = join(TMP, `${host}.bundle`);
  writeFileSync(p, collect(host).stdout);
  return p;
}

describe('iova-explorer import', () => {
  it('turns a host bundle into a scenario that the scenario loader reads back', async () => {
    const r = await run('import', bundleFile('amd-server'));
    expect(r.status).toBe(0);
    const l = load(r.out);
    expect(l.ok).toBe(true);
    if (!l.ok || l.kind !== 'scenario') return;
    expect(l.scenario.platform?.iommus?.[0]).toMatchObject({
      id: 'ivhd0',
      kind: 'amd',
      addressWidth: 48,
    });
    expect(
      l.scenario.platform?.reservedRegions?.find((x) => x.group === 3 && x.type === 'reserved'),
    ).toMatchObject({ start: 0xfd00000000n, last: 0xffffffffffn });
    expect(r.err).toMatch(/bundle: 0 unparsed line\(s\)/);
  });

  it('lists unparsed lines with line numbers on stderr', async () => {
    const r = await run('import', join(FIXTURES, 'amd-server/errors.txt'));
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/errors\.txt:6: unparsed \(.*\): some unrelated text/);
    expect(r.err).toMatch(
      /errors\.txt:1: placed: vfio_dma_map of 0xff80000000 bytes at IOVA 0x100000000 returned -22/,
    );
  });

  it('imports a QEMU trace as replayable steps, and replay runs them', async () => {
    const r = await run('import', join(FIXTURES, 'intel-client/qemu-trace.txt'), '--group', '1');
    expect(r.status).toBe(0);
    const l = load(r.out);
    expect(l.ok && l.kind === 'scenario' && l.scenario.steps.map((s) => s.op).slice(0, 4)).toEqual([
      'vfio.container_create',
      'vfio.group_set_container',
      'vfio.set_iommu',
      'vfio.map_dma',
    ]);
    // Put the trace's steps on the imported host and replay them through the engine.
    const host = await run('import', bundleFile('intel-client'));
    const scenario = JSON.parse(host.out) as Record<string, unknown>;
    scenario['steps'] = (JSON.parse(r.out) as { steps: unknown[] }).steps;
    const file = join(TMP, 'intel-trace.json');
    writeFileSync(file, JSON.stringify(scenario));
    const rep = await run('replay', file, '--json');
    const report = JSON.parse(rep.out) as { steps: Array<{ ok: boolean; op: string }> };
    expect(report.steps.every((s) => s.ok)).toBe(true);
    expect(report.steps).toHaveLength(11);
  });

  it('imports an info mtree as a guest layout', async () => {
    const r = await run(
      'import',
      join(FIXTURES, 'intel-client/info-mtree-f.txt'),
      '--kind',
      'mtree',
    );
    const l = load(r.out);
    expect(
      l.ok &&
        l.kind === 'scenario' &&
        l.scenario.guest?.memory?.filter((m) => m.kind === 'ram').length,
    ).toBe(3);
  });

  it('refuses an unknown kind, a missing file and undetectable text', async () => {
    expect((await run('import', 'x', '--kind', 'pcap')).status).toBe(2);
    const missing = await run('import', join(TMP, 'nope.txt'));
    expect(missing.status).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.txt: no such file/);
    const junk = join(TMP, 'junk.txt');
    writeFileSync(junk, 'hello\n');
    const u = await run('import', junk);
    expect(u.status).toBe(2);
    expect(u.err).toMatch(/could not tell what this text is/);
  });
});

describe('iova-explorer check', () => {
  it('AMD server + q35 1 TiB on QEMU 7.0: the HT collision, exit 1', async () => {
    const r = await run(
      'check',
      bundleFile('amd-server'),
      join(FIXTURES, 'amd-server/lspci-vvv.txt'),
      '--guest',
      'q35:ram=1024G,qemu=7.0,host=amd',
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(
      /ERROR {3}guest-ram-in-reserved \[pc\.ram \(ram-above-4g\), group 3, group 6\] 0xfd00000000\.\.0xffffffffff/,
    );
    expect(r.out).toMatch(/WARNING p2p-bypass/);
    expect(r.err).toMatch(/note: assigned groups: 3, 6 \(bound to vfio-pci\)/);
  });

  it('--json gives findings with hex addresses', async () => {
    const r = await run(
      'check',
      bundleFile('arm-2018'),
      join(FIXTURES, 'arm-2018/dmesg.txt'),
      '--guest',
      'virt:ram=4G',
      '--json',
    );
    expect(r.status).toBe(1);
    const j = JSON.parse(r.out) as {
      findings: Array<{
        kind: string;
        errno?: string;
        addresses: Array<{ start: string; last: string }>;
      }>;
      assigned: number[];
    };
    expect(j.assigned).toEqual([2]);
    const hit = j.findings.find((f) => f.kind === 'guest-ram-in-reserved');
    expect(hit).toMatchObject({
      errno: 'EINVAL',
      addresses: [{ start: '0x60000000', last: '0x7fffffff' }],
    });
    expect(j.findings.some((f) => f.kind === 'no-interrupt-remapping' && f.errno === 'EPERM')).toBe(
      true,
    );
  });

  it('takes an info mtree FILE as the guest and a scenario file as the host', async () => {
    const imported = await run('import', bundleFile('arm-smmuv3'));
    const scen = join(TMP, 'arm.json');
    writeFileSync(scen, imported.out);
    const r = await run(
      'check',
      scen,
      '--guest',
      join(FIXTURES, 'arm-smmuv3/info-mtree-identity.txt'),
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/guest-ram-in-reserved \[guest\.ram, group 1\] 0x8000000\.\.0x80fffff/);
  });

  it('a clean host and guest exit 0; the IOMMU-off host says what to change', async () => {
    const ok = await run('check', bundleFile('arm-smmuv3'), '--guest', 'virt:ram=4G');
    expect(ok.status).toBe(0);
    const off = await run('check', bundleFile('no-iommu'));
    expect(off.status).toBe(1);
    expect(off.out).toMatch(/IOMMU not enabled.*intel_iommu=on/);
  });

  it('projects the entry limit for DPDK', async () => {
    const r = await run('check', bundleFile('arm-smmuv3'), '--vmm', 'dpdk:mem=256G,hugepage=2M');
    expect(r.out).toMatch(/ERROR {3}dma-entry-limit .*about 131072 DMA mapping/s);
  });

  it('usage errors exit 2', async () => {
    expect((await run('check')).status).toBe(2);
    expect((await run('check', 'x', '--guest', 'pc:ram=1G')).status).toBe(2);
    expect((await run('check', 'x', '--groups', 'a,b')).status).toBe(2);
    expect((await run('check', 'x', '--vmm', 'vpp')).status).toBe(2);
  });

  it('runs through the real bin launcher', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(REPO, 'bin/iova-explorer.mjs'),
        'check',
        bundleFile('intel-client'),
        '--guest',
        'q35:ram=8G',
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ERROR {3}group-not-viable \[group 8, 0000:00:1f\.4, 0000:00:1f\.5\]/);
    expect(r.stdout).toMatch(/INFO {4}guest-over-relaxable/);
  });
});
