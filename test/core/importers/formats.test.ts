import { describe, expect, it } from 'vitest';
import {
  detectKind,
  importText,
  type ImportResult,
  type InputKind,
} from '../../../src/core/importers/index.ts';
import { importReservedRegions } from '../../../src/core/importers/reserved-regions.ts';
import { importGroups } from '../../../src/core/importers/groups.ts';
import { importLspciVvv } from '../../../src/core/importers/lspci-vvv.ts';
import { importLspciTv } from '../../../src/core/importers/lspci-tv.ts';
import { importLspciVmm } from '../../../src/core/importers/lspci-vmm.ts';
import { importIomem } from '../../../src/core/importers/iomem.ts';
import { importDmesg } from '../../../src/core/importers/dmesg.ts';
import { importMtree } from '../../../src/core/importers/mtree.ts';
import { importQemuTrace } from '../../../src/core/importers/qemu-trace.ts';
import { importErrorLines } from '../../../src/core/importers/error-lines.ts';
import { fixture } from './fixtures.ts';

const dev = (r: ImportResult, bdf: string) =>
  r.scenario.platform?.devices?.find((d) => d.bdf === bdf);

describe('reserved_regions', () => {
  it('reads the sort -u union with inclusive ends and no group', () => {
    const r = importReservedRegions(fixture('amd-server/reserved-regions.txt'));
    expect(r.unparsed).toEqual([]);
    expect(
      r.scenario.platform?.reservedRegions?.map((x) => [x.start, x.last, x.type, x.group]),
    ).toEqual([
      [0xa6000000n, 0xa6ffffffn, 'direct', undefined],
      [0xfee00000n, 0xfeefffffn, 'msi', undefined],
      [0xfd00000000n, 0xffffffffffn, 'reserved', undefined],
    ]);
  });

  it('takes group numbers from grep prefixes and names the bad line', () => {
    const r = importReservedRegions(fixture('amd-server/reserved-regions-grep.txt'));
    expect(
      r.scenario.platform?.reservedRegions?.filter((x) => x.group === 8).map((x) => x.type),
    ).toEqual(['direct', 'msi', 'reserved']);
    expect(r.unparsed).toHaveLength(1);
    expect(r.unparsed[0]?.line).toBe(6);
    expect(r.unparsed[0]?.reason).toMatch(/below start/);
  });

  it('accepts sw-msi and a $ cat header, rejects unknown types', () => {
    const r = importReservedRegions(
      '$ cat /sys/kernel/iommu_groups/9/reserved_regions\n0x0000000000000000 0x0000000000ffffff direct-relaxable\n0x0000000008000000 0x00000000080fffff sw-msi\n0x1 0x2 weird\n',
    );
    expect(r.scenario.platform?.reservedRegions?.map((x) => [x.type, x.group])).toEqual([
      ['direct-relaxable', 9],
      ['sw-msi', 9],
    ]);
    expect(r.unparsed[0]).toMatchObject({ line: 4 });
    expect(r.unparsed[0]?.reason).toMatch(/unknown region type "weird"/);
  });
});

describe('group listings', () => {
  it('reads the IOMMU Group script output in any group order, both line variants', () => {
    const r = importGroups(fixture('intel-client/iommu-groups-script.txt'));
    expect(r.unparsed).toEqual([]);
    expect(dev(r, '0000:00:1f.3')).toMatchObject({
      group: 8,
      class: '0x040300',
      vendor: '0x8086',
      device: '0xa348',
      name: 'Intel Corporation Cannon Lake PCH cAVS',
    });
    expect(dev(r, '0000:00:1d.4')).toMatchObject({ group: 10, class: '0x060400' });
    expect(dev(r, '0000:00:14.2')?.group).toBe(3);
    expect(r.scenario.platform?.devices).toHaveLength(12);
  });

  it('reads ls -la of a devices directory with the sysfs path as topology', () => {
    const r = importGroups(fixture('arm-2018/iommu-groups-ls.txt'));
    expect(r.unparsed).toEqual([]);
    expect(dev(r, '0000:01:00.0')).toMatchObject({
      group: 2,
      parent: '0000:00:02.0',
      hostBridge: 'pci0000:00',
    });
    expect(dev(r, '0000:00:02.0')?.group).toBe(1);
  });

  it('reads find paths and dmesg group lines, old and new', () => {
    const r = importGroups(
      '/sys/kernel/iommu_groups/15/devices/0000:04:00.0\n[    3.1] iommu: Adding device 0000:7f:12.0 to group 34\npci 0000:00:14.3: Adding to iommu group 11\nnonsense\n',
    );
    expect(dev(r, '0000:04:00.0')?.group).toBe(15);
    expect(dev(r, '0000:7f:12.0')?.group).toBe(34);
    expect(dev(r, '0000:00:14.3')?.group).toBe(11);
    expect(r.unparsed).toEqual([
      { line: 4, text: 'nonsense', reason: expect.stringMatching(/not a group header/) },
    ]);
  });
});

describe('lspci -vvv', () => {
  it('reads PCIe types, ACS cap/ctl, BARs, drivers, groups and bus parents', () => {
    const r = importLspciVvv(fixture('intel-client/lspci-vvv.txt'));
    expect(r.unparsed).toEqual([]);
    expect(dev(r, '0000:00:01.0')).toMatchObject({
      pcieType: 'root_port',
      acs: null,
      hostDriver: 'pcieport',
      group: 1,
    });
    expect(dev(r, '0000:00:1c.0')?.acs).toEqual({
      cap: ['SV', 'TB', 'RR', 'CR', 'UF'],
      ctl: ['SV', 'RR', 'CR', 'UF'],
    });
    expect(dev(r, '0000:01:00.0')).toMatchObject({
      pcieType: 'endpoint',
      parent: '0000:00:01.0',
      hostDriver: 'vfio-pci',
      class: '0x030000',
    });
    expect(dev(r, '0000:01:00.0')?.bars).toEqual([
      { index: 0, start: 0xf6000000n, last: 0xf6ffffffn, prefetchable: false, is64: false },
      { index: 1, start: 0xe0000000n, last: 0xefffffffn, prefetchable: true, is64: true },
      { index: 3, start: 0xf0000000n, last: 0xf1ffffffn, prefetchable: true, is64: true },
    ]);
    expect(dev(r, '0000:02:00.0')?.parent).toBe('0000:00:1c.0');
    // No Express capability on a bus-0 function: type unknown, ACS absent (capabilities were readable).
    expect(dev(r, '0000:00:1f.3')).toMatchObject({ acs: null, hostDriver: 'vfio-pci' });
    expect(dev(r, '0000:00:1f.3')?.pcieType).toBeUndefined();
  });

  it('treats <access denied> as unknown ACS, not as no ACS', () => {
    const r = importLspciVvv(fixture('intel-client/lspci-vvv-nonroot.txt'));
    expect(dev(r, '0000:00:1c.0')?.acs).toBe('unknown');
    expect(dev(r, '0000:00:1c.0')?.pcieType).toBeUndefined();
    expect(r.notes.join(' ')).toMatch(/access denied.*unknown/);
  });

  it('reads a switch: upstream and downstream ports, ACS off on one', () => {
    const r = importLspciVvv(fixture('amd-server/lspci-vvv.txt'));
    expect(dev(r, '0000:01:00.0')).toMatchObject({ pcieType: 'upstream', parent: '0000:00:01.1' });
    expect(dev(r, '0000:02:08.0')).toMatchObject({
      pcieType: 'downstream',
      parent: '0000:01:00.0',
      acs: { cap: ['SV', 'TB', 'RR', 'CR', 'UF', 'EC', 'DT'], ctl: [] },
    });
    expect(dev(r, '0000:04:00.0')?.bars?.[0]).toMatchObject({
      start: 0x18000000000n,
      last: 0x18000003fffn,
    });
  });

  it('names a stray line', () => {
    const r = importLspciVvv(
      'garbage at column 0\n00:02.0 VGA compatible controller: X\n\tKernel driver in use: i915\n',
    );
    expect(r.unparsed).toEqual([
      { line: 1, text: 'garbage at column 0', reason: expect.any(String) },
    ]);
    expect(dev(r, '0000:00:02.0')?.hostDriver).toBe('i915');
  });
});

describe('lspci -tv and -nnvmm', () => {
  it('turns the tree into parent links', () => {
    const r = importLspciTv(fixture('intel-client/lspci-tv.txt'));
    expect(r.unparsed).toEqual([]);
    expect(dev(r, '0000:01:00.1')).toMatchObject({
      parent: '0000:00:01.0',
      name: 'NVIDIA Corporation TU104 HD Audio Controller',
    });
    expect(dev(r, '0000:03:00.0')?.parent).toBe('0000:00:1d.0');
    expect(dev(r, '0000:00:1f.5')?.parent).toBeUndefined();
    expect(r.scenario.platform?.devices).toHaveLength(15);
  });

  it('follows nested switches and multi-domain roots', () => {
    const text = [
      '-+-[0000:40]-+-00.0  AMD Root Complex',
      ' |           \\-01.1-[41-43]----00.0-[42-43]--+-00.0-[43]----00.0  Samsung NVMe',
      ' |                                          \\-08.0-[44]--',
      ' \\-[0000:00]-+-00.0  AMD Root Complex',
      '             \\-03.1-[01]----00.0  AMD GPU',
    ].join('\n');
    const r = importLspciTv(text);
    expect(r.unparsed).toEqual([]);
    expect(dev(r, '0000:43:00.0')?.parent).toBe('0000:42:00.0');
    expect(dev(r, '0000:42:00.0')?.parent).toBe('0000:41:00.0');
    expect(dev(r, '0000:42:08.0')?.parent).toBe('0000:41:00.0');
    expect(dev(r, '0000:01:00.0')?.parent).toBe('0000:00:03.1');
  });

  it('reads -nnvmm records with IOMMUGroup', () => {
    const r = importLspciVmm(fixture('amd-server/lspci-nnvmm.txt'));
    expect(r.unparsed).toEqual([]);
    expect(dev(r, '0000:03:00.0')).toMatchObject({
      group: 3,
      hostDriver: 'vfio-pci',
      vendor: '0x144d',
      device: '0xa80a',
      class: '0x010802',
    });
    expect(dev(r, '0000:05:00.0')?.group).toBe(6);
  });
});

describe('/proc/iomem', () => {
  it('reads host bridge windows and names bad lines', () => {
    const r = importIomem(fixture('amd-server/iomem.txt'));
    expect(r.unparsed).toEqual([{ line: 12, text: 'garbage line', reason: expect.any(String) }]);
    expect(r.scenario.platform?.hostBridges).toEqual([
      {
        id: 'pci0000:00',
        windows: [
          { start: 0xa0000n, last: 0xbffffn, kind: 'mem' },
          { start: 0xf0000000n, last: 0xfedfffffn, kind: 'mem' },
          { start: 0x7000000000n, last: 0x70ffffffffn, kind: 'mem64' },
          { start: 0x18000000000n, last: 0x180ffffffffn, kind: 'mem64' },
        ],
      },
    ]);
    expect(r.iomem?.find((e) => e.name === '0000:04:00.0')?.depth).toBe(1);
  });

  it('says so when a non-root read zeroed every address', () => {
    const r = importIomem(fixture('intel-client/iomem-nonroot.txt'));
    expect(r.host?.iomemZeroed).toBe(true);
    expect(r.notes[0]).toMatch(/without root/);
    expect(r.scenario.platform).toBeUndefined();
  });
});

describe('dmesg', () => {
  it('reads DMAR units, RMRRs, IR, groups, faults and quirks', () => {
    const r = importDmesg(fixture('intel-client/dmesg.txt'));
    const units = r.scenario.platform?.iommus ?? [];
    expect(units.map((u) => [u.id, u.addressWidth, u.snoopControl, u.interruptRemapping])).toEqual([
      ['dmar0', 39, false, true],
      ['dmar1', 39, true, true],
    ]);
    expect(r.host?.hostAddressWidth).toBe(39);
    expect(r.host?.rmrrs).toHaveLength(2);
    expect(r.host?.interruptRemapping).toBe(true);
    expect(r.host?.acsQuirks?.[0]).toMatch(/ACS workaround/);
    expect(dev(r, '0000:01:00.1')?.group).toBe(1);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      kind: 'dmar-fault',
      device: '0000:02:00.0',
      range: { start: 0xfee01000n, last: 0xfee01fffn },
      line: 34,
    });
    expect(r.unparsed.map((u) => u.line)).toEqual([35]);
  });

  it('reads AMD-Vi features (two-value form), IR and events', () => {
    const r = importDmesg(fixture('amd-server/dmesg.txt'));
    expect(r.unparsed).toEqual([]);
    expect(r.scenario.platform?.iommus).toEqual([
      { id: 'ivhd0', kind: 'amd', addressWidth: 48, interruptRemapping: true },
    ]);
    expect(r.events[0]).toMatchObject({ kind: 'amd-vi-fault', device: '0000:03:00.0' });
  });

  it('reads GICv2m (no ITS) on an ARM host', () => {
    const r = importDmesg(fixture('arm-2018/dmesg.txt'));
    expect(r.host?.msiController).toBe('gicv2m');
    expect(dev(r, '0000:01:00.0')?.group).toBe(2);
  });
});

describe('QEMU info mtree', () => {
  it('prefers the FlatView of "memory" (new type column, -f)', () => {
    const r = importMtree(fixture('intel-client/info-mtree-f.txt'));
    expect(r.unparsed).toEqual([]);
    const g = r.scenario.guest;
    expect(g?.machine).toBe('q35');
    expect(g?.memory.filter((s) => s.kind === 'ram').map((s) => [s.start, s.last])).toEqual([
      [0n, 0x9ffffn],
      [0x100000n, 0x7fffffffn],
      [0x100000000n, 0x27fffffffn],
    ]);
    expect(g?.memory.find((s) => s.name === '0000:01:00.0 BAR 1 mmaps[0]')?.kind).toBe('bar');
    expect(g?.memory.some((s) => s.name.includes('BAR 3'))).toBe(false); // [disabled]
    expect(g?.memory.find((s) => s.name === 'kvm-apic-msi')?.kind).toBe('msi');
    expect(g?.memory.some((s) => s.name === 'dma-chan')).toBe(false); // I/O address space
  });

  it('reads the old RW/R- format of an arm virt guest', () => {
    const r = importMtree(fixture('arm-2018/info-mtree-old.txt'));
    expect(r.unparsed).toEqual([]);
    expect(r.scenario.guest?.machine).toBe('virt');
    expect(r.scenario.guest?.memory.find((s) => s.name === 'mach-virt.ram')).toMatchObject({
      kind: 'ram',
      start: 0x40000000n,
      last: 0x13fffffffn,
    });
    expect(r.scenario.guest?.memory.find((s) => s.name === 'virt.flash0')?.kind).toBe('rom');
    expect(r.scenario.guest?.memory.find((s) => s.name === 'gicv2m')?.kind).toBe('msi');
  });
});

describe('QEMU vfio trace', () => {
  it('turns region_add/region_del into map/unmap steps, with or without pid@time', () => {
    const r = importQemuTrace(fixture('intel-client/qemu-trace.txt'), { group: 1 });
    const steps = r.scenario.steps ?? [];
    expect(steps.slice(0, 3).map((s) => s.op)).toEqual([
      'vfio.container_create',
      'vfio.group_set_container',
      'vfio.set_iommu',
    ]);
    const maps = steps.filter((s) => s.op === 'vfio.map_dma');
    expect(maps).toHaveLength(7);
    expect(maps[0]).toMatchObject({
      iova: 0n,
      size: 0xa0000n,
      vaddr: 0x7f1c40000000n,
      container: '$container',
    });
    expect(steps.filter((s) => s.op === 'vfio.unmap_dma')).toEqual([
      {
        op: 'vfio.unmap_dma',
        container: '$container',
        iova: 0xc0000n,
        size: 0x7ff40000n,
        flags: [],
      },
    ]);
    expect(r.unparsed.map((u) => u.line)).toEqual([13, 16]);
    expect(r.unparsed[0]?.reason).toMatch(/vfio_region_mmap/);
    expect(r.stepLines?.[3]).toBe(1);
    expect(r.notes.join(' ')).toMatch(/6 section\(s\) skipped/);
  });
});

describe('error lines', () => {
  it('places vfio_dma_map errors and AMD-Vi faults, split form included', () => {
    const r = importErrorLines(fixture('amd-server/errors.txt'));
    expect(r.events.map((e) => [e.kind, e.line])).toEqual([
      ['vfio-dma-map-error', 1],
      ['amd-vi-fault', 3],
      ['amd-vi-fault', 5],
    ]);
    expect(r.events[0]).toMatchObject({
      errno: 'EINVAL',
      errnoNumber: -22,
      region: 'pc.ram',
      range: { start: 0x100000000n, last: 0x1007fffffffn },
      vaddr: 0x7f3a00000000n,
    });
    expect(r.events[1]).toMatchObject({ device: '0000:04:00.0', range: { start: 0x80a1c000n } });
    expect(r.events[2]).toMatchObject({ device: '0000:03:00.0', range: { start: 0xfdf8000000n } });
    expect(r.unparsed).toEqual([
      { line: 6, text: 'some unrelated text', reason: expect.any(String) },
    ]);
  });

  it('reads the old DMAR fault form and the VT-d width error', () => {
    const r = importErrorLines(
      'DMAR: [DMA Write] Request device [03:00.0] fault addr 8800001000 \nDMAR:[fault reason 05] PTE Write access is not set\nintel_iommu_map: iommu width (39) is not sufficient for the mapped address (8800001000)\n',
    );
    expect(r.events.map((e) => e.kind)).toEqual(['dmar-fault', 'iommu-width-error']);
    expect(r.events[0]?.detail).toMatch(/fault reason 0x05: PTE Write access is not set/);
    expect(r.unparsed).toEqual([]);
  });
});

describe('detectKind', () => {
  const cases: Array<[string, InputKind]> = [
    ['amd-server/reserved-regions.txt', 'reserved-regions'],
    ['amd-server/reserved-regions-grep.txt', 'reserved-regions'],
    ['intel-client/iommu-groups-script.txt', 'groups'],
    ['arm-2018/iommu-groups-ls.txt', 'groups'],
    ['intel-client/lspci-vvv.txt', 'lspci-vvv'],
    ['intel-client/lspci-vvv-nonroot.txt', 'lspci-vvv'],
    ['amd-server/lspci-vvv.txt', 'lspci-vvv'],
    ['intel-client/lspci-tv.txt', 'lspci-tv'],
    ['amd-server/lspci-nnvmm.txt', 'lspci-vmm'],
    ['amd-server/iomem.txt', 'iomem'],
    ['intel-client/dmesg.txt', 'dmesg'],
    ['amd-server/dmesg.txt', 'dmesg'],
    ['intel-client/info-mtree-f.txt', 'mtree'],
    ['arm-2018/info-mtree-old.txt', 'mtree'],
    ['intel-client/qemu-trace.txt', 'qemu-trace'],
    ['amd-server/errors.txt', 'error-lines'],
  ];
  it.each(cases)('%s is %s', (file, kind) => {
    expect(detectKind(fixture(file))).toBe(kind);
  });

  it('gives up on text it cannot place', () => {
    expect(detectKind('hello world\n')).toBeUndefined();
    expect(importText('hello world\n').ok).toBe(false);
  });
});
