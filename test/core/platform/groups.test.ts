import { describe, expect, it } from 'vitest';
import { acsFlagsEnabled, deriveGroups } from '../../../src/core/platform/groups.ts';
import { normalizePlatform, type PlatformInput } from '../../../src/core/platform/normalize.ts';
import { createState } from '../../../src/core/state.ts';

/** Group formation (`pci_device_group`, kernel-semantics §6.5) on small topologies. */

type DeviceInput = NonNullable<PlatformInput['devices']>[number];
const ACS = ['SV', 'RR', 'CR', 'UF'] as DeviceInput['acs'];

function groupsOf(devices: DeviceInput[]): string[][] {
  const state = createState({ iommus: [{ id: 'dmar0', kind: 'vtd' }], devices });
  return [...state.index.groups.values()].map((g) => [...g.devices]);
}

const rootPort = (bdf: string, acs: DeviceInput['acs'] = ACS): DeviceInput => ({
  bdf,
  pcieType: 'root_port',
  acs,
});

describe('group derivation', () => {
  it('ACS on the whole path: every endpoint below a switch is alone', () => {
    expect(
      groupsOf([
        rootPort('0000:00:1c.0'),
        { bdf: '0000:01:00.0', pcieType: 'upstream', parent: '0000:00:1c.0' },
        { bdf: '0000:02:01.0', pcieType: 'downstream', parent: '0000:01:00.0', acs: ACS },
        { bdf: '0000:02:02.0', pcieType: 'downstream', parent: '0000:01:00.0', acs: ACS },
        { bdf: '0000:03:00.0', pcieType: 'endpoint', parent: '0000:02:01.0' },
        { bdf: '0000:04:00.0', pcieType: 'endpoint', parent: '0000:02:02.0' },
      ]),
    ).toEqual([
      ['0000:00:1c.0'],
      ['0000:01:00.0'],
      ['0000:02:01.0'],
      ['0000:02:02.0'],
      ['0000:03:00.0'],
      ['0000:04:00.0'],
    ]);
  });

  it('a downstream port without ACS shares its group with the devices below it', () => {
    expect(
      groupsOf([
        rootPort('0000:00:1c.0'),
        { bdf: '0000:01:00.0', pcieType: 'upstream', parent: '0000:00:1c.0' },
        { bdf: '0000:02:01.0', pcieType: 'downstream', parent: '0000:01:00.0' },
        { bdf: '0000:02:02.0', pcieType: 'downstream', parent: '0000:01:00.0', acs: ACS },
        { bdf: '0000:03:00.0', pcieType: 'endpoint', parent: '0000:02:01.0' },
        { bdf: '0000:03:00.1', pcieType: 'endpoint', parent: '0000:02:01.0', multifunction: false },
        { bdf: '0000:04:00.0', pcieType: 'endpoint', parent: '0000:02:02.0' },
      ]),
    ).toEqual([
      ['0000:00:1c.0'],
      ['0000:01:00.0'],
      ['0000:02:01.0', '0000:03:00.0', '0000:03:00.1'],
      ['0000:02:02.0'],
      ['0000:04:00.0'],
    ]);
  });

  it('a root port without ACS takes everything below it into its group', () => {
    expect(
      groupsOf([
        rootPort('0000:00:1c.0', null),
        { bdf: '0000:01:00.0', pcieType: 'endpoint', parent: '0000:00:1c.0' },
      ]),
    ).toEqual([['0000:00:1c.0', '0000:01:00.0']]);
  });

  it('functions of a multifunction device without ACS share a group; with ACS they do not', () => {
    expect(
      groupsOf([
        rootPort('0000:00:1c.0'),
        { bdf: '0000:01:00.0', pcieType: 'endpoint', parent: '0000:00:1c.0' },
        { bdf: '0000:01:00.1', pcieType: 'endpoint', parent: '0000:00:1c.0' },
      ]),
    ).toEqual([['0000:00:1c.0'], ['0000:01:00.0', '0000:01:00.1']]);
    expect(
      groupsOf([
        rootPort('0000:00:1c.0'),
        { bdf: '0000:01:00.0', pcieType: 'endpoint', parent: '0000:00:1c.0', acs: ACS },
        { bdf: '0000:01:00.1', pcieType: 'endpoint', parent: '0000:00:1c.0', acs: ACS },
      ]),
    ).toEqual([['0000:00:1c.0'], ['0000:01:00.0'], ['0000:01:00.1']]);
  });

  it('a single function is multifunction only when the header says so; the slot count is the default', () => {
    const p = normalizePlatform({
      devices: [
        { bdf: '0000:01:00.0' },
        { bdf: '0000:01:00.1' },
        { bdf: '0000:02:00.0' },
        { bdf: '0000:03:00.0', multifunction: true },
      ],
    });
    expect(p.devices.map((d) => d.multifunction)).toEqual([true, true, false, true]);
  });

  it('conventional PCI devices behind a PCIe-to-PCI bridge share the bridge group', () => {
    expect(
      groupsOf([
        rootPort('0000:00:1c.4'),
        { bdf: '0000:07:00.0', pcieType: 'pcie_to_pci_bridge', parent: '0000:00:1c.4' },
        { bdf: '0000:08:01.0', pcieType: 'conventional', parent: '0000:07:00.0' },
        { bdf: '0000:08:02.0', pcieType: 'conventional', parent: '0000:07:00.0' },
      ]),
    ).toEqual([['0000:00:1c.4'], ['0000:07:00.0', '0000:08:01.0', '0000:08:02.0']]);
  });

  it('{cap, ctl}: a feature the capability does not advertise counts as hard-wired on', () => {
    const below = (acs: DeviceInput['acs']) =>
      groupsOf([
        rootPort('0000:00:1c.0'),
        { bdf: '0000:01:00.0', pcieType: 'upstream', parent: '0000:00:1c.0' },
        { bdf: '0000:02:01.0', pcieType: 'downstream', parent: '0000:01:00.0', acs },
        { bdf: '0000:03:00.0', pcieType: 'endpoint', parent: '0000:02:01.0' },
      ]).length;
    expect(below({ cap: [], ctl: [] })).toBe(4); // empty ACSCap: everything hard-wired, isolated
    expect(below({ cap: ['SV', 'TB'], ctl: ['SV'] })).toBe(4); // RR CR UF not advertised
    expect(below({ cap: ['SV', 'RR', 'CR', 'UF'], ctl: ['SV', 'RR', 'CR'] })).toBe(3); // UF advertised, off
    expect(below(null)).toBe(3); // no capability at all
    expect(below([])).toBe(3); // short form []: no capability
    expect(below('unknown')).toBe(3); // unreadable: assume the worst
  });

  it('acsFlagsEnabled says why', () => {
    const dev = normalizePlatform({
      devices: [{ bdf: '0000:00:01.0', acs: { cap: ['SV', 'RR', 'CR', 'UF'], ctl: ['SV', 'RR'] } }],
    }).devices[0];
    if (!dev) throw new Error('no device');
    expect(acsFlagsEnabled(dev)).toEqual({
      enabled: false,
      reason: '0000:00:01.0 advertises but does not enable ACS CR UF',
    });
  });

  it('keeps pinned group numbers and numbers derived groups after the largest pinned one', () => {
    const p = normalizePlatform({
      iommus: [{ id: 'dmar0', kind: 'vtd' }],
      devices: [
        rootPort('0000:00:1c.0'),
        { bdf: '0000:01:00.0', pcieType: 'endpoint', parent: '0000:00:1c.0', group: 12 },
        { bdf: '0000:02:00.0', pcieType: 'endpoint', parent: '0000:00:1c.0', group: 3 },
        { bdf: '0000:05:00.0', pcieType: 'endpoint' },
      ],
    });
    const { groupOf, reasons } = deriveGroups(p);
    expect(groupOf.get('0000:01:00.0')).toBe(12);
    expect(groupOf.get('0000:02:00.0')).toBe(3);
    expect(groupOf.get('0000:00:1c.0')).toBe(13);
    expect(groupOf.get('0000:05:00.0')).toBe(14);
    expect(reasons.get('0000:01:00.0')).toMatch(/given by the scenario/);
  });

  it('devices without an IOMMU get no group; non-PCI devices get one each', () => {
    const p = normalizePlatform({
      iommus: [
        { id: 'smmu0', kind: 'smmuv3' },
        { id: 'smmu1', kind: 'smmuv3' },
      ],
      devices: [
        { bdf: '0000:00:01.0' },
        { bdf: 'platform:ethernet@1000', iommu: 'smmu0' },
        { bdf: 'platform:dma@2000', iommu: 'smmu1' },
      ],
    });
    const { groupOf } = deriveGroups(p);
    expect(groupOf.has('0000:00:01.0')).toBe(false);
    expect(groupOf.get('platform:ethernet@1000')).not.toBe(groupOf.get('platform:dma@2000'));
  });
});
