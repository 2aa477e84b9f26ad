import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from '../../src/core/scenario/index.ts';
import { REPO, run, tempDir } from './run-cli.ts';

const TMP = tempDir('iova-paste-cli-');
const REAL = join(REPO, 'test/fixtures/real');

describe('import and check on pastes as people post them', () => {
  it('import reads a mixed mail thread, says which lines went to which importer, and keeps the group', async () => {
    const r = await run('import', join(REAL, 'err-isa-bridge-audio-direct-vfio-users.txt'));
    expect(r.status).toBe(0);
    expect(r.err).toMatch(
      /:49-53: groups \(after "find \/sys\/kernel\/iommu_groups\/9\/devices -type l"\)/,
    );
    expect(r.err).toMatch(
      /:56-57: reserved-regions \(after "cat \/sys\/kernel\/iommu_groups\/9\/reserved_regions"\)/,
    );
    expect(r.err).toMatch(/:12: placed: vfio_dma_map of 0x7ff40000 bytes at IOVA 0xc0000/);
    const l = load(r.out);
    if (!l.ok || l.kind !== 'scenario') throw new Error('not a scenario');
    const p = l.scenario.platform;
    expect(p?.devices?.filter((d) => d.group === 9).length).toBeGreaterThanOrEqual(5);
    expect(p?.iommus?.map((u) => u.kind)).toEqual(['vtd']);
  });

  it('import merges several files, and --iommu picks the unit of a bare group listing', async () => {
    const groups = join(TMP, 'groups.txt');
    writeFileSync(
      groups,
      'IOMMU Group 13:\n\t0b:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA102 [10de:2204] (rev a1)\n\t0b:00.1 Audio device [0403]: NVIDIA Corporation GA102 High Definition Audio Controller [10de:1aef] (rev a1)\n',
    );
    const resv = join(TMP, 'resv.txt');
    writeFileSync(
      resv,
      '$ cat /sys/kernel/iommu_groups/13/reserved_regions\n0x00000000fee00000 0x00000000feefffff msi\n0x000000fd00000000 0x000000ffffffffff reserved\n',
    );
    const r = await run('import', groups, resv, '--iommu', 'amd:48');
    expect(r.status).toBe(0);
    const l = load(r.out);
    if (!l.ok || l.kind !== 'scenario') throw new Error('not a scenario');
    expect(l.scenario.platform?.iommus).toEqual([
      { id: 'assumed-amd', kind: 'amd', addressWidth: 48 },
    ]);
    expect(l.scenario.platform?.devices?.map((d) => [d.bdf, d.group, d.iommu])).toEqual([
      ['0000:0b:00.0', 13, 'assumed-amd'],
      ['0000:0b:00.1', 13, 'assumed-amd'],
    ]);
    expect(l.scenario.platform?.reservedRegions?.map((x) => x.group)).toEqual([13, 13]);
    expect(await run('import', groups, '--iommu', 'sparc')).toMatchObject({ status: 2 });
  });

  it('check states the cause of a pasted error, and --groups works on a group listing with no unit', async () => {
    const r = await run('check', join(REAL, 'err-amd-1tb-ht-hole-qemu-devel.txt'));
    expect(r.out).toMatch(/pasted-error \[line 15\][^\n]*\n[^\n]*HyperTransport window/);
    const g = await run(
      'check',
      join(REAL, 'grp-naunter-b550-domain-tab.txt'),
      '--groups',
      '14',
      '--guest',
      'q35:ram=8G',
    );
    expect(g.err).toMatch(/assigned groups: 14 \(given\)/);
    expect(g.err).toMatch(/Assumed: the IOMMU unit is AMD-Vi/);
  });
});
