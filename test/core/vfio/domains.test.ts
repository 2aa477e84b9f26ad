import { describe, expect, it } from 'vitest';
import { describeVfio } from '../../../src/core/vfio/view.ts';
import { info, map, MSI, platform, ready, session, unmap, vtd } from './helpers.ts';

const U64_MAX = (1n << 64n) - 1n;
const two = (a: Parameters<typeof vtd>[1] = {}, b: Parameters<typeof vtd>[1] = {}) =>
  platform({ units: [vtd('dmar0', a), vtd('dmar1', b)], groups: { 10: 'dmar0', 11: 'dmar1' } });
const domainsOf = (s: ReturnType<typeof session>) =>
  s.state.vfio.containers.get(1)?.driver?.domains ?? [];

describe('type1 group attach (vfio_iommu_type1_attach_group)', () => {
  it('vfio_iommu_type1_attach_group: a compatible group joins the existing domain', () => {
    const s = ready(platform({ groups: { 10: 'dmar0', 11: 'dmar0' } }), [10]);
    const o = s.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(o.message).toContain('joined domain 1');
    expect(domainsOf(s).map((d) => d.groups)).toEqual([[10, 11]]);
  });

  it('vfio_iommu_type1_attach_group: different enforce_cache_coherency (snoop control) needs a new domain', () => {
    const s = ready(two({}, { snoopControl: false }), [10]);
    s.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(domainsOf(s).map((d) => [d.iommu, d.enforceCacheCoherency])).toEqual([
      ['dmar0', true],
      ['dmar1', false],
    ]);
  });

  it('paging_domain_compatible: different page sizes or a narrower unit need a new domain', () => {
    const s1 = ready(two({}, { pageSizes: [0x1000n, 0x200000n] }), [10]);
    s1.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(domainsOf(s1).length).toBe(2);
    expect(info(s1).iova_pgsizes).toBe(0x201000n);

    const s2 = ready(two({}, { addressWidth: 39 }), [10]);
    s2.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(domainsOf(s2).length).toBe(2);
    expect(info(s2).iova_ranges.at(-1)).toEqual({ start: 0xfef00000n, last: 0x7fffffffffn });

    // A wider unit can join the narrower domain; the list still shrinks only to the intersection.
    const s3 = ready(two({ addressWidth: 39 }, {}), [10]);
    s3.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(domainsOf(s3).length).toBe(1);
  });

  it('vfio_iommu_type1_attach_group: a different IOMMU kind (ops) never shares a domain', () => {
    const p = platform({
      units: [vtd('dmar0'), { id: 'ivhd0', kind: 'amd', addressWidth: 48 }],
      groups: { 10: 'dmar0', 11: 'ivhd0' },
    });
    const s = ready(p, [10, 11]);
    expect(domainsOf(s).map((d) => d.iommu)).toEqual(['ivhd0', 'dmar0']);
    expect(info(s).iova_pgsizes).toBe(0x40201000n);
  });

  it('arm_smmu_attach_dev: SMMUv3 domains belong to one SMMU instance', () => {
    const smmu = (id: string) => ({
      id,
      kind: 'smmuv3' as const,
      addressWidth: 48,
      snoopControl: false,
    });
    const p = platform({
      units: [smmu('smmu0'), smmu('smmu1')],
      groups: { 3: 'smmu0', 4: 'smmu0', 5: 'smmu1' },
      msi: false,
    });
    const s = ready(p, [3, 4, 5]);
    expect(domainsOf(s).map((d) => [d.iommu, d.groups])).toEqual([
      ['smmu1', [5]],
      ['smmu0', [4, 3]],
    ]);
  });

  it('vfio_update_pgsize_bitmap: sizes below PAGE_SIZE are hidden and PAGE_SIZE offered instead', () => {
    const p = platform({ units: [{ id: 'mock0', kind: 'mock' }], msi: false });
    const s = ready(p);
    expect(info(s).iova_pgsizes).toBe(0x1000n);
    expect(info(s).iova_ranges).toEqual([{ start: 0x1000000n, last: 0x7fffffffn }]);
  });

  it('vfio_iommu_aper_conflict: a mapping outside the new aperture blocks the attach (EINVAL)', () => {
    const s = ready(two({}, { addressWidth: 39 }), [10]);
    s.ok(map(0x8000000000n, 0x1000n));
    const o = s.fail({ op: 'vfio.group_set_container', group: 11, container: 1 }, 'EINVAL');
    expect(o.rule).toBe('vfio_iommu_aper_conflict');
    expect(o.message).toContain('0x8000000000..0x8000000fff');
    s.ok(unmap(0x8000000000n, 0x1000n));
    s.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
  });

  it('vfio_iommu_aper_conflict: a disjoint aperture is EINVAL even with no mapping', () => {
    const p = platform({
      units: [
        vtd('dmar0', { aperture: { start: 0n, last: 0xffffffffn } }),
        vtd('dmar1', { aperture: { start: 0x100000000n, last: 0x1ffffffffn } }),
      ],
      groups: { 10: 'dmar0', 11: 'dmar1' },
    });
    const s = ready(p, [10]);
    s.fail({ op: 'vfio.group_set_container', group: 11, container: 1 }, 'EINVAL');
  });

  it('vfio_iommu_resv_conflict: a mapping over the new group reserved region is EINVAL; mappings are never removed', () => {
    const p = platform({
      groups: { 10: 'dmar0', 11: 'dmar0' },
      resv: [{ start: 0x40000000n, last: 0x4000ffffn, type: 'reserved', group: 11 }],
    });
    const s = ready(p, [10]);
    s.ok(map(0x40000000n, 0x10000n));
    const o = s.fail({ op: 'vfio.group_set_container', group: 11, container: 1 }, 'EINVAL');
    expect(o.message).toBe(
      "existing mapping 0x40000000..0x4000ffff overlaps group 11's reserved region 0x40000000..0x4000ffff",
    );
  });

  it('vfio_iommu_resv_exclude: direct-relaxable regions neither conflict nor carve the list', () => {
    const p = platform({
      groups: { 10: 'dmar0', 11: 'dmar0' },
      resv: [{ start: 0x40000000n, last: 0x4000ffffn, type: 'direct-relaxable', group: 11 }],
    });
    const s = ready(p, [10]);
    s.ok(map(0x40000000n, 0x10000n));
    s.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(info(s).iova_ranges.length).toBe(2);
  });

  it('vfio_iommu_resv_exclude: a list left empty is EINVAL', () => {
    const p = platform({ resv: [{ start: 0n, last: U64_MAX, type: 'reserved', group: 10 }] });
    const s = session(p);
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    const o = s.fail({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' }, 'EINVAL');
    expect(o.rule).toBe('vfio_iommu_resv_exclude');
  });

  it('iommu_group_has_isolated_msi: no interrupt remapping is EPERM, checked after the IOVA checks', () => {
    const smmu = (id: string, ir: boolean) => ({
      id,
      kind: 'smmuv3' as const,
      addressWidth: 48,
      interruptRemapping: ir,
    });
    const p = platform({
      units: [smmu('smmu0', true), smmu('smmu1', false)],
      groups: { 10: 'smmu0', 11: 'smmu1' },
      msi: false,
      resv: [{ start: 0x40000000n, last: 0x4000ffffn, type: 'reserved', group: 11 }],
    });
    const s = ready(p, [10]);
    s.ok(map(0x40000000n, 0x10000n));
    s.fail({ op: 'vfio.group_set_container', group: 11, container: 1 }, 'EINVAL');
    s.ok(unmap(0x40000000n, 0x10000n));
    s.fail({ op: 'vfio.group_set_container', group: 11, container: 1 }, 'EPERM');
  });

  it('intel_prepare_irq_remapping: on x86 one unit without IR makes every group non-isolated', () => {
    const s = session(two({}, { interruptRemapping: false }));
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.fail({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' }, 'EPERM');
    expect(s.state.vfio.containers.get(1)?.driver).toBeUndefined();
  });

  it('vfio_iommu_type1_attach_group: allow_unsafe_interrupts attaches with a warning', () => {
    const p = {
      ...platform({ units: [vtd('dmar0', { interruptRemapping: false })] }),
      moduleParams: { 'vfio_iommu_type1.allow_unsafe_interrupts': true },
    };
    const s = session(p);
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    const o = s.ok({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' });
    expect(o.warnings[0]).toContain('allow_unsafe_interrupts');
  });

  it('vfio_iommu_type1_attach_group: EBUSY while a vaddr is invalidated', () => {
    const s = ready(platform({ groups: { 10: 'dmar0', 11: 'dmar0' } }), [10]);
    s.ok(map(0x100000n, 0x1000n));
    s.ok(unmap(0x100000n, 0x1000n, ['VADDR']));
    s.fail({ op: 'vfio.group_set_container', group: 11, container: 1 }, 'EBUSY');
  });

  it('__vfio_container_attach_groups: SET_IOMMU attaches every group and rolls back all on a failure', () => {
    const p = platform({
      units: [vtd('dmar0'), vtd('dmar1')],
      groups: { 10: 'dmar0', 11: 'dmar1', 12: 'dmar0' },
      resv: [{ start: 0n, last: U64_MAX, type: 'reserved', group: 11 }],
    });
    const s = session(p);
    s.ok({ op: 'vfio.container_create' });
    for (const g of [10, 11, 12]) s.ok({ op: 'vfio.group_set_container', group: g, container: 1 });
    const before = s.state;
    s.fail({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' }, 'EINVAL');
    expect(s.state).toBe(before);
    s.ok({ op: 'vfio.group_unset_container', group: 11 });
    s.ok({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' });
    expect(domainsOf(s).map((d) => d.groups)).toEqual([[12, 10]]);
  });

  it('vfio_iommu_iova_list: ∩ apertures minus every group reserved region (AMD HT hole, SMMU SW-MSI)', () => {
    const amd = platform({
      units: [{ id: 'ivhd0', kind: 'amd', addressWidth: 48 }],
      resv: [{ start: 0xfd00000000n, last: 0xffffffffffn, type: 'reserved', group: 10 }],
    });
    expect(info(ready(amd)).iova_ranges).toEqual([
      { start: 0n, last: 0xfedfffffn },
      { start: 0xfef00000n, last: 0xfcffffffffn },
      { start: 0x10000000000n, last: 0xffffffffffffn },
    ]);
    const arm = platform({
      units: [{ id: 'smmu0', kind: 'smmuv3', addressWidth: 48 }],
      groups: { 3: 'smmu0' },
      msi: false,
      resv: [{ start: 0x8000000n, last: 0x80fffffn, type: 'sw-msi', group: 3 }],
    });
    expect(info(ready(arm, [3])).iova_ranges).toEqual([
      { start: 0n, last: 0x7ffffffn },
      { start: 0x8100000n, last: 0xffffffffffffn },
    ]);
  });

  it('vfio_iommu_resv_refresh: detaching a group makes its reserved regions mappable again', () => {
    const p = platform({
      groups: { 10: 'dmar0', 11: 'dmar0' },
      resv: [{ start: 0x40000000n, last: 0x4000ffffn, type: 'reserved', group: 11 }],
    });
    const s = ready(p, [10, 11]);
    s.fail(map(0x40000000n, 0x10000n), 'EINVAL');
    s.ok({ op: 'vfio.group_unset_container', group: 11 });
    s.ok(map(0x40000000n, 0x10000n));
  });

  it('vfio_iommu_aper_expand: freeing the narrower domain grows the list back; mappings survive', () => {
    const s = ready(two({}, { addressWidth: 39, snoopControl: false }), [10, 11]);
    expect(info(s).iova_ranges.at(-1)?.last).toBe(0x7fffffffffn);
    s.ok(map(0x100000n, 0x1000n));
    s.ok({ op: 'vfio.group_unset_container', group: 11 });
    expect(info(s).iova_ranges.at(-1)?.last).toBe(0xffffffffffffn);
    expect(s.state.vfio.containers.get(1)?.driver?.dma.size).toBe(1);
    s.ok(map(0x8000000000n, 0x1000n));
  });

  it('vfio_iommu_replay: a new domain receives the existing mappings (billed once)', () => {
    const s = ready(two({}, { snoopControl: false }), [10]);
    s.ok(map(0x100000n, 0x4000n));
    const o = s.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(o.message).toContain('1 existing mapping(s) replayed');
    expect(s.state.vfio.lockedBytes).toBe(0x4000n);
  });

  it('describeVfio: one view per container with domains, valid list, the groups reserved regions and the shared tree', () => {
    const s = ready(two({}, { snoopControl: false }), [10, 11]);
    s.ok(map(0x100000n, 0x1000n));
    s.ok({ op: 'vfio.container_create' });
    const [v1, v2] = describeVfio(s.state);
    expect(v1).toMatchObject({
      id: 1,
      iommuType: 'type1v2',
      groups: [10, 11],
      dmaAvail: 65534,
      pgsizeBitmap: 0x40201000n,
      lockedBytes: 0x1000n,
    });
    expect(v1?.domains.map((d) => d.id)).toEqual([1, 2]);
    expect(v1?.reserved).toEqual([
      { ...MSI, type: 'msi', owner: 'group 11', ownerRef: { kind: 'group', group: 11 } },
      { ...MSI, type: 'msi', owner: 'group 10', ownerRef: { kind: 'group', group: 10 } },
    ]);
    expect(v1?.mappings).toBe(s.state.vfio.containers.get(1)?.driver?.dma);
    expect(v2).toMatchObject({ id: 2, iommuType: undefined, validIova: [], domains: [] });
  });
});
