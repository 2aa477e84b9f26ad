import { describe, expect, it } from 'vitest';
import { analyze, type CheckInput, type Finding } from '../../../src/core/analysis/index.ts';
import { importBundle } from '../../../src/core/importers/bundle.ts';
import { guestFromPreset, parseGuestPreset } from '../../../src/core/importers/guest-presets.ts';
import { importText, mergeImports } from '../../../src/core/importers/index.ts';
import { collect, fixture } from '../importers/fixtures.ts';

function host(name: string, extra: string[] = []): CheckInput {
  const parts = [
    importBundle(collect(name).stdout),
    ...extra.map((f) => {
      const r = importText(fixture(f));
      if (!r.ok) throw new Error(r.error);
      return r.result;
    }),
  ];
  const m = mergeImports(
    parts.map((p) => ({
      scenario: p.scenario,
      events: p.events,
      ...(p.host ? { host: p.host } : {}),
    })),
  );
  return {
    platform: m.scenario.platform ?? {},
    host: m.host,
    events: m.events,
    ...(m.scenario.guest ? { guest: m.scenario.guest } : {}),
  };
}

function guest(spec: string) {
  const p = parseGuestPreset(spec);
  if (!p.ok) throw new Error(p.error);
  return guestFromPreset(p.params);
}

const kinds = (fs: Finding[]) => fs.map((f) => f.kind);
const find = (fs: Finding[], kind: Finding['kind']) => fs.filter((f) => f.kind === kind);

describe('Intel client (ISA bridge floppy region, PEG root port without ACS)', () => {
  const base = host('intel-client', ['intel-client/lspci-vvv.txt']);

  it('assigns the vfio-pci groups and finds the non-viable audio group', () => {
    const r = analyze({ ...base, guest: guest('q35:ram=8G') });
    expect(r.assigned).toEqual([1, 8]);
    const nv = find(r.findings, 'group-not-viable');
    expect(nv).toHaveLength(1);
    expect(nv[0]).toMatchObject({
      severity: 'error',
      objects: ['group 8', '0000:00:1f.4', '0000:00:1f.5'],
    });
    expect(nv[0]?.message).toMatch(/EPERM \(iommu_group_claim_dma_owner/);
  });

  it('explains the big groups by the missing ACS and multifunction, and the override what-if', () => {
    const r = analyze(base);
    const big = find(r.findings, 'group-large');
    const g1 = big.find((f) => f.objects[0] === 'group 1');
    expect(g1?.message).toMatch(/0000:00:01\.0 \(root port\) has no ACS capability/);
    expect(g1?.message).toMatch(/0000:01:00\.\* is a multifunction device/);
    const g8 = big.find((f) => f.objects[0] === 'group 8');
    expect(g8?.message).toMatch(/functions \(0, 3, 4, 5\)/);
    const ov = find(r.findings, 'acs-override').find((f) => f.objects[0] === 'group 8');
    expect(ov?.message).toMatch(/split into 4 groups/);
    expect(ov?.message).toMatch(/not what the switch does/);
  });

  it('guest RAM over the floppy direct-relaxable region maps fine (engine dry run)', () => {
    const r = analyze({ ...base, guest: guest('q35:ram=8G') });
    const relax = find(r.findings, 'guest-over-relaxable');
    expect(relax.map((f) => f.addresses[0])).toEqual([
      { start: 0n, last: 0x9ffffn },
      { start: 0xc0000n, last: 0xffffffn },
    ]);
    expect(kinds(r.findings)).not.toContain('guest-ram-in-reserved');
    expect(r.findings.some((f) => f.severity === 'error' && f.kind.startsWith('guest'))).toBe(
      false,
    );
  });

  it('on a 5.4-era host the same region was "direct": the engine refuses the group (old VT-d RMRR rule)', () => {
    const old = {
      ...base,
      platform: {
        ...base.platform,
        kernel: { version: '5.4' },
        reservedRegions: base.platform.reservedRegions?.map((x) =>
          x.type === 'direct-relaxable' && x.group === 8 ? { ...x, type: 'direct' as const } : x,
        ),
      },
    };
    const r = analyze({ ...old, guest: guest('q35:ram=8G') });
    const rm = find(r.findings, 'rmrr-direct');
    expect(rm).toHaveLength(1);
    expect(rm[0]).toMatchObject({
      severity: 'error',
      errno: 'EPERM',
      rule: 'intel_iommu_attach_device',
      objects: ['group 8', '0000:00:1f.0', '0000:00:1f.3', '0000:00:1f.4', '0000:00:1f.5'],
    });
    expect(find(r.findings, 'guest-over-relaxable')).toEqual([]);
  });

  it('guest RAM beyond the 39-bit VT-d width: EINVAL from the engine, and a vIOMMU aw-bits warning', () => {
    const r = analyze({ ...base, guest: guest('q35:ram=1024G,aw=39') });
    const w = find(r.findings, 'guest-beyond-aperture');
    expect(w[0]).toMatchObject({
      severity: 'error',
      errno: 'EINVAL',
      addresses: [{ start: 0x8000000000n, last: 0x1007fffffffn }],
    });
    expect(w[0]?.message).toMatch(/dmar1's 39-bit address space/);
    const v = find(r.findings, 'guest-beyond-viommu');
    expect(v.map((f) => f.objects[0])).toEqual(['pc.ram (ram-above-4g)', 'pci-hole64']);
    expect(v[0]?.message).toMatch(/aw-bits/);
  });

  it('groups behind units that differ in snoop control land in separate domains', () => {
    const r = analyze({ ...base, groups: [1, 2] });
    const d = find(r.findings, 'incompatible-domains');
    expect(d).toHaveLength(1);
    expect(d[0]?.message).toMatch(/dmar1 can enforce cache coherency, dmar0 cannot/);
    expect(d[0]?.message).toMatch(/VFIO_DMA_CC_IOMMU reads 0/);
  });

  it('places a DMAR fault at the MSI window', () => {
    const r = analyze({ ...host('intel-client', ['intel-client/dmesg.txt']) });
    const f = find(r.findings, 'pasted-fault');
    expect(f).toHaveLength(1);
    expect(f[0]?.message).toMatch(/group 5's msi region 0xfee00000\.\.0xfeefffff/);
    expect(f[0]?.addresses).toEqual([{ start: 0xfee01000n, last: 0xfee01fffn }]);
  });

  it('replays a QEMU trace through the engine', () => {
    const t = importText(fixture('intel-client/qemu-trace.txt'));
    if (!t.ok) throw new Error(t.error);
    const r = analyze({
      ...base,
      steps: t.result.scenario.steps ?? [],
      stepLines: t.result.stepLines ?? [],
    });
    const refused = find(r.findings, 'trace-step-refused');
    expect(refused.at(-1)?.message).toMatch(
      /Replayed 8 traced DMA step\(s\).*: 8 accepted, 0 refused/,
    );
  });
});

describe('AMD server (HyperTransport hole, PCIe switch without ACS)', () => {
  const base = host('amd-server', ['amd-server/lspci-vvv.txt']);

  it('a 1 TiB q35 guest on QEMU 7.0 crosses the HT window: EINVAL, fatal for RAM', () => {
    const r = analyze({ ...base, guest: guest('q35:ram=1024G,qemu=7.0,host=amd') });
    const hit = find(r.findings, 'guest-ram-in-reserved');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({
      severity: 'error',
      errno: 'EINVAL',
      rule: 'vfio_iommu_iova_dma_valid',
    });
    expect(hit[0]?.addresses).toEqual([{ start: 0xfd00000000n, last: 0xffffffffffn }]);
    // Identical regions of several groups are named once, with their groups.
    expect(hit[0]?.message).toMatch(
      /overlaps groups 3, 6's reserved region 0xfd00000000\.\.0xffffffffff:/,
    );
    expect(hit[0]?.objects).toEqual(['pc.ram (ram-above-4g)', 'group 3', 'group 6']);
  });

  it('QEMU 7.1+ moves RAM above 1 TiB: no collision, but guest IOVAs now equal a peer BAR behind the switch', () => {
    const r = analyze({ ...base, guest: guest('q35:ram=1024G,qemu=7.1,host=amd') });
    expect(find(r.findings, 'guest-ram-in-reserved')).toEqual([]);
    const peer = find(r.findings, 'iova-is-peer-bar');
    expect(peer.map((f) => f.addresses[0])).toEqual([
      { start: 0x18000000000n, last: 0x18000003fffn },
      { start: 0x18000100000n, last: 0x18000103fffn },
    ]);
    expect(peer[0]?.message).toMatch(/0000:04:00\.0 BAR 0.*routed by 0000:02:08\.0/);
  });

  it('finds the IOMMU bypass through the downstream port without ACS RR, across groups', () => {
    const r = analyze(base);
    const p = find(r.findings, 'p2p-bypass');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({
      severity: 'warning',
      objects: ['0000:03:00.0', '0000:02:08.0', '0000:04:00.0'],
    });
    expect(p[0]?.message).toMatch(/does not enable ACS RR and CR/);
    expect(p[0]?.message).toMatch(/back to its own BAR 0x18000100000\.\.0x18000103fff/);
    expect(p[0]?.message).toMatch(/across IOMMU groups \(group 4\)/);
  });

  it('RMRR/IVMD direct region: on 6.1 accepted with a warning, on 6.6+ refused with EINVAL by the engine', () => {
    const r61 = find(analyze(base).findings, 'rmrr-direct');
    expect(r61[0]).toMatchObject({ severity: 'warning', objects: ['group 8', '0000:06:00.0'] });
    const new66 = { ...base, platform: { ...base.platform, kernel: { version: '6.6' } } };
    const r66 = find(analyze(new66).findings, 'rmrr-direct');
    expect(r66[0]).toMatchObject({
      severity: 'error',
      errno: 'EINVAL',
      rule: '__iommu_device_set_domain',
    });
  });

  it('explains pasted -22 and fault lines with the engine', () => {
    const r = analyze(host('amd-server', ['amd-server/lspci-vvv.txt', 'amd-server/errors.txt']));
    const e = find(r.findings, 'pasted-error');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ errno: 'EINVAL', rule: 'vfio_iommu_iova_dma_valid' });
    expect(e[0]?.message).toMatch(
      /^Line 1: vfio_dma_map of 0xff80000000 bytes at IOVA 0x100000000 returned -22/,
    );
    expect(e[0]?.message).toMatch(/the model answers EINVAL \(-22\) too/);
    const f = find(r.findings, 'pasted-fault');
    expect(f.map((x) => x.objects[0])).toEqual(['line 3', 'line 5']);
    expect(f[1]?.message).toMatch(/reserved region 0xfd00000000\.\.0xffffffffff/);
    expect(f[1]?.message).toMatch(/refused the request outright/);
  });

  it('projects the DMA entry limit from how the VMM maps, not from RAM size', () => {
    const q = find(
      analyze({ ...base, guest: guest('q35:ram=1024G,qemu=7.1,host=amd') }).findings,
      'dma-entry-limit',
    );
    expect(q[0]).toMatchObject({ severity: 'info' });
    expect(q[0]?.message).toMatch(/one entry per RAM\/ROM\/BAR section \(4\)/);
    const dpdk = find(
      analyze({ ...base, vmm: { kind: 'dpdk', memory: 256n << 30n, hugepage: 2n << 20n } })
        .findings,
      'dma-entry-limit',
    );
    expect(dpdk[0]).toMatchObject({ severity: 'error' });
    expect(dpdk[0]?.message).toMatch(/about 131072 DMA mapping/);
    const vm = find(
      analyze({
        ...base,
        guest: guest('q35:ram=8G,virtio-mem=256G,block=2M'),
        vmm: { kind: 'qemu', virtioMemBlock: 2n << 20n },
      }).findings,
      'dma-entry-limit',
    );
    expect(vm[0]?.severity).toBe('error');
  });
});

describe('ARM SMMUv3 host (SW_MSI at 0x8000000)', () => {
  const base = host('arm-smmuv3');

  it('a virt guest (RAM at 1 GiB) clears the MSI window', () => {
    const r = analyze({ ...base, guest: guest('virt:ram=4G') });
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('an identity-mapped guest with RAM at 0 collides with the SW_MSI window: EINVAL', () => {
    const t = importText(fixture('arm-smmuv3/info-mtree-identity.txt'));
    if (!t.ok) throw new Error(t.error);
    const r = analyze({ ...base, guest: t.result.scenario.guest! });
    const hit = find(r.findings, 'guest-ram-in-reserved');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({
      errno: 'EINVAL',
      addresses: [{ start: 0x8000000n, last: 0x80fffffn }],
    });
    expect(hit[0]?.message).toMatch(/sw-msi region 0x8000000\.\.0x80fffff \(SW_MSI window/);
  });
});

describe('2017–2019 ARM host (seed 000: host bridge windows as reserved)', () => {
  it('virt guest RAM at 1 GiB meets the reported host bridge window: EINVAL, and the history is told', () => {
    const r = analyze({ ...host('arm-2018', ['arm-2018/dmesg.txt']), guest: guest('virt:ram=4G') });
    const hit = find(r.findings, 'guest-ram-in-reserved');
    expect(hit[0]).toMatchObject({
      errno: 'EINVAL',
      addresses: [{ start: 0x60000000n, last: 0x7fffffffn }],
    });
    const hb = find(r.findings, 'host-bridge-window-reserved');
    expect(hb).toHaveLength(2);
    expect(hb[0]?.message).toMatch(/273df9635385 and cd2c9fcf5c66/);
    expect(hb[0]?.message).toMatch(/would have happened/);
  });

  it('GICv2m means no MSI isolation: EPERM from the engine at group attach', () => {
    const r = analyze(host('arm-2018', ['arm-2018/dmesg.txt']));
    const m = find(r.findings, 'no-interrupt-remapping');
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ severity: 'error', errno: 'EPERM', objects: ['group 2'] });
    expect(m[0]?.message).toMatch(/GICv2m/);
  });

  it('the old info mtree of the same guest gives the same collision', () => {
    const t = importText(fixture('arm-2018/info-mtree-old.txt'));
    if (!t.ok) throw new Error(t.error);
    const r = analyze({ ...host('arm-2018'), guest: t.result.scenario.guest! });
    expect(find(r.findings, 'guest-ram-in-reserved')[0]?.objects).toEqual([
      'mach-virt.ram',
      'group 2',
    ]);
  });
});

describe('a host with the IOMMU off', () => {
  it('says IOMMU not enabled and names intel_iommu=on', () => {
    const r = analyze(host('no-iommu'));
    expect(r.findings[0]).toMatchObject({ severity: 'error', kind: 'iommu-disabled' });
    expect(r.findings[0]?.message).toMatch(/intel_iommu=on/);
  });
});
