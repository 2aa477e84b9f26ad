import { describe, expect, it } from 'vitest';
import { importBundle } from '../../../src/core/importers/bundle.ts';
import { detectKind } from '../../../src/core/importers/index.ts';
import { createState } from '../../../src/core/engine.ts';
import { apply } from '../../../src/core/engine.ts';
import { collect, SHELL, COLLECTOR } from './fixtures.ts';
import { spawnSync } from 'node:child_process';

describe(`collect-host.sh --root (run with ${SHELL})`, () => {
  it('prints one bundle with section markers and says what it could not read', () => {
    const r = collect('intel-client');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('# iova-explorer host bundle v1');
    expect(lines).toContain('=== /sys/kernel/iommu_groups/8/reserved_regions');
    expect(lines).toContain('0x0000000000000000 0x0000000000ffffff direct-relaxable');
    expect(lines).toContain(
      '0000:01:00.0 -> ../../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0',
    );
    expect(lines).toContain('=== /sys/class/iommu/dmar1/intel-iommu/ecap');
    expect(lines).toContain('=== /sys/module/vfio_iommu_type1/parameters/dma_entry_limit');
    expect(lines).toContain('=== unreadable lspci -vvv: skipped with --root');
    expect(lines).toContain('=== unreadable dmesg: skipped with --root');
    expect(lines[lines.length - 2]).toBe('=== end');
    expect(detectKind(r.stdout)).toBe('bundle');
  });

  it('diagnoses an empty iommu_groups as "IOMMU not enabled" with the likely parameter', () => {
    const r = collect('no-iommu');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /=== diagnosis\nIOMMU not enabled: \/sys\/kernel\/iommu_groups is empty or missing\.\nLikely fix: add intel_iommu=on/,
    );
  });

  it('refuses a --root that is not a directory, and unknown options', () => {
    expect(
      spawnSync(SHELL, [COLLECTOR, '--root', '/nonexistent/dir'], { encoding: 'utf8' }).status,
    ).toBe(2);
    const bad = spawnSync(SHELL, [COLLECTOR, '--frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --frobnicate/);
  });
});

describe('bundle importer', () => {
  it('Intel client: groups, regions, units, drivers and topology', () => {
    const r = importBundle(collect('intel-client').stdout);
    expect(r.unparsed).toEqual([]);
    const p = r.scenario.platform!;
    expect(p.arch).toBe('x86_64');
    expect(p.kernel?.version).toBe('6.8');
    expect(
      p.iommus?.map((u) => [u.id, u.kind, u.addressWidth, u.snoopControl, u.interruptRemapping]),
    ).toEqual([
      ['dmar0', 'vtd', 39, false, true],
      ['dmar1', 'vtd', 39, true, true],
    ]);
    const d = (b: string) => p.devices?.find((x) => x.bdf === b);
    expect(d('0000:00:02.0')).toMatchObject({
      iommu: 'dmar0',
      group: 2,
      hostDriver: 'i915',
      class: '0x030000',
    });
    expect(d('0000:01:00.0')).toMatchObject({
      iommu: 'dmar1',
      group: 1,
      parent: '0000:00:01.0',
      hostBridge: 'pci0000:00',
      hostDriver: 'vfio-pci',
      pcieType: 'endpoint',
      acs: 'unknown',
    });
    expect(
      d('0000:01:00.0')?.bars?.map((b) => [b.index, b.start, b.last, b.prefetchable, b.is64]),
    ).toEqual([
      [0, 0xf6000000n, 0xf6ffffffn, false, false],
      [1, 0xe0000000n, 0xefffffffn, true, true],
      [3, 0xf0000000n, 0xf1ffffffn, true, true],
    ]);
    expect(d('0000:00:01.0')?.pcieType).toBe('root_port');
    expect(
      p.reservedRegions?.filter((x) => x.group === 8).map((x) => [x.start, x.last, x.type]),
    ).toEqual([
      [0n, 0xffffffn, 'direct-relaxable'],
      [0xfee00000n, 0xfeefffffn, 'msi'],
    ]);
    expect(p.moduleParams).toEqual({
      'vfio_iommu_type1.allow_unsafe_interrupts': false,
      'vfio_iommu_type1.dma_entry_limit': 65535,
      'iommufd.allow_unsafe_interrupts': false,
    });
    expect(r.host?.iomemZeroed).toBe(true);
    expect(r.host?.cmdline).toMatch(/intel_iommu=on/);
    expect(r.host?.groupTypes?.[1]).toBe('DMA-FQ');
    // The engine sees the same groups and prints the same sysfs lines back.
    const state = createState(p);
    const out = apply(state, { op: 'iommu.group_resv_regions', group: 8 }).outcome;
    expect(out.ok && out.result?.['sysfs']).toEqual([
      '0x0000000000000000 0x0000000000ffffff direct-relaxable',
      '0x00000000fee00000 0x00000000feefffff msi',
    ]);
    expect([...state.index.groups.get(1)!.devices]).toEqual([
      '0000:00:01.0',
      '0000:01:00.0',
      '0000:01:00.1',
    ]);
  });

  it('AMD server: the HyperTransport window in every group, 48-bit units, the IOMMU device left out', () => {
    const r = importBundle(collect('amd-server').stdout);
    expect(r.unparsed).toEqual([]);
    const p = r.scenario.platform!;
    expect(p.iommus).toEqual([{ id: 'ivhd0', kind: 'amd', addressWidth: 48 }]);
    expect(p.devices?.some((d) => d.bdf === '0000:00:00.2')).toBe(false);
    expect(r.notes.join('\n')).toMatch(/no IOMMU group \(not translated, left out\): 0000:00:00.2/);
    for (let g = 0; g <= 8; g++) {
      expect(
        p.reservedRegions?.some(
          (x) =>
            x.group === g &&
            x.type === 'reserved' &&
            x.start === 0xfd00000000n &&
            x.last === 0xffffffffffn,
        ),
      ).toBe(true);
    }
    expect(p.hostBridges?.[0]?.windows?.map((w) => w.start)).toEqual([
      0xa0000n,
      0xf0000000n,
      0x7000000000n,
      0x18000000000n,
    ]);
    expect(p.devices?.find((d) => d.bdf === '0000:02:08.0')?.pcieType).toBe('downstream');
    expect(p.devices?.find((d) => d.bdf === '0000:01:00.0')?.pcieType).toBe('upstream');
  });

  it('ARM SMMUv3: the MSI window sysfs prints as msi is the SW_MSI window', () => {
    const r = importBundle(collect('arm-smmuv3').stdout);
    const p = r.scenario.platform!;
    expect(p.arch).toBe('aarch64');
    expect(p.iommus?.[0]).toMatchObject({ id: 'smmu3.0x0000100002000000', kind: 'smmuv3' });
    expect(
      p.reservedRegions?.every(
        (x) => x.type === 'sw-msi' && x.start === 0x8000000n && x.last === 0x80fffffn,
      ),
    ).toBe(true);
    const state = createState(p);
    const out = apply(state, { op: 'iommu.group_resv_regions', group: 1 }).outcome;
    expect(out.ok && out.result?.['sysfs']).toEqual(['0x0000000008000000 0x00000000080fffff msi']);
  });

  it('2018 ARM host: host bridge windows reported as reserved', () => {
    const r = importBundle(collect('arm-2018').stdout);
    const p = r.scenario.platform!;
    expect(p.kernel?.version).toBe('4.16');
    expect(p.reservedRegions?.filter((x) => x.group === 2).map((x) => [x.start, x.type])).toEqual([
      [0x8000000n, 'sw-msi'],
      [0x60000000n, 'reserved'],
      [0x10000000000n, 'reserved'],
    ]);
  });

  it('a host without IOMMU: empty groups', () => {
    const r = importBundle(collect('no-iommu').stdout);
    expect(r.host?.iommuGroupsEmpty).toBe(true);
    expect(r.scenario.platform?.iommus).toEqual([]);
  });

  it('reports text outside sections and unknown sections with their line numbers', () => {
    const r = importBundle(
      '# iova-explorer host bundle v1\nstray\n=== /sys/kernel/iommu_groups/1/reserved_regions\n0x1 0x0 msi\n=== who knows\nx\n',
    );
    expect(r.unparsed.map((u) => u.line)).toEqual([2, 4, 5]);
  });
});
