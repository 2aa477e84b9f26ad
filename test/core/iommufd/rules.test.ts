import { describe, expect, it } from 'vitest';
import { apply, createState } from '../../../src/core/engine.ts';
import { describeIommufd } from '../../../src/core/iommufd/view.ts';
import { lockedBytes } from '../../../src/core/state.ts';
import { bare, errnoOf, FIXED_RW, mockPlatform, MSI, ok, RW, vtdPlatform } from './helpers.ts';

const map = (
  ioas: number,
  iova: bigint | undefined,
  length: bigint,
  flags = FIXED_RW,
  user_va = 0x200000n,
) =>
  ({
    op: 'iommufd.ioas_map',
    ioas,
    length,
    flags,
    user_va,
    ...(iova !== undefined ? { iova } : {}),
  }) as const;

function ioasOn(platform = vtdPlatform()) {
  let s = createState(platform);
  const ioas = ok(s, { op: 'iommufd.ioas_alloc' });
  s = ioas.state;
  return { s, ioas: ioas.id };
}

function attached(platform = vtdPlatform(), bdf = '0000:01:00.0') {
  const { s, ioas } = ioasOn(platform);
  const dev = ok(s, { op: 'iommufd.device_bind', device: bdf });
  const att = ok(dev.state, { op: 'iommufd.device_attach', dev: dev.id, pt: ioas });
  return { s: att.state, ioas, dev: dev.id, hwpt: att.id };
}

describe('xa_alloc ids', () => {
  it('allocates the lowest free id >= 1 and reuses a destroyed id', () => {
    let s = bare();
    const a = ok(s, { op: 'iommufd.ioas_alloc' });
    const b = ok(a.state, { op: 'iommufd.ioas_alloc' });
    expect([a.id, b.id]).toEqual([1, 2]);
    s = ok(b.state, { op: 'iommufd.destroy', id: 1 }).state;
    expect(ok(s, { op: 'iommufd.ioas_alloc' }).id).toBe(1);
  });
  it('iommufd_ioas_alloc_ioctl: any flag is EOPNOTSUPP', () => {
    const s = bare();
    const r = apply(s, { op: 'iommufd.ioas_alloc', flags: ['0x1'] });
    expect(errnoOf(r.outcome)).toBe('EOPNOTSUPP');
    expect(r.state).toBe(s);
  });
});

describe('iommufd_ioas_map', () => {
  it('checks flags, overflow and R/W before the IOAS lookup', () => {
    const s = bare();
    expect(errnoOf(apply(s, map(7, 0n, 0x1000n, ['FIXED_IOVA', 'READABLE', '0x10'])).outcome)).toBe(
      'EOPNOTSUPP',
    );
    expect(errnoOf(apply(s, map(7, 0n, 0xffffffffffffffffn)).outcome)).toBe('EOVERFLOW');
    expect(errnoOf(apply(s, map(7, 0n, 0x1000n, ['FIXED_IOVA'])).outcome)).toBe('EINVAL');
    expect(errnoOf(apply(s, map(7, 0n, 0x1000n)).outcome)).toBe('ENOENT');
  });
  it('iopt_alloc_user_pages: user_va + length wrapping is EOVERFLOW, zero length EINVAL', () => {
    const { s, ioas } = ioasOn();
    expect(errnoOf(apply(s, map(ioas, 0n, 0x2000n, FIXED_RW, 0xfffffffffffff000n)).outcome)).toBe(
      'EOVERFLOW',
    );
    expect(errnoOf(apply(s, map(ioas, 0n, 0n)).outcome)).toBe('EINVAL');
  });
  it('iopt_check_iova: reserved before areas (EINVAL), then overlap EEXIST, wrap EOVERFLOW', () => {
    const { s, ioas } = attached();
    const m = ok(s, map(ioas, 0xfed00000n, 0x1000n));
    const r = apply(m.state, map(ioas, 0xfed00000n, 0x101000n));
    expect(errnoOf(r.outcome)).toBe('EINVAL');
    expect(r.outcome.ok ? '' : r.outcome.message).toContain('0xfee00000..0xfeefffff');
    expect(errnoOf(apply(m.state, map(ioas, 0xfed00000n, 0x1000n)).outcome)).toBe('EEXIST');
    const bareIoas = ioasOn(vtdPlatform());
    expect(
      errnoOf(apply(bareIoas.s, map(bareIoas.ioas, 0xfffffffffffff000n, 0x2000n)).outcome),
    ).toBe('EOVERFLOW');
  });
  it('iopt_check_iova: a mapping may end at 0xffffffffffffffff on a domain-less IOAS', () => {
    const { s, ioas } = ioasOn();
    const r = apply(s, map(ioas, 0xfffffffffffff000n, 0xfffn));
    expect(r.outcome.ok).toBe(true);
  });
  it('iopt_alloc_area_pages: length must be a multiple of iova_alignment once a domain exists', () => {
    const { s, ioas } = attached();
    expect(errnoOf(apply(s, map(ioas, 0x200000n, 0x1800n)).outcome)).toBe('EINVAL');
    expect(errnoOf(apply(s, map(ioas, 0x100001n, 0x1000n)).outcome)).toBe('EINVAL');
  });
  it('iopt_insert_area: the user_va page offset must respect iova_alignment', () => {
    const { s, ioas } = attached();
    const r = apply(s, map(ioas, 0x100000n, 0x1000n, FIXED_RW, 0x200800n));
    expect(errnoOf(r.outcome)).toBe('EINVAL');
    expect(r.outcome.ok ? '' : r.outcome.rule).toBe('iopt_insert_area');
  });
  it('FIXED_IOVA maps ignore the allowed list', () => {
    const { s, ioas } = ioasOn();
    const a = ok(s, {
      op: 'iommufd.ioas_allow_iovas',
      ioas,
      ranges: [{ start: 0x100000n, last: 0x1fffffn }],
    });
    expect(apply(a.state, map(ioas, 0x400000n, 0x1000n)).outcome.ok).toBe(true);
  });
});

describe('iopt_alloc_iova', () => {
  const auto = (ioas: number, length: bigint, user_va: bigint) =>
    map(ioas, undefined, length, RW, user_va);
  it('first fit from PAGE_SIZE, never IOVA 0', () => {
    const { s, ioas } = ioasOn();
    const a = ok(s, auto(ioas, 0x1000n, 0x200000n));
    expect(a.outcome.result?.iova).toBe(0x1000n);
    expect(ok(a.state, auto(ioas, 0x1000n, 0x200000n)).outcome.result?.iova).toBe(0x2000n);
  });
  it('alignment is min(roundup_pow_of_two(length), lowest VA bit, HPAGE_SIZE) and keeps the page offset', () => {
    const { s, ioas } = ioasOn();
    const first = ok(s, auto(ioas, 0x1000n, 0x200000n));
    expect(ok(first.state, auto(ioas, 0x3000n, 0x40000000n)).outcome.result?.iova).toBe(0x4000n);
    expect(ok(s, auto(ioas, 0x400000n, 0x40000000n)).outcome.result?.iova).toBe(0x200000n);
    expect(ok(s, auto(ioas, 0x800n, 0x200800n)).outcome.result?.iova).toBe(0x1800n);
    expect(ok(s, auto(ioas, 0x4000n, 0x201000n)).outcome.result?.iova).toBe(0x1000n);
  });
  it('only allocates inside allowed ranges and reports ENOSPC when nothing fits', () => {
    const { s, ioas } = ioasOn();
    const a = ok(s, {
      op: 'iommufd.ioas_allow_iovas',
      ioas,
      ranges: [{ start: 0x800000n, last: 0x801fffn }],
    });
    const m = ok(a.state, auto(ioas, 0x2000n, 0x200000n));
    expect(m.outcome.result?.iova).toBe(0x800000n);
    const r = apply(m.state, auto(ioas, 0x1000n, 0x200000n));
    expect(errnoOf(r.outcome)).toBe('ENOSPC');
    expect(r.state).toBe(m.state);
  });
  it('alignment below iova_alignment is EINVAL (mock domain, 1-byte VA bit)', () => {
    const { s, ioas } = attached(mockPlatform(), 'mock:0');
    expect(errnoOf(apply(s, auto(ioas, 0x1000n, 0x200400n)).outcome)).toBe('EINVAL');
  });
  it('never picks the top page', () => {
    const { s, ioas } = ioasOn();
    const a = ok(s, {
      op: 'iommufd.ioas_allow_iovas',
      ioas,
      ranges: [{ start: 0xffffffffffffe000n, last: 0xffffffffffffffffn }],
    });
    const m = ok(a.state, auto(ioas, 0x1000n, 0x200000n));
    expect(m.outcome.result?.iova).toBe(0xffffffffffffe000n);
    expect(errnoOf(apply(m.state, auto(ioas, 0x1000n, 0x200000n)).outcome)).toBe('ENOSPC');
  });
});

describe('iopt_unmap_iova_range', () => {
  it('nothing mapped is ENOENT; 0/U64_MAX unmaps all even when empty', () => {
    const { s, ioas } = ioasOn();
    expect(
      errnoOf(apply(s, { op: 'iommufd.ioas_unmap', ioas, iova: 0x1000n, length: 0x1000n }).outcome),
    ).toBe('ENOENT');
    const r = apply(s, { op: 'iommufd.ioas_unmap', ioas, iova: 0n, length: 0xffffffffffffffffn });
    expect(r.outcome.ok && r.outcome.result?.length).toBe(0n);
  });
  it('is not atomic: whole areas before a partly covered one are gone, outcome partial', () => {
    const init = ioasOn();
    let s = init.s;
    const ioas = init.ioas;
    s = ok(s, map(ioas, 0x10000n, 0x1000n)).state;
    s = ok(s, map(ioas, 0x20000n, 0x2000n)).state;
    const r = apply(s, { op: 'iommufd.ioas_unmap', ioas, iova: 0x10000n, length: 0x11000n });
    expect(r.outcome.ok).toBe(false);
    if (r.outcome.ok) return;
    expect(r.outcome.partial).toBe(true);
    expect(r.outcome.message).toContain('0x10000..0x10fff');
    const view = describeIommufd(r.state.iommufd).ioas[0];
    expect(view?.areas.toArray().map((a) => a.start)).toEqual([0x20000n]);
  });
  it('a partly covered first area fails with nothing removed and the same state', () => {
    const init = ioasOn();
    let s = init.s;
    const ioas = init.ioas;
    s = ok(s, map(ioas, 0x10000n, 0x2000n)).state;
    const r = apply(s, { op: 'iommufd.ioas_unmap', ioas, iova: 0x11000n, length: 0x1000n });
    expect(errnoOf(r.outcome)).toBe('ENOENT');
    expect(r.state).toBe(s);
  });
  it('has no alignment requirement', () => {
    const init = ioasOn();
    let s = init.s;
    const ioas = init.ioas;
    s = ok(s, map(ioas, 0x10000n, 0x1000n)).state;
    const r = apply(s, { op: 'iommufd.ioas_unmap', ioas, iova: 0xff01n, length: 0x1133n });
    expect(r.outcome.ok && r.outcome.result?.length).toBe(0x1000n);
  });
  it('iova or length >= ULONG_MAX (not the all encoding) is EOVERFLOW', () => {
    const { s, ioas } = ioasOn();
    expect(
      errnoOf(
        apply(s, { op: 'iommufd.ioas_unmap', ioas, iova: 0x1000n, length: 0xffffffffffffffffn })
          .outcome,
      ),
    ).toBe('EOVERFLOW');
  });
});

describe('iommufd_ioas_iova_ranges / iopt_set_allow_iova / iopt_reserve_iova', () => {
  it('reports the holes of the reserved tree and EMSGSIZE with the needed count', () => {
    const { s, ioas } = attached();
    const r = apply(s, { op: 'iommufd.ioas_iova_ranges', ioas });
    expect(r.outcome.result?.ranges).toEqual([
      { start: 0n, last: 0xfedfffffn },
      { start: 0xfef00000n, last: 0xffffffffffffn },
    ]);
    const small = apply(s, { op: 'iommufd.ioas_iova_ranges', ioas, num_iovas: 1 });
    expect(errnoOf(small.outcome)).toBe('EMSGSIZE');
    expect(small.outcome.result?.num_iovas).toBe(2);
  });
  it('allow list: start >= last EINVAL, self-overlap EINVAL, reserved EADDRINUSE keeping the old list', () => {
    const init = ioasOn();
    let s = init.s;
    const ioas = init.ioas;
    expect(
      errnoOf(
        apply(s, { op: 'iommufd.ioas_allow_iovas', ioas, ranges: [{ start: 5n, last: 5n }] })
          .outcome,
      ),
    ).toBe('EINVAL');
    expect(
      errnoOf(
        apply(s, {
          op: 'iommufd.ioas_allow_iovas',
          ioas,
          ranges: [
            { start: 0n, last: 0x2000n },
            { start: 0x1000n, last: 0x3000n },
          ],
        }).outcome,
      ),
    ).toBe('EINVAL');
    s = ok(s, { op: 'iommufd.test_add_reserved', ioas, start: 0x4000n, length: 0x1000n }).state;
    const r = apply(s, {
      op: 'iommufd.ioas_allow_iovas',
      ioas,
      ranges: [{ start: 0x1000n, last: 0x8000n }],
    });
    expect(errnoOf(r.outcome)).toBe('EADDRINUSE');
    expect(r.state).toBe(s);
  });
  it('reservations refuse areas and allowed ranges (EADDRINUSE)', () => {
    const init = ioasOn();
    let s = init.s;
    const ioas = init.ioas;
    s = ok(s, map(ioas, 0x10000n, 0x1000n)).state;
    expect(
      errnoOf(
        apply(s, { op: 'iommufd.test_add_reserved', ioas, start: 0x10800n, length: 0x10n }).outcome,
      ),
    ).toBe('EADDRINUSE');
  });
});

describe('iommufd_device_bind', () => {
  it('EPERM without isolated MSI; a warning with iommufd.allow_unsafe_interrupts', () => {
    const base = vtdPlatform();
    const noIr = { ...base, iommus: [{ ...base.iommus![0]!, interruptRemapping: false }] };
    expect(
      errnoOf(
        apply(createState(noIr), { op: 'iommufd.device_bind', device: '0000:01:00.0' }).outcome,
      ),
    ).toBe('EPERM');
    const allowed = createState({
      ...noIr,
      moduleParams: { 'iommufd.allow_unsafe_interrupts': true },
    });
    const r = apply(allowed, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
    expect(r.outcome.ok).toBe(true);
    expect(r.outcome.warnings.length).toBe(1);
  });
  it('a non-coherent IOMMU is EINVAL before the MSI check', () => {
    const base = vtdPlatform();
    const p = {
      ...base,
      iommus: [{ ...base.iommus![0]!, coherent: false, interruptRemapping: false }],
    };
    expect(
      errnoOf(apply(createState(p), { op: 'iommufd.device_bind', device: '0000:01:00.0' }).outcome),
    ).toBe('EINVAL');
  });
  it('mock devices skip the MSI check (iommufd_selftest_is_mock_dev)', () => {
    const base = mockPlatform();
    const p = { ...base, iommus: [{ ...base.iommus![0]!, interruptRemapping: false }] };
    expect(apply(createState(p), { op: 'iommufd.device_bind', device: 'mock:0' }).outcome.ok).toBe(
      true,
    );
  });
  it('vfio_df_ioctl_bind_iommufd: binding the same device twice is EINVAL', () => {
    const s = ok(createState(vtdPlatform()), {
      op: 'iommufd.device_bind',
      device: '0000:01:00.0',
    }).state;
    expect(errnoOf(apply(s, { op: 'iommufd.device_bind', device: '0000:01:00.0' }).outcome)).toBe(
      'EINVAL',
    );
  });
  it('unknown device or no IOMMU is ENODEV', () => {
    const s = createState(vtdPlatform({ devices: [{ bdf: '0000:05:00.0' }], iommus: [] }));
    expect(errnoOf(apply(s, { op: 'iommufd.device_bind', device: '0000:05:00.0' }).outcome)).toBe(
      'ENODEV',
    );
    expect(errnoOf(apply(s, { op: 'iommufd.device_bind', device: '0000:09:00.0' }).outcome)).toBe(
      'ENODEV',
    );
  });
  it('iommu_device_claim_dma_owner: a DMA-API sibling is EPERM; require_direct is EINVAL', () => {
    const p = vtdPlatform({
      devices: [
        { bdf: '0000:03:00.0', iommu: 'dmar0', group: 12 },
        { bdf: '0000:03:00.1', iommu: 'dmar0', group: 12, hostDriver: 'e1000e' },
        { bdf: '0000:04:00.0', iommu: 'dmar0', group: 13 },
      ],
      reservedRegions: [{ start: 0x7b800000n, last: 0x7b8fffffn, type: 'direct', group: 13 }],
    });
    const s = createState(p);
    expect(errnoOf(apply(s, { op: 'iommufd.device_bind', device: '0000:03:00.0' }).outcome)).toBe(
      'EPERM',
    );
    const d = apply(s, { op: 'iommufd.device_bind', device: '0000:04:00.0' });
    expect(errnoOf(d.outcome)).toBe('EINVAL');
    expect(d.outcome.ok ? '' : d.outcome.message).toContain('0x7b800000..0x7b8fffff');
  });
  it('vfio_device_block_group: a group set into a VFIO container makes bind EBUSY', () => {
    let s = createState(vtdPlatform());
    const c = apply(s, { op: 'vfio.container_create' });
    s = c.state;
    const set = apply(s, {
      op: 'vfio.group_set_container',
      group: 10,
      container: c.outcome.result?.id as number,
    });
    expect(set.outcome.ok).toBe(true);
    expect(
      errnoOf(apply(set.state, { op: 'iommufd.device_bind', device: '0000:01:00.0' }).outcome),
    ).toBe('EBUSY');
  });
});

describe('iommufd_device_attach', () => {
  it('per-device reserved regions: the message names the mapping and the region', () => {
    const p = vtdPlatform({
      devices: [
        { bdf: '0000:03:00.0', iommu: 'dmar0', group: 12 },
        { bdf: '0000:03:00.1', iommu: 'dmar0', group: 12 },
      ],
      reservedRegions: [
        { ...MSI, type: 'msi', group: 12 },
        { start: 0x40000000n, last: 0x4000ffffn, type: 'reserved', device: '0000:03:00.1' },
      ],
    });
    const a = attached(p, '0000:03:00.0');
    let s = ok(a.s, map(a.ioas, 0x40000000n, 0x10000n)).state;
    const d2 = ok(s, { op: 'iommufd.device_bind', device: '0000:03:00.1' });
    s = d2.state;
    const r = apply(s, { op: 'iommufd.device_attach', dev: d2.id, pt: a.ioas });
    expect(errnoOf(r.outcome)).toBe('EADDRINUSE');
    expect(r.outcome.ok ? '' : r.outcome.message).toContain(
      "0x40000000..0x4000ffff (area 0x40000000..0x4000ffff) overlaps device 0000:03:00.1's reserved region 0x40000000..0x4000ffff",
    );
    expect(r.state).toBe(s);
  });
  it('paging_domain_compatible: a snooping domain refuses a unit without SC, so a new HWPT is made', () => {
    const p = vtdPlatform({
      iommus: [
        {
          id: 'dmar0',
          kind: 'vtd',
          addressWidth: 48,
          pageSizes: [0x1000n, 0x200000n, 0x40000000n],
          snoopControl: true,
        },
        {
          id: 'dmar1',
          kind: 'vtd',
          addressWidth: 48,
          pageSizes: [0x1000n, 0x200000n, 0x40000000n],
          snoopControl: false,
        },
      ],
      devices: [
        { bdf: '0000:01:00.0', iommu: 'dmar0', group: 10 },
        { bdf: '0000:02:00.0', iommu: 'dmar1', group: 11 },
      ],
    });
    const a = attached(p);
    const d2 = ok(a.s, { op: 'iommufd.device_bind', device: '0000:02:00.0' });
    const r = ok(d2.state, { op: 'iommufd.device_attach', dev: d2.id, pt: a.ioas });
    expect(r.id).not.toBe(a.hwpt);
    expect(
      describeIommufd(r.state.iommufd).ioas[0]?.hwpts.map((h) => h.enforceCacheCoherency),
    ).toEqual([true, false]);
  });
  it('iopt_table_add_domain: misaligned existing area blocks raising the alignment (EADDRINUSE)', () => {
    const { s, ioas } = ioasOn();
    const m = ok(s, map(ioas, 0x1001n, 0x1000n)).state;
    const d = ok(m, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
    const r = apply(d.state, { op: 'iommufd.device_attach', dev: d.id, pt: ioas });
    expect(errnoOf(r.outcome)).toBe('EADDRINUSE');
    expect(r.outcome.ok ? '' : r.outcome.rule).toBe('iopt_check_iova_alignment');
  });
  it('iopt_table_add_domain: a smallest page above PAGE_SIZE is EINVAL', () => {
    const p = vtdPlatform({
      iommus: [{ id: 'dmar0', kind: 'vtd', addressWidth: 48, pageSizes: [0x10000n] }],
    });
    const { s, ioas } = ioasOn(p);
    const d = ok(s, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
    expect(
      errnoOf(apply(d.state, { op: 'iommufd.device_attach', dev: d.id, pt: ioas }).outcome),
    ).toBe('EINVAL');
  });
  it('re-attaching an attached device is a replace that moves it to the other IOAS', () => {
    const a = attached();
    const io2 = ok(a.s, { op: 'iommufd.ioas_alloc' });
    const r = ok(io2.state, { op: 'iommufd.device_attach', dev: a.dev, pt: io2.id });
    const view = describeIommufd(r.state.iommufd);
    expect(view.devices[0]?.hwpt).toBe(r.id);
    expect(view.ioas.find((i) => i.id === a.ioas)?.hwpts).toEqual([]);
    expect(view.ioas.find((i) => i.id === a.ioas)?.reserved).toEqual([]);
    expect(
      view.ioas
        .find((i) => i.id === io2.id)
        ?.reserved.some((x) => x.owner === 'device 0000:01:00.0'),
    ).toBe(true);
  });
  it('pt of the wrong type is EINVAL, unknown pt ENOENT', () => {
    const a = attached();
    expect(
      errnoOf(apply(a.s, { op: 'iommufd.device_attach', dev: a.dev, pt: a.dev }).outcome),
    ).toBe('EINVAL');
    expect(errnoOf(apply(a.s, { op: 'iommufd.device_attach', dev: a.dev, pt: 99 }).outcome)).toBe(
      'ENOENT',
    );
  });
});

describe('hwpt alloc, detach, destroy, option', () => {
  it('iommufd_hwpt_alloc: bad dev ENOENT, bad pt EINVAL, unknown flags EOPNOTSUPP', () => {
    const { s, ioas } = ioasOn();
    const d = ok(s, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
    expect(errnoOf(apply(d.state, { op: 'iommufd.hwpt_alloc', dev: 77, pt: ioas }).outcome)).toBe(
      'ENOENT',
    );
    expect(errnoOf(apply(d.state, { op: 'iommufd.hwpt_alloc', dev: d.id, pt: 77 }).outcome)).toBe(
      'EINVAL',
    );
    expect(
      errnoOf(
        apply(d.state, { op: 'iommufd.hwpt_alloc', dev: d.id, pt: ioas, flags: ['0x100'] }).outcome,
      ),
    ).toBe('EOPNOTSUPP');
  });
  it('a manual HWPT applies the aperture to the IOAS at alloc and is never auto-selected', () => {
    const { s, ioas } = ioasOn();
    const d = ok(s, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
    const h = ok(d.state, { op: 'iommufd.hwpt_alloc', dev: d.id, pt: ioas });
    const ranges = apply(h.state, { op: 'iommufd.ioas_iova_ranges', ioas }).outcome.result?.ranges;
    expect(ranges).toEqual([{ start: 0n, last: 0xffffffffffffn }]);
    const att = ok(h.state, { op: 'iommufd.device_attach', dev: d.id, pt: ioas });
    expect(att.id).not.toBe(h.id);
  });
  it('detach destroys the automatic HWPT: ranges and alignment restored', () => {
    const a = attached();
    const s = ok(a.s, { op: 'iommufd.device_detach', dev: a.dev }).state;
    const r = apply(s, { op: 'iommufd.ioas_iova_ranges', ioas: a.ioas });
    expect(r.outcome.result?.num_iovas).toBe(1);
    expect(r.outcome.result?.iova_alignment).toBe(1n);
    expect(errnoOf(apply(s, { op: 'iommufd.destroy', id: a.hwpt }).outcome)).toBe('ENOENT');
  });
  it('iommufd_object_remove: bound device EBUSY, IOAS with HWPT EBUSY, unbind frees both', () => {
    const a = attached();
    expect(errnoOf(apply(a.s, { op: 'iommufd.destroy', id: a.dev }).outcome)).toBe('EBUSY');
    expect(errnoOf(apply(a.s, { op: 'iommufd.destroy', id: a.ioas }).outcome)).toBe('EBUSY');
    const u = ok(a.s, { op: 'iommufd.device_unbind', dev: a.dev }).state;
    expect(u.iommufd.boundDevices.size).toBe(0);
    expect(ok(u, { op: 'iommufd.destroy', id: a.ioas }).state.iommufd.objects.size).toBe(0);
  });
  it('iopt_disable_large_pages: alignment PAGE_SIZE; EADDRINUSE for misaligned areas; EINVAL with domain areas', () => {
    const init = ioasOn();
    let s = init.s;
    const ioas = init.ioas;
    const off = ok(s, {
      op: 'iommufd.option',
      option: 'huge_pages',
      mode: 'set',
      object_id: ioas,
      val: 0,
    });
    expect(
      apply(off.state, { op: 'iommufd.ioas_iova_ranges', ioas }).outcome.result?.iova_alignment,
    ).toBe(0x1000n);
    s = ok(s, map(ioas, 0x1800n, 0x800n)).state;
    expect(
      errnoOf(
        apply(s, {
          op: 'iommufd.option',
          option: 'huge_pages',
          mode: 'set',
          object_id: ioas,
          val: 0,
        }).outcome,
      ),
    ).toBe('EADDRINUSE');
    const a = attached();
    const m = ok(a.s, map(a.ioas, 0x100000n, 0x1000n)).state;
    expect(
      errnoOf(
        apply(m, {
          op: 'iommufd.option',
          option: 'huge_pages',
          mode: 'set',
          object_id: a.ioas,
          val: 0,
        }).outcome,
      ),
    ).toBe('EINVAL');
    expect(
      apply(m, { op: 'iommufd.option', option: 'huge_pages', mode: 'get', object_id: a.ioas })
        .outcome.result?.val,
    ).toBe(1);
  });
});

describe('pinning and accounting', () => {
  it('pins only when the IOAS has a domain; charges lockedBytes; ENOMEM over RLIMIT_MEMLOCK', () => {
    const p = vtdPlatform({ process: { memlockLimit: 0x3000n } });
    const { s, ioas } = ioasOn(p);
    const m1 = ok(s, map(ioas, 0x100000n, 0x2000n)).state;
    expect(lockedBytes(m1)).toBe(0n);
    const d = ok(m1, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
    const att = ok(d.state, { op: 'iommufd.device_attach', dev: d.id, pt: ioas }).state;
    expect(lockedBytes(att)).toBe(0x2000n);
    const r = apply(att, map(ioas, 0x200000n, 0x2000n));
    expect(errnoOf(r.outcome)).toBe('ENOMEM');
    expect(r.state).toBe(att);
    const det = ok(att, { op: 'iommufd.device_detach', dev: d.id }).state;
    expect(lockedBytes(det)).toBe(0n);
  });
  it('IOAS_COPY shares the source pages: no second charge', () => {
    const a = attached();
    const m = ok(a.s, map(a.ioas, 0x100000n, 0x2000n)).state;
    const c = ok(m, {
      op: 'iommufd.ioas_copy',
      src_ioas: a.ioas,
      dst_ioas: a.ioas,
      src_iova: 0x100000n,
      length: 0x2000n,
      flags: RW,
    });
    expect(lockedBytes(c.state)).toBe(0x2000n);
  });
  it('a PFNMAP BAR or unbacked user_va cannot be pinned: EFAULT', () => {
    const p = vtdPlatform({
      process: {
        vaBacking: [
          { start: 0x200000n, last: 0x3fffffn, kind: 'anonymous' },
          {
            start: 0x7f0000000000n,
            last: 0x7f0000ffffffn,
            kind: 'pfnmap',
            name: 'BAR0 of 0000:02:00.0',
          },
        ],
      },
    });
    const a = attached(p);
    const r = apply(a.s, map(a.ioas, 0x100000n, 0x1000n, FIXED_RW, 0x7f0000000000n));
    expect(errnoOf(r.outcome)).toBe('EFAULT');
    expect(r.outcome.ok ? '' : r.outcome.message).toContain('BAR0');
    expect(errnoOf(apply(a.s, map(a.ioas, 0x100000n, 0x1000n, FIXED_RW, 0x900000n)).outcome)).toBe(
      'EFAULT',
    );
  });
});

describe('describeIommufd', () => {
  it('describes IOAS, HWPTs, reservations with owners and devices, sharing the area tree', () => {
    const a = attached();
    const s = ok(a.s, map(a.ioas, 0x100000n, 0x1000n)).state;
    const view = describeIommufd(s);
    expect(view.devices).toEqual([{ id: a.dev, bdf: '0000:01:00.0', hwpt: a.hwpt }]);
    const io = view.ioas[0];
    expect(io?.label).toBe(`IOAS ${a.ioas}`);
    expect(io?.hwpts).toEqual([
      {
        id: a.hwpt,
        auto: true,
        iommu: 'dmar0',
        devices: ['0000:01:00.0'],
        aperture: { start: 0n, last: 0xffffffffffffn },
        enforceCacheCoherency: true,
        pgsizeBitmap: 0x40201000n,
      },
    ]);
    expect(io?.reserved.map((r) => [r.owner, r.type])).toEqual([
      ['device 0000:01:00.0', 'msi'],
      [`hwpt ${a.hwpt} aperture`, 'aperture'],
    ]);
    expect(io?.validIova).toEqual([
      { start: 0n, last: 0xfedfffffn },
      { start: 0xfef00000n, last: 0xffffffffffffn },
    ]);
    expect(io?.areas).toBe(describeIommufd(s.iommufd).ioas[0]?.areas);
    expect(io?.iovaAlignment).toBe(0x1000n);
  });
});
