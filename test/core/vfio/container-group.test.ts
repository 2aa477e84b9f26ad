import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/core/engine.ts';
import { createState } from '../../../src/core/state.ts';
import { map, platform, ready, session, VA, vtd } from './helpers.ts';

describe('container and group layer (container.c, group.c)', () => {
  it('vfio.container_create: ids are the lowest free >= 1', () => {
    const s = session(platform());
    expect(s.ok({ op: 'vfio.container_create' }).result).toEqual({ id: 1 });
    expect(s.ok({ op: 'vfio.container_create' }).result).toEqual({ id: 2 });
  });

  it('vfio_group_ioctl_set_container: unknown container fd is EBADF', () => {
    const s = session(platform());
    s.fail({ op: 'vfio.group_set_container', group: 10, container: 7 }, 'EBADF');
    s.fail({ op: 'vfio.group_set_container', group: 10, container: '$nope' }, 'EBADF');
  });

  it('vfio_group_fops_open: a group that does not exist has no /dev/vfio node (ENOENT)', () => {
    const s = session(platform());
    s.ok({ op: 'vfio.container_create' });
    s.fail({ op: 'vfio.group_set_container', group: 99, container: 1 }, 'ENOENT');
    s.fail({ op: 'vfio.group_get_status', group: 99 }, 'ENOENT');
  });

  it('vfio_group_find_or_alloc: a non-coherent IOMMU never gets a VFIO group', () => {
    const s = session(platform({ units: [vtd('dmar0', { coherent: false })] }));
    s.ok({ op: 'vfio.container_create' });
    const o = s.fail({ op: 'vfio.group_set_container', group: 10, container: 1 }, 'ENOENT');
    expect(o.message).toContain('IOMMU_CAP_CACHE_COHERENCY');
  });

  it('vfio_group_find_or_alloc: a group with no device bound to a VFIO driver has no node', () => {
    const s = session(
      platform({
        devices: [{ bdf: '0000:01:00.0', iommu: 'dmar0', group: 10, hostDriver: 'nvme' }],
      }),
    );
    s.ok({ op: 'vfio.container_create' });
    s.fail({ op: 'vfio.group_set_container', group: 10, container: 1 }, 'ENOENT');
  });

  it('vfio_group_ioctl_set_container: a group already in a container is EINVAL', () => {
    const s = session(platform());
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.fail({ op: 'vfio.group_set_container', group: 10, container: 2 }, 'EINVAL');
    s.fail({ op: 'vfio.group_set_container', group: 10, container: 1 }, 'EINVAL');
  });

  it('iommu_group_claim_dma_owner: a member bound to a DMA-API driver makes the group not viable (EPERM)', () => {
    const p = platform({
      devices: [
        { bdf: '0000:03:00.0', iommu: 'dmar0', group: 12 },
        { bdf: '0000:03:00.1', iommu: 'dmar0', group: 12, hostDriver: 'e1000e' },
      ],
    });
    const s = session(p);
    s.ok({ op: 'vfio.container_create' });
    const o = s.fail({ op: 'vfio.group_set_container', group: 12, container: 1 }, 'EPERM');
    expect(o.message).toContain('0000:03:00.1 is bound to e1000e');
    const st = s.ok({ op: 'vfio.group_get_status', group: 12 });
    expect(st.result).toMatchObject({ viable: false, container_set: false, flags: 0 });
  });

  it('__iommu_device_set_domain: a require_direct member refuses the blocking domain (EINVAL)', () => {
    const p = platform({
      resv: [
        {
          start: 0x3e000000n,
          last: 0x3e0fffffn,
          type: 'direct',
          device: '0000:01:00.0',
          origin: 'RMRR',
        },
      ],
    });
    const s = session(p);
    s.ok({ op: 'vfio.container_create' });
    const o = s.fail({ op: 'vfio.group_set_container', group: 10, container: 1 }, 'EINVAL');
    expect(o.message).toContain('0x3e000000..0x3e0fffff');
  });

  it('intel_iommu_attach_device: before 6.6 VT-d refused RMRR devices at attach with EPERM', () => {
    const p = platform({
      resv: [{ start: 0x3e000000n, last: 0x3e0fffffn, type: 'direct', device: '0000:01:00.0' }],
      rest: { kernel: { version: '6.1' } },
    });
    const s = session(p);
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.fail({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' }, 'EPERM');
  });

  it('direct-relaxable regions do not make a device require_direct', () => {
    const p = platform({
      resv: [
        { start: 0x3e000000n, last: 0x3e0fffffn, type: 'direct-relaxable', device: '0000:01:00.0' },
      ],
    });
    ready(p);
  });

  it('vfio_group_fops_open: a group whose device is bound to iommufd through its cdev is EBUSY', () => {
    const base = createState(platform());
    const state = {
      ...base,
      iommufd: { ...base.iommufd, boundDevices: new Map([['0000:01:00.0', 1]]) },
    };
    const r = apply(state, { op: 'vfio.group_set_container', group: 10, container: 1 });
    expect(r.outcome).toMatchObject({ ok: false, errno: 'EBUSY', rule: 'vfio_group_fops_open' });
    expect(r.state).toBe(state);
  });

  it('vfio_group_ioctl_unset_container: not set is EINVAL', () => {
    const s = session(platform());
    s.fail({ op: 'vfio.group_unset_container', group: 10 }, 'EINVAL');
  });

  it('vfio_group_ioctl_get_status: viable and container_set flags', () => {
    const s = session(platform());
    expect(s.ok({ op: 'vfio.group_get_status', group: 10 }).result).toEqual({
      flags: 1,
      viable: true,
      container_set: false,
    });
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    expect(s.ok({ op: 'vfio.group_get_status', group: 10 }).result).toEqual({
      flags: 3,
      viable: true,
      container_set: true,
    });
  });

  it('vfio_group_ioctl_get_device_fd: ENODEV for a non-member, EINVAL without container or driver', () => {
    const s = session(platform());
    s.fail({ op: 'vfio.group_get_device_fd', group: 10, device: '0000:09:00.0' }, 'ENODEV');
    s.fail({ op: 'vfio.group_get_device_fd', group: 10, device: '0000:01:00.0' }, 'EINVAL');
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    const o = s.fail(
      { op: 'vfio.group_get_device_fd', group: 10, device: '0000:01:00.0' },
      'EINVAL',
    );
    expect(o.rule).toBe('vfio_group_use_container');
    s.ok({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' });
    expect(
      s.ok({ op: 'vfio.group_get_device_fd', group: 10, device: '0000:01:00.0' }).result,
    ).toEqual({ id: 1 });
    expect(
      s.ok({ op: 'vfio.group_get_device_fd', group: 10, device: '0000:01:00.0' }).result,
    ).toEqual({ id: 2 });
  });

  it('vfio_group_ioctl_unset_container: an open device fd is EBUSY until it is closed', () => {
    const s = ready(platform());
    s.ok({ op: 'vfio.group_get_device_fd', group: 10, device: '0000:01:00.0' });
    s.fail({ op: 'vfio.group_unset_container', group: 10 }, 'EBUSY');
    s.ok({ op: 'vfio.device_close', fd: 1 });
    s.fail({ op: 'vfio.device_close', fd: 1 }, 'EBADF');
    s.ok({ op: 'vfio.group_unset_container', group: 10 });
  });

  it('vfio_ioctl_set_iommu: no group, or a driver already set, is EINVAL', () => {
    const s = session(platform());
    s.ok({ op: 'vfio.container_create' });
    s.fail({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' }, 'EINVAL');
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.ok({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' });
    s.fail({ op: 'vfio.set_iommu', container: 1, type: 'type1' }, 'EINVAL');
  });

  it('vfio_ioctl_set_iommu: types other than 1 and 3 (including the reserved nesting id 6) are ENODEV', () => {
    for (const type of [6, 2, 8, 0, 42]) {
      const s = session(platform());
      s.ok({ op: 'vfio.container_create' });
      s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
      s.fail({ op: 'vfio.set_iommu', container: 1, type }, 'ENODEV');
    }
    const s = session(platform());
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.ok({ op: 'vfio.set_iommu', container: 1, type: 1 });
  });

  it('vfio_fops_unl_ioctl: MAP, UNMAP and GET_INFO before SET_IOMMU are EINVAL', () => {
    const s = session(platform());
    s.ok({ op: 'vfio.container_create' });
    s.fail(map(0x100000n, 0x1000n), 'EINVAL');
    s.fail({ op: 'vfio.unmap_dma', container: 1, iova: 0n, size: 0n, flags: ['ALL'] }, 'EINVAL');
    s.fail({ op: 'vfio.get_info', container: 1 }, 'EINVAL');
    s.fail({ op: 'vfio.get_info', container: 5 }, 'EBADF');
  });

  it('vfio_group_detach_container: the last group releases the driver, its mappings and locked memory', () => {
    const s = ready(platform({ rest: { process: { memlockLimit: 0x10000n } } }));
    s.ok(map(0x100000n, 0x10000n));
    expect(s.state.vfio.lockedBytes).toBe(0x10000n);
    s.ok({ op: 'vfio.group_unset_container', group: 10 });
    expect(s.state.vfio.lockedBytes).toBe(0n);
    expect(s.state.vfio.containers.get(1)?.driver).toBeUndefined();
    s.fail(map(0x100000n, 0x1000n), 'EINVAL');
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.ok({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' });
    s.ok(map(0x100000n, 0x10000n, { vaddr: VA }));
  });

  it('vfio_iommu_type1_check_extension: NULL data before SET_IOMMU, per-domain coherency after', () => {
    const s = session(
      platform({
        units: [vtd('dmar0'), vtd('dmar1', { snoopControl: false })],
        groups: { 10: 'dmar0', 11: 'dmar1' },
      }),
    );
    s.ok({ op: 'vfio.container_create' });
    const ext = (e: string | number) =>
      s.ok({ op: 'vfio.check_extension', container: 1, extension: e }).result?.value;
    expect([ext('VFIO_TYPE1_IOMMU'), ext('VFIO_TYPE1v2_IOMMU'), ext('VFIO_UNMAP_ALL')]).toEqual([
      1, 1, 1,
    ]);
    expect([
      ext('VFIO_DMA_CC_IOMMU'),
      ext('VFIO_UPDATE_VADDR'),
      ext('VFIO_NOIOMMU_IOMMU'),
      ext(6),
      ext('0x2'),
    ]).toEqual([0, 0, 0, 0, 0]);
    s.ok({ op: 'vfio.group_set_container', group: 10, container: 1 });
    s.ok({ op: 'vfio.set_iommu', container: 1, type: 'type1v2' });
    expect([ext('VFIO_DMA_CC_IOMMU'), ext('VFIO_UPDATE_VADDR'), ext(3)]).toEqual([1, 1, 1]);
    s.ok({ op: 'vfio.group_set_container', group: 11, container: 1 });
    expect(ext('VFIO_DMA_CC_IOMMU')).toBe(0);
    s.ok({ op: 'vfio.group_unset_container', group: 11 });
    expect(ext('VFIO_DMA_CC_IOMMU')).toBe(1);
  });
});
