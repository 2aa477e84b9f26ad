import { describe, expect, it } from 'vitest';
import { importText } from '../../../src/core/importers/index.ts';

/** Lines that look like one thing and mean another (issue: "read them right"). */
const read = (text: string, kind?: Parameters<typeof importText>[1]) => {
  const r = importText(text, kind);
  if (!r.ok) throw new Error(r.error);
  return r.result;
};

describe('reading pasted lines right', () => {
  it('"IRQ remapping doesn\'t support X2APIC mode" means remapping is on, in xAPIC mode', () => {
    const r = read(
      "[    0.129999] DMAR-IR: IRQ remapping doesn't support X2APIC mode, disable x2apic.\n[    0.130000] DMAR-IR: Enabled IRQ remapping in xapic mode\n",
    );
    expect(r.host?.interruptRemapping).toBe(true);
    expect(r.host?.irqRemapMode).toBe('xapic');
  });

  it('a zero-size /proc/iomem entry is not a host bridge window', () => {
    const r = read('00000000-00000000 : PCI Bus 0000:00\nc0000000-febfffff : PCI Bus 0000:00\n');
    expect(r.scenario.platform?.hostBridges?.[0]?.windows).toEqual([
      { start: 0xc0000000n, last: 0xfebfffffn, kind: 'mem' },
    ]);
  });

  it('in info mtree, msix-table is not an MSI window and pc.ram alone does not make a q35', () => {
    const r = read(
      'address-space: memory\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n    0000000000000000-000000007fffffff (prio 0, ram): pc.ram\n    00000000fe000000-00000000fe000fff (prio 0, i/o): msix-table\n    00000000fee00000-00000000feefffff (prio 4096, i/o): apic-msi\n',
    );
    const kinds = Object.fromEntries((r.scenario.guest?.memory ?? []).map((s) => [s.name, s.kind]));
    expect(kinds['msix-table']).toBe('mmio');
    expect(kinds['apic-msi']).toBe('msi');
    expect(r.scenario.guest?.machine).toBe('custom');
  });

  it('lspci -v as non-root gives the group at the end of its Flags line', () => {
    const r = read(
      '01:00.0 VGA compatible controller: NVIDIA Corporation GA102 (rev a1) (prog-if 00 [VGA controller])\n\tFlags: bus master, fast devsel, latency 0, IRQ 16, IOMMU group 13\n\tCapabilities: <access denied>\n',
    );
    expect(r.scenario.platform?.devices?.find((d) => d.bdf === '0000:01:00.0')).toMatchObject({
      group: 13,
      acs: 'unknown',
    });
  });

  it('a wrapped vfio_dma_map line under mail quoting is rejoined and placed', () => {
    const r = read(
      '>> failed: Region mach-virt.ram: vfio_dma_map(0x55de3c2a97f0, 0x40000000,\n>> 0x100000000, 0x7f8fcbe00000) = -22 (Invalid argument)\n',
    );
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      line: 1,
      errnoNumber: -22,
      range: { start: 0x40000000n, last: 0x13fffffffn },
    });
  });

  it('cuts a terminal session into pieces and keeps the group a prompt names', () => {
    const r = read(
      '$ lspci -nn -s 00:1f.3\n00:1f.3 Audio device [0403]: Intel Corporation Device [8086:02c8]\n$ cat /sys/kernel/iommu_groups/9/reserved_regions\n0x0000000000000000 0x0000000000ffffff direct\n$ find /sys/kernel/iommu_groups/9/devices -type l\n/sys/kernel/iommu_groups/9/devices/0000:00:1f.3\n',
    );
    expect(r.kind).toBe('mixed');
    expect(r.pieces?.map((p) => [p.kind, p.first, p.last])).toEqual([
      ['lspci-vvv', 2, 2],
      ['reserved-regions', 4, 4],
      ['groups', 6, 6],
    ]);
    expect(r.scenario.platform?.reservedRegions?.[0]).toMatchObject({ group: 9, type: 'direct' });
    expect(r.scenario.platform?.devices?.[0]).toMatchObject({ group: 9, iommu: 'assumed-vtd' });
    expect(r.host?.unitAssumption).toMatchObject({ kind: 'vtd', widthAssumed: true });
  });
});

describe('error lines and their causes', () => {
  it('an errno with no address is kept, and its finding says what the errno means and what would show the range', async () => {
    const { analyze } = await import('../../../src/core/analysis/index.ts');
    const r = read(
      'Oct 01 08:04:49 myhost QEMU[1019150]: kvm: VFIO_MAP_DMA failed: Invalid argument\nEAL:   0000:08:00.0 DMA remapping failed, error 22 (Invalid argument)\n',
    );
    expect(r.host?.pastedErrors?.map((e) => [e.line, e.errnoNumber, e.call])).toEqual([
      [1, -22, 'VFIO_MAP_DMA'],
      [2, -22, 'DPDK EAL DMA map'],
    ]);
    const f = analyze({ platform: {}, host: r.host ?? {} }).findings.filter(
      (x) => x.kind === 'pasted-error',
    );
    expect(f).toHaveLength(2);
    expect(f[0]?.message).toMatch(
      /no address.*reserved region.*address width.*to confirm: the range/,
    );
  });

  it('a map error inside the union of reserved_regions names the window and says every group has it', async () => {
    const { analyze } = await import('../../../src/core/analysis/index.ts');
    const r = read(
      '$ grep -h . /sys/kernel/iommu_groups/*/reserved_regions | sort -u\n0x00000000fee00000 0x00000000feefffff msi\n0x000000fd00000000 0x000000ffffffffff reserved\nqemu-system-x86_64: -device vfio-pci,host=41:00.0: vfio_dma_map(0x55ba53e7a9d0, 0x100000000, 0xff30000000, 0x7ed243e00000) = -22 (Invalid argument)\n',
    );
    const [f] = analyze({
      platform: r.scenario.platform ?? {},
      host: r.host ?? {},
      events: r.events,
    }).findings.filter((x) => x.kind === 'pasted-error');
    expect(f?.message).toMatch(
      /falls in the reserved region 0xfd00000000\.\.0xffffffffff \(from reserved_regions read without group numbers: every group has it\)/,
    );
    expect(f?.message).toMatch(/Most likely causes, in order: \(1\) [^;]*HyperTransport/);
  });
});

describe('listings that travel badly', () => {
  it('ls of every devices directory: entries in columns, quoted names with spaces, platform devices', () => {
    const r = read(
      "root@host:~# ls /sys/kernel/iommu_groups/*/devices\n/sys/kernel/iommu_groups/1/devices:\n'Fixed MDIO bus.0'\n\n/sys/kernel/iommu_groups/9/devices:\n0000:00:00.0  0000:01:00.0  0000:02:08.0 \n0000:02:10.0  0000:03:00.0\n",
    );
    const byGroup = (g: number) =>
      (r.scenario.platform?.devices ?? []).filter((d) => d.group === g).map((d) => d.bdf);
    expect(byGroup(1)).toEqual(['Fixed MDIO bus.0']);
    expect(byGroup(9)).toEqual([
      '0000:00:00.0',
      '0000:01:00.0',
      '0000:02:08.0',
      '0000:02:10.0',
      '0000:03:00.0',
    ]);
    expect(r.scenario.platform?.iommus?.map((u) => u.kind)).toEqual(['smmuv3']);
  });

  it('an old info mtree under "memory-region: system" with RAM as aliases of pc.ram', () => {
    const r = read(
      'memory-region: system\n  0000000000000000-ffffffffffffffff (prio 0, i/o): system\n    0000000000000000-00000000bfffffff (prio 0, i/o): alias ram-below-4g @pc.ram 0000000000000000-00000000bfffffff\n    0000000100000000-000000023fffffff (prio 0, i/o): alias ram-above-4g @pc.ram 00000000c0000000-00000001ffffffff\n',
    );
    expect(
      (r.scenario.guest?.memory ?? [])
        .filter((s) => s.kind === 'ram')
        .map((s) => [s.start, s.last]),
    ).toEqual([
      [0x0n, 0xbfffffffn],
      [0x100000000n, 0x23fffffffn],
    ]);
  });
});

describe('helper-script group layouts', () => {
  it('Group: N BDF ... Driver: x gives the group and the bound driver', () => {
    const r = read(
      'Group:  1   0000:00:01.0 PCI bridge [0604]: Intel Corporation 6th Gen Core Processor PCIe Controller (x16) [8086:1901] (rev 07)   Driver: pcieport\nGroup:  1   0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP104 [GeForce GTX 1070] [10de:1b81] (rev a1)   Driver: vfio-pci\n',
    );
    expect(
      r.scenario.platform?.devices?.map((d) => [d.bdf, d.group, d.hostDriver, d.name]),
    ).toEqual([
      [
        '0000:00:01.0',
        1,
        'pcieport',
        'Intel Corporation 6th Gen Core Processor PCIe Controller (x16)',
      ],
      ['0000:01:00.0', 1, 'vfio-pci', 'NVIDIA Corporation GP104 [GeForce GTX 1070]'],
    ]);
  });
});
