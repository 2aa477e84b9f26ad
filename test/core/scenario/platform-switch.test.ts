import { describe, expect, it } from 'vitest';
import { normalizePlatform } from '../../../src/core/platform/normalize.ts';
import { deviceResvRegions } from '../../../src/core/platform/resv-regions.ts';
import { loadValue } from '../../../src/core/scenario/index.ts';
import type { ScenarioPlatform } from '../../../src/core/scenario/schema.ts';
import {
  platformHasSwitch,
  type PlatformSwitch,
  withPlatformSwitch,
} from '../../../src/core/scenario/platform-switch.ts';

const PLATFORM: ScenarioPlatform = {
  iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 39 }],
  devices: [
    { bdf: '0000:00:1c.0', pcieType: 'root_port', iommu: 'dmar0', acs: null },
    { bdf: '0000:00:1d.0', pcieType: 'root_port', iommu: 'dmar0', acs: ['SV', 'RR', 'CR', 'UF'] },
    { bdf: '0000:00:1f.0', class: '0x060100', iommu: 'dmar0', multifunction: true },
  ],
  kernel: { version: '5.4', CONFIG_INTEL_IOMMU_FLOPPY_WA: true },
};

describe('platform switches', () => {
  it('each switch edits only its own field, and the edited platform reads back as switched', () => {
    const switches: PlatformSwitch[] = [
      { kind: 'host-bridge-windows-reserved', on: true },
      { kind: 'allow-unsafe-interrupts', module: 'vfio_iommu_type1', on: true },
      { kind: 'allow-unsafe-interrupts', module: 'iommufd', on: true },
      { kind: 'dma-entry-limit', limit: 4 },
      { kind: 'kernel-version', version: '6.6' },
      { kind: 'acs', bdf: '0000:00:1c.0', on: true },
      { kind: 'acs', bdf: '0000:00:1d.0', on: false },
    ];
    for (const sw of switches) {
      const before = normalizePlatform(PLATFORM);
      expect(platformHasSwitch(before, sw)).toBe(false);
      const after = withPlatformSwitch(PLATFORM, sw);
      expect(platformHasSwitch(normalizePlatform(after), sw)).toBe(true);
      // Still a valid scenario platform.
      const loaded = loadValue(
        JSON.parse(
          JSON.stringify({ format: 'iova-explorer.scenario/1', platform: after, steps: [] }),
        ),
      );
      expect(loaded.ok).toBe(true);
    }
    const k = withPlatformSwitch(PLATFORM, { kind: 'kernel-version', version: '6.6' });
    expect(k.kernel?.CONFIG_INTEL_IOMMU_FLOPPY_WA).toBe(true);
    expect(k.devices).toBe(PLATFORM.devices);
  });

  it('ACS off keeps the capability a port advertises with nothing enabled; on enables SV RR CR UF', () => {
    const off = withPlatformSwitch(PLATFORM, { kind: 'acs', bdf: '0000:00:1d.0', on: false });
    expect(off.devices?.[1]?.acs).toEqual({ cap: ['SV', 'RR', 'CR', 'UF'], ctl: [] });
    const on = withPlatformSwitch(PLATFORM, { kind: 'acs', bdf: '0000:00:1c.0', on: true });
    expect(on.devices?.[0]?.acs).toEqual({
      cap: ['SV', 'RR', 'CR', 'UF'],
      ctl: ['SV', 'RR', 'CR', 'UF'],
    });
    const back = withPlatformSwitch(on, { kind: 'acs', bdf: '0000:00:1c.0', on: false });
    expect(normalizePlatform(back).devices[0]?.acs).toEqual({
      cap: ['SV', 'RR', 'CR', 'UF'],
      ctl: [],
    });
  });
});

describe('the VT-d ISA bridge region (CONFIG_INTEL_IOMMU_FLOPPY_WA)', () => {
  const isa = (version: string, wa = true) =>
    deviceResvRegions(
      normalizePlatform({ ...PLATFORM, kernel: { version, CONFIG_INTEL_IOMMU_FLOPPY_WA: wa } }),
      '0000:00:1f.0',
      undefined,
    );
  it('is absent before 5.3, direct from 5.3 to 5.4.6, direct-relaxable from 5.4.7 and 5.5', () => {
    expect(isa('5.2')).toEqual([]);
    for (const v of ['5.3', '5.4', '5.4.6']) expect(isa(v).map((r) => r.type)).toEqual(['direct']);
    for (const v of ['5.4.7', '5.5', '6.18'])
      expect(isa(v).map((r) => r.type)).toEqual(['direct-relaxable']);
    expect(isa('5.4')[0]).toMatchObject({ start: 0n, last: 0xffffffn });
  });
  it('is only on an ISA bridge behind VT-d, and only with the workaround configured', () => {
    expect(isa('5.4', false)).toEqual([]);
    const p = normalizePlatform(PLATFORM);
    expect(deviceResvRegions(p, '0000:00:1c.0', undefined)).toEqual([]);
    const amd = normalizePlatform({ ...PLATFORM, iommus: [{ id: 'dmar0', kind: 'amd' }] });
    expect(deviceResvRegions(amd, '0000:00:1f.0', undefined)).toEqual([]);
  });
});
