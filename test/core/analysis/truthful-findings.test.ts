import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze, type Finding } from '../../../src/core/analysis/index.ts';
import { importDmesg } from '../../../src/core/importers/dmesg.ts';
import { guestFromPreset, parseGuestPreset } from '../../../src/core/importers/guest-presets.ts';
import { assumptionSentence } from '../../../src/core/importers/infer-units.ts';
import type { HostFacts, UnitAssumption } from '../../../src/core/importers/types.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';
import { rmrrIsRelaxable } from '../../../src/core/platform/rmrr.ts';
import { load } from '../../../src/core/scenario/index.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function defaultScenarioPlatform(): PlatformInput {
  const l = load(readFileSync(join(REPO, 'src/store/scenarios/q35-gpu-vtd.scenario.json'), 'utf8'));
  if (!l.ok || l.kind !== 'scenario' || !l.scenario.platform)
    throw new Error('the default scenario does not load');
  return l.scenario.platform;
}

function guest(spec: string) {
  const p = parseGuestPreset(spec);
  if (!p.ok) throw new Error(p.error);
  return guestFromPreset(p.params);
}

const MSI = {
  start: 0xfee00000n,
  last: 0xfeefffffn,
  type: 'msi' as const,
  origin: 'IOAPIC/MSI window',
};

/**
 * An Intel client: a GPU on vfio-pci behind a root port, a NIC with a strict RMRR (bound to its
 * driver), an iGPU and an xHCI controller whose RMRRs came from dmesg identity-map lines. No
 * device states its group: the model derives them, as it does for hand-written scenarios.
 */
function client(over: Partial<PlatformInput> = {}): PlatformInput {
  return {
    kernel: { version: '6.8' },
    iommus: [
      {
        id: 'dmar0',
        kind: 'vtd',
        addressWidth: 39,
        pageSizes: [0x1000n, 0x200000n],
        snoopControl: true,
        interruptRemapping: true,
      },
      {
        id: 'dmar1',
        kind: 'vtd',
        addressWidth: 39,
        pageSizes: [0x1000n, 0x200000n],
        snoopControl: false,
        interruptRemapping: true,
      },
    ],
    devices: [
      {
        bdf: '0000:00:00.0',
        name: 'Host bridge',
        class: '0x060000',
        pcieType: 'rc_endpoint',
        iommu: 'dmar0',
        hostDriver: null,
      },
      {
        bdf: '0000:00:01.0',
        name: 'Root port',
        class: '0x060400',
        pcieType: 'root_port',
        iommu: 'dmar0',
        acs: ['SV', 'RR', 'CR', 'UF'],
        hostDriver: 'pcieport',
      },
      {
        bdf: '0000:01:00.0',
        name: 'GPU',
        class: '0x030000',
        pcieType: 'endpoint',
        parent: '0000:00:01.0',
        iommu: 'dmar0',
        hostDriver: 'vfio-pci',
      },
      {
        bdf: '0000:00:1f.6',
        name: 'Ethernet',
        class: '0x020000',
        pcieType: 'rc_endpoint',
        iommu: 'dmar0',
        hostDriver: 'e1000e',
      },
      {
        bdf: '0000:00:02.0',
        name: 'iGPU',
        class: '0x030000',
        pcieType: 'rc_endpoint',
        iommu: 'dmar1',
        hostDriver: 'i915',
      },
      {
        bdf: '0000:00:14.0',
        name: 'xHCI',
        class: '0x0c0330',
        pcieType: 'rc_endpoint',
        iommu: 'dmar0',
        hostDriver: 'xhci_hcd',
      },
    ],
    reservedRegions: [
      MSI,
      {
        start: 0x7a000000n,
        last: 0x7a0fffffn,
        type: 'direct',
        device: '0000:00:1f.6',
        origin: 'RMRR (dmesg identity map)',
      },
      {
        start: 0x7b800000n,
        last: 0x7fffffffn,
        type: 'direct',
        device: '0000:00:02.0',
        origin: 'RMRR (dmesg identity map)',
      },
      {
        start: 0x3e2e0000n,
        last: 0x3e2fffffn,
        type: 'direct',
        device: '0000:00:14.0',
        origin: 'RMRR (dmesg identity map)',
      },
    ],
    ...over,
  };
}

const about = (fs: Finding[], kind: Finding['kind'], bdf: string) =>
  fs.filter((f) => f.kind === kind && f.objects.includes(bdf));
const groupOf = (fs: Finding[], bdf: string) =>
  Number(
    /group (\d+)/.exec(
      fs
        .find((f) => f.objects.includes(bdf) && f.objects.some((o) => o.startsWith('group ')))
        ?.objects.find((o) => o.startsWith('group ')) ?? '',
    )?.[1],
  );

describe('a finding names the errno of the rule it is about (RMRR dry run)', () => {
  it('binds the group to vfio-pci before asking, so the direct-region rule answers: EINVAL from __iommu_device_set_domain', () => {
    const r = analyze({ platform: client() });
    const nic = about(r.findings, 'rmrr-direct', '0000:00:1f.6');
    expect(nic).toHaveLength(1);
    expect(nic[0]).toMatchObject({
      severity: 'error',
      errno: 'EINVAL',
      rule: '__iommu_device_set_domain',
    });
    expect(nic[0]?.message).toMatch(/returns EINVAL \(__iommu_device_set_domain\)/);
  });

  it('when another rule refuses first, the finding says which and claims no errno', () => {
    // A unit without IOMMU_CAP_CACHE_COHERENCY: /dev/vfio/N never exists (vfio_group_find_or_alloc).
    const p = client();
    const r = analyze({
      platform: {
        ...p,
        iommus: p.iommus?.map((u) => (u.id === 'dmar0' ? { ...u, coherent: false } : u)),
      },
    });
    const nic = about(r.findings, 'rmrr-direct', '0000:00:1f.6');
    expect(nic).toHaveLength(1);
    expect(nic[0]?.errno).toBeUndefined();
    expect(nic[0]?.rule).toBeUndefined();
    expect(nic[0]?.message).toMatch(
      /refused before the direct-region check, by vfio_group_find_or_alloc: .*IOMMU_CAP_CACHE_COHERENCY/,
    );
    expect(nic[0]?.message).not.toMatch(/returns ENOENT/);
  });

  it('the default scenario reports no RMRR error and no ENOENT that a host driver caused', () => {
    const r = analyze({ platform: defaultScenarioPlatform() });
    expect(r.findings.filter((f) => f.errno === 'ENOENT')).toEqual([]);
    expect(r.findings.filter((f) => f.kind === 'rmrr-direct')).toEqual([]);
    const igpu = about(r.findings, 'rmrr-relaxable', '0000:00:02.0');
    expect(igpu).toHaveLength(1);
    expect(igpu[0]?.addresses).toEqual([{ start: 0x7b800000n, last: 0x7fffffffn }]);
  });
});

describe('graphics and USB RMRRs are direct-relaxable (device_rmrr_is_relaxable)', () => {
  it('classifies by PCI class: USB controllers (0x0c03) and display devices (0x03)', () => {
    expect(rmrrIsRelaxable('0x030000')).toBe(true);
    expect(rmrrIsRelaxable('0x038000')).toBe(true);
    expect(rmrrIsRelaxable('0x0c0330')).toBe(true);
    expect(rmrrIsRelaxable('0x0c0320')).toBe(true);
    expect(rmrrIsRelaxable('0x0c0500')).toBe(false); // SMBus
    expect(rmrrIsRelaxable('0x020000')).toBe(false);
    expect(rmrrIsRelaxable('0x0403')).toBe(false);
    expect(rmrrIsRelaxable(undefined)).toBe(false);
  });

  it('the default scenario marks the iGPU RMRR direct-relaxable', () => {
    const r = defaultScenarioPlatform().reservedRegions?.find((x) => x.device === '0000:00:02.0');
    expect(r?.type).toBe('direct-relaxable');
  });

  it('dmesg identity-map lines take the class from the PCI enumeration lines of the same dmesg', () => {
    const text = [
      '[    0.300000] pci 0000:00:02.0: [8086:3e92] type 00 class 0x030000',
      '[    0.300100] pci 0000:00:14.0: [8086:a36d] type 00 class 0x0c0330',
      '[    0.300200] pci 0000:00:1f.6: [8086:15bc] type 00 class 0x020000',
      '[    1.000000] DMAR: Setting identity map for device 0000:00:02.0 [0x7b800000 - 0x7fffffff]',
      '[    1.000100] DMAR: Setting identity map for device 0000:00:14.0 [0x3e2e0000 - 0x3e2fffff]',
      '[    1.000200] DMAR: Setting identity map for device 0000:00:1f.6 [0x7a000000 - 0x7a0fffff]',
    ].join('\n');
    const regions = importDmesg(text).scenario.platform?.reservedRegions ?? [];
    expect(regions.map((x) => [x.device, x.type])).toEqual([
      ['0000:00:02.0', 'direct-relaxable'],
      ['0000:00:14.0', 'direct-relaxable'],
      ['0000:00:1f.6', 'direct'],
    ]);
  });

  it('an RMRR imported as direct for a device whose class another input gave is relaxable in the analysis', () => {
    const r = analyze({ platform: client() });
    for (const bdf of ['0000:00:02.0', '0000:00:14.0']) {
      expect(about(r.findings, 'rmrr-direct', bdf)).toEqual([]);
      expect(about(r.findings, 'rmrr-relaxable', bdf)).toHaveLength(1);
    }
    expect(about(r.findings, 'rmrr-direct', '0000:00:1f.6')).toHaveLength(1);
  });

  it('a group-level region the kernel itself printed as direct (sysfs) is not reclassified', () => {
    const p = client();
    const r = analyze({
      platform: {
        ...p,
        reservedRegions: [
          MSI,
          {
            start: 0x7b800000n,
            last: 0x7fffffffn,
            type: 'direct',
            group: 7,
            origin: 'sysfs reserved_regions',
          },
        ],
        devices: p.devices?.map((d) => (d.bdf === '0000:00:02.0' ? { ...d, group: 7 } : d)),
      },
    });
    expect(about(r.findings, 'rmrr-direct', '0000:00:02.0')).toHaveLength(1);
  });
});

describe('explicit groups: other groups never make errors', () => {
  it('an RMRR of a group the user did not ask for is info; the same group asked for is an error', () => {
    const all = analyze({ platform: client() });
    expect(all.assignedBecause).toBe('bound to vfio-pci');
    const gpuGroup = all.assigned[0] as number;
    const nicGroup = groupOf(about(all.findings, 'rmrr-direct', '0000:00:1f.6'), '0000:00:1f.6');
    expect(Number.isInteger(nicGroup) && nicGroup !== gpuGroup).toBe(true);
    const gpu = analyze({ platform: client(), groups: [gpuGroup] });
    expect(gpu.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(about(gpu.findings, 'rmrr-direct', '0000:00:1f.6')[0]).toMatchObject({
      severity: 'info',
      errno: 'EINVAL',
    });
    expect(about(gpu.findings, 'rmrr-direct', '0000:00:1f.6')[0]?.message).toMatch(
      new RegExp(`group ${nicGroup} is not among the groups to assign`),
    );
    const nic = analyze({ platform: client(), groups: [nicGroup] });
    expect(about(nic.findings, 'rmrr-direct', '0000:00:1f.6')[0]?.severity).toBe('error');
  });

  it('a dmesg "ineligible" device outside the asked groups is info', () => {
    const host: HostFacts = { rmrrIneligible: ['0000:00:1f.6'] };
    const platform = client({ reservedRegions: [MSI] });
    const nicOnly = analyze({ platform, host });
    const ineligible = nicOnly.findings.filter(
      (f) => f.kind === 'rmrr-direct' && f.objects.length === 1,
    );
    expect(ineligible[0]?.severity).toBe('error');
    const r = analyze({ platform, host, groups: [nicOnly.assigned[0] as number] });
    expect(r.assigned).toEqual(nicOnly.assigned);
    const f = r.findings.filter((x) => x.kind === 'rmrr-direct' && x.objects.length === 1);
    expect(f).toHaveLength(1);
    expect(f[0]?.severity).toBe('info');
  });
});

describe('findings say only what the input shows', () => {
  it('ACS unknown because lspci was not collected: no "run as root"', () => {
    const platform: PlatformInput = {
      iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 39, interruptRemapping: true }],
      devices: [
        {
          bdf: '0000:00:1c.0',
          class: '0x060400',
          pcieType: 'root_port',
          iommu: 'dmar0',
          acs: 'unknown',
          hostDriver: 'pcieport',
        },
        {
          bdf: '0000:02:00.0',
          class: '0x020000',
          pcieType: 'endpoint',
          parent: '0000:00:1c.0',
          iommu: 'dmar0',
          hostDriver: 'vfio-pci',
          acs: 'unknown',
        },
      ],
      reservedRegions: [MSI],
    };
    const host: HostFacts = {
      unreadable: ['lspci -vvv: lspci is not installed (package pciutils)'],
    };
    const r = analyze({ platform, host });
    const large = r.findings.filter((f) => f.kind === 'group-large');
    expect(large).toHaveLength(1);
    expect(large[0]?.message).toMatch(
      /0000:00:1c\.0 \(root port\): its ACS is unknown, the input has no ACS for it \(lspci -vvv: lspci is not installed/,
    );
    for (const f of [...r.findings, ...analyze({ platform }).findings]) {
      expect(f.message).not.toMatch(/as root|without root|access denied/);
    }
  });

  it("an aperture end is printed as an address, and the dry run's container is not named", () => {
    const r = analyze({ platform: client(), guest: guest('q35:ram=1024G,aw=39') });
    const beyond = r.findings.filter((f) => f.kind === 'guest-beyond-aperture');
    expect(beyond.length).toBeGreaterThan(0);
    expect(beyond[0]?.message).toMatch(/39-bit address space \(its last address is 0x7fffffffff\)/);
    expect(beyond[0]?.message).not.toMatch(/ends at 0x0\.\./);
    const viommu = r.findings.filter((f) => f.kind === 'guest-beyond-viommu');
    expect(viommu[0]?.message).toMatch(/\(last address 0x7fffffffff\)/);
    for (const f of r.findings) expect(f.message).not.toMatch(/\bcontainer \d/);
  });
});

describe('a finding that rests on an assumed IOMMU unit says so', () => {
  const assumption = (unit: string, picked: boolean): UnitAssumption => ({
    kind: 'vtd',
    unit,
    addressWidth: 39,
    widthAssumed: true,
    because: "the host bridge 0000:00:00.0 is Intel's",
    picked,
  });

  it('guest beyond the aperture, no interrupt remapping, and snoop-control domains append the sentence', () => {
    const a = assumption('dmar0', false);
    const sentence = assumptionSentence(a) as string;
    expect(sentence).toMatch(/^Assumed: /);
    const p = client({ reservedRegions: [MSI] });
    const noIr = {
      ...p,
      iommus: p.iommus?.map((u) => (u.id === 'dmar0' ? { ...u, interruptRemapping: false } : u)),
    };
    const beyond = analyze({
      platform: p,
      host: { unitAssumption: a },
      guest: guest('q35:ram=1024G'),
    }).findings.filter((f) => f.kind === 'guest-beyond-aperture');
    expect(beyond.length).toBeGreaterThan(0);
    for (const f of beyond) expect(f.message).toContain(sentence);
    const msi = analyze({ platform: noIr, host: { unitAssumption: a } }).findings.filter(
      (f) => f.kind === 'no-interrupt-remapping',
    );
    expect(msi.length).toBeGreaterThan(0);
    for (const f of msi) expect(f.message).toContain(sentence);
    // The iGPU (dmar1, no snoop control) and the GPU (dmar0) in one container.
    const base = analyze({ platform: client() });
    const igpuGroup = groupOf(base.findings, '0000:00:02.0');
    const gpuGroup = base.assigned[0] as number;
    expect(Number.isInteger(igpuGroup) && igpuGroup !== gpuGroup).toBe(true);
    const withIgpu = {
      ...p,
      devices: p.devices?.map((d) =>
        d.bdf === '0000:00:02.0' ? { ...d, hostDriver: 'vfio-pci' } : d,
      ),
    };
    const dom = analyze({
      platform: withIgpu,
      host: { unitAssumption: a },
      groups: [gpuGroup, igpuGroup],
    }).findings.filter((f) => f.kind === 'incompatible-domains');
    expect(dom).toHaveLength(1);
    expect(dom[0]?.message).toContain(sentence);
  });

  it('a picked unit, or a finding about another unit, appends nothing', () => {
    const p = client({ reservedRegions: [MSI] });
    const picked = analyze({
      platform: p,
      host: { unitAssumption: assumption('dmar0', true) },
      guest: guest('q35:ram=1024G'),
    });
    const other = analyze({
      platform: p,
      host: { unitAssumption: assumption('dmar1', false) },
      guest: guest('q35:ram=1024G'),
    });
    for (const f of [...picked.findings, ...other.findings])
      expect(f.message).not.toMatch(/Assumed: |as picked/);
  });
});
