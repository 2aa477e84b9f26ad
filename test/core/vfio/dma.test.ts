import { describe, expect, it } from 'vitest';
import { defaultVaddr } from '../../../src/core/vfio/dma.ts';
import { info, map, platform, ready, unmap, VA, vtd } from './helpers.ts';

const U64_MAX = (1n << 64n) - 1n;
const TOP_PAGE = 0xffff_ffff_ffff_f000n;
const amd64 = () =>
  platform({
    units: [{ id: 'ivhd0', kind: 'amd', addressWidth: 64, pgsizeBitmap: 0xffffff7ffffff000n }],
  });
const amd64Legacy = () => ({ ...amd64(), kernel: { version: '6.12' } });

describe('VFIO_IOMMU_MAP_DMA (vfio_dma_do_map)', () => {
  it('vfio_iommu_type1_map_dma: unknown flag bits and names are EINVAL', () => {
    const s = ready(platform());
    s.fail(map(0x100000n, 0x1000n, { flags: ['READ', '0x8'] }), 'EINVAL');
    s.fail(map(0x100000n, 0x1000n, { flags: ['READ', 'FIXED_IOVA'] }), 'EINVAL');
    s.ok(map(0x100000n, 0x1000n, { flags: ['0x3'] }));
  });

  it('vfio_dma_do_map: size 0 is EINVAL', () => {
    ready(platform()).fail(map(0x100000n, 0n), 'EINVAL');
  });

  it('vfio_dma_do_map: iova + size - 1 overflow is EOVERFLOW (6.18+), checked before prot and alignment', () => {
    const s = ready(amd64());
    s.fail(map(TOP_PAGE, 0x2000n), 'EOVERFLOW');
    s.fail(map(TOP_PAGE + 1n, 0x2000n, { flags: [] }), 'EOVERFLOW');
    s.fail(map(0x100000n, 0x2000n, { vaddr: U64_MAX - 0xfffn }), 'EOVERFLOW');
  });

  it('vfio_dma_do_map: before 6.18 the wrap is EINVAL, after prot and alignment', () => {
    const s = ready(amd64Legacy());
    const o = s.fail(map(TOP_PAGE, 0x2000n), 'EINVAL');
    expect(o.message).toContain('6.18');
  });

  it('vfio_dma_do_map: size 2^64-1 is misaligned, not overflowing (EINVAL)', () => {
    const s = ready(amd64());
    const o = s.fail(map(0n, U64_MAX, { vaddr: 0n }), 'EINVAL');
    expect(o.message).toContain('not aligned');
    // With no vaddr given the default user address is chosen so that it cannot wrap.
    s.fail(map(0n, U64_MAX, { vaddr: undefined }), 'EINVAL');
  });

  it('vfio_dma_do_map: READ/WRITE with VADDR, or neither, is EINVAL', () => {
    const s = ready(platform());
    s.fail(map(0x100000n, 0x1000n, { flags: [] }), 'EINVAL');
    s.fail(map(0x100000n, 0x1000n, { flags: ['READ', 'VADDR'] }), 'EINVAL');
  });

  it('vfio_dma_do_map: iova, size and vaddr must be aligned to the smallest page size', () => {
    const s = ready(platform());
    s.fail(map(0x100800n, 0x1000n), 'EINVAL');
    s.fail(map(0x100000n, 0x800n), 'EINVAL');
    s.fail(map(0x100000n, 0x1000n, { vaddr: VA + 0x10n }), 'EINVAL');
  });

  it('vfio_dma_do_map: overlap is EEXIST before dma_entry_limit ENOSPC before vfio_iommu_iova_dma_valid EINVAL', () => {
    const s = ready(
      platform({ rest: { moduleParams: { 'vfio_iommu_type1.dma_entry_limit': 1 } } }),
    );
    s.ok(map(0x100000n, 0x2000n));
    s.fail(map(0x101000n, 0x2000n), 'EEXIST');
    s.fail(map(0xfee00000n, 0x1000n), 'ENOSPC');
    s.ok(unmap(0x100000n, 0x2000n));
    const o = s.fail(map(0xfee00000n, 0x1000n), 'EINVAL');
    expect(o.rule).toBe('vfio_iommu_iova_dma_valid');
    expect(o.message).toBe(
      "iova 0xfee00000..0xfee00fff overlaps group 10's msi region 0xfee00000..0xfeefffff",
    );
  });

  it('vfio_iommu_iova_dma_valid: a range must fit in one node; spanning the MSI hole is EINVAL even with valid ends', () => {
    const s = ready(platform());
    s.fail(map(0xfed00000n, 0x300000n), 'EINVAL');
    s.ok(map(0xfed00000n, 0x100000n));
    s.ok(map(0xfef00000n, 0x100000n));
  });

  it('vfio_iommu_iova_dma_valid: beyond the aperture is EINVAL and names it', () => {
    const s = ready(platform({ units: [vtd('dmar0', { addressWidth: 39 })] }));
    const o = s.fail(map(0x8000000000n, 0x1000n), 'EINVAL');
    expect(o.message).toContain('0x0..0x7fffffffff');
    s.ok(map(0x7ffffff000n, 0x1000n));
  });

  it('vfio_dma_do_map: dma_avail counts mappings, failed maps give the entry back', () => {
    const s = ready(platform());
    s.ok(map(0x100000n, 0x1000n));
    s.fail(map(0xfee00000n, 0x1000n), 'EINVAL');
    expect(info(s).dma_avail).toBe(65534);
  });

  it('vaddr_get_pfns: user memory that is not mapped is EFAULT, a write map of read-only memory is EFAULT', () => {
    const p = platform({
      rest: {
        process: {
          vaBacking: [
            { start: 0x10000000n, last: 0x1000ffffn, kind: 'anonymous' },
            { start: 0x20000000n, last: 0x2000ffffn, kind: 'readonly' },
          ],
        },
      },
    });
    const s = ready(p);
    s.fail(map(0x100000n, 0x1000n, { vaddr: 0x30000000n }), 'EFAULT');
    s.fail(map(0x100000n, 0x20000n, { vaddr: 0x10000000n }), 'EFAULT');
    s.fail(map(0x100000n, 0x1000n, { vaddr: 0x20000000n }), 'EFAULT');
    s.ok(map(0x100000n, 0x1000n, { vaddr: 0x20000000n, flags: ['READ'] }));
    s.ok(map(0x200000n, 0x10000n, { vaddr: 0x10000000n }));
  });

  it('vfio_lock_acct: RLIMIT_MEMLOCK is ENOMEM, billed across containers, and pfnmap memory is not charged', () => {
    const p = platform({
      groups: { 10: 'dmar0', 11: 'dmar0' },
      rest: {
        process: {
          memlockLimit: 0x3000n,
          vaBacking: [
            { start: VA, last: VA + 0xfffffn, kind: 'anonymous' },
            { start: 0x40000000n, last: 0x4fffffffn, kind: 'pfnmap', name: 'BAR0' },
          ],
        },
      },
    });
    const s = ready(p, [10]);
    s.ok({ op: 'vfio.container_create' });
    s.ok({ op: 'vfio.group_set_container', group: 11, container: 2 });
    s.ok({ op: 'vfio.set_iommu', container: 2, type: 'type1v2' });
    s.ok(map(0x100000n, 0x2000n));
    // The same user pages in another container are billed again (no cross-container dedup).
    s.fail(map(0x100000n, 0x2000n, { container: 2 }), 'ENOMEM');
    s.ok(map(0x100000n, 0x1000n, { container: 2 }));
    expect(s.state.vfio.lockedBytes).toBe(0x3000n);
    s.fail(map(0x200000n, 0x1000n), 'ENOMEM');
    s.ok(map(0x10000000n, 0x100000n, { vaddr: 0x40000000n }));
    expect(s.state.vfio.lockedBytes).toBe(0x3000n);
    s.ok(unmap(0x100000n, 0x2000n));
    expect(s.state.vfio.lockedBytes).toBe(0x1000n);
  });

  it('vfio_lock_acct: pinning is billed once per container whatever the number of domains (seed 002)', () => {
    const p = platform({
      units: [vtd('dmar0'), vtd('dmar1', { snoopControl: false })],
      groups: { 10: 'dmar0', 11: 'dmar1' },
      rest: { process: { memlockLimit: 0x2000n } },
    });
    const s = ready(p, [10, 11]);
    expect(s.state.vfio.containers.get(1)?.driver?.domains.length).toBe(2);
    s.ok(map(0x100000n, 0x2000n));
    expect(s.state.vfio.lockedBytes).toBe(0x2000n);
  });

  it('vfio_dma_do_map: without a vaddr a deterministic page-aligned default is used', () => {
    expect(defaultVaddr(0x1000n, 0x1000n)).toBe(0x7f0000000000n);
    expect(defaultVaddr(U64_MAX, 0x1000n)).toBe(0n);
    const s = ready(platform());
    s.ok(map(0x100000n, 0x1000n, { vaddr: undefined }));
    expect(s.state.vfio.containers.get(1)?.driver?.dma.at(0x100000n)?.value.vaddr).toBe(
      0x7f0000000000n,
    );
  });
});

describe('VFIO_IOMMU_UNMAP_DMA (vfio_dma_do_unmap)', () => {
  it('vfio_iommu_type1_unmap_dma: unknown bits EINVAL; GET_DIRTY_BITMAP with ALL/VADDR or without tracking EINVAL', () => {
    const s = ready(platform());
    s.fail(unmap(0x100000n, 0x1000n, ['0x80000000']), 'EINVAL');
    s.fail(unmap(0n, 0n, ['ALL', 'GET_DIRTY_BITMAP']), 'EINVAL');
    s.fail(unmap(0x100000n, 0x1000n, ['GET_DIRTY_BITMAP']), 'EINVAL');
  });

  it('vfio_dma_do_unmap: misaligned iova is EINVAL before the ALL check', () => {
    const s = ready(platform());
    const o = s.fail(unmap(0x800n, 0n, ['ALL']), 'EINVAL');
    expect(o.message).toContain('not aligned');
  });

  it('vfio_dma_do_unmap: ALL needs iova 0 and size 0', () => {
    const s = ready(platform());
    s.fail(unmap(0x1000n, 0n, ['ALL']), 'EINVAL');
    s.fail(unmap(0n, 0x1000n, ['ALL']), 'EINVAL');
  });

  it('vfio_dma_do_unmap: size 0 or misaligned is EINVAL; wrap is EOVERFLOW (legacy EINVAL)', () => {
    const s = ready(amd64());
    s.fail(unmap(0x100000n, 0n), 'EINVAL');
    s.fail(unmap(0x100000n, 0x800n), 'EINVAL');
    s.fail(unmap(TOP_PAGE, 0x2000n), 'EOVERFLOW');
    s.fail(unmap(0n, U64_MAX), 'EINVAL');
    ready(amd64Legacy()).fail(unmap(TOP_PAGE, 0x2000n), 'EINVAL');
  });

  it('vfio_dma_do_unmap: v2 must not bisect at the first or the last byte, and removes nothing then', () => {
    const s = ready(platform());
    s.ok(map(0x100000n, 0x2000n));
    s.ok(map(0x200000n, 0x2000n));
    s.fail(unmap(0x101000n, 0x1000n), 'EINVAL');
    s.fail(unmap(0x100000n, 0x101000n), 'EINVAL');
    expect(s.state.vfio.containers.get(1)?.driver?.dma.size).toBe(2);
    expect(s.ok(unmap(0x100000n, 0x102000n)).result).toEqual({ size: 0x4000n });
  });

  it('vfio_dma_do_unmap: an empty range is success with size 0', () => {
    const s = ready(platform());
    expect(s.ok(unmap(0x100000n, 0x1000n)).result).toEqual({ size: 0n });
  });

  it('vfio_dma_do_unmap: v1 starting inside a mapping unmaps nothing; covering its first page removes all of it', () => {
    const s = ready(platform(), [10], 'type1');
    s.ok(map(0x100000n, 0x4000n));
    expect(s.ok(unmap(0x101000n, 0x1000n)).result).toEqual({ size: 0n });
    expect(s.ok(unmap(0x100000n, 0x1000n)).result).toEqual({ size: 0x4000n });
    expect(s.state.vfio.containers.get(1)?.driver?.dma.size).toBe(0);
  });

  it('seed 004: the last page 0xffff_ffff_ffff_f000 maps and unmaps on a 64-bit aperture', () => {
    const s = ready(amd64());
    expect(info(s).iova_ranges.at(-1)).toEqual({ start: 0xfef00000n, last: U64_MAX });
    s.ok(map(TOP_PAGE, 0x1000n));
    expect(s.ok(unmap(TOP_PAGE, 0x1000n)).result).toEqual({ size: 0x1000n });
    s.ok(map(TOP_PAGE, 0x1000n));
    expect(s.ok(unmap(0n, 0n, ['ALL'])).result).toEqual({ size: 0x1000n });
  });

  it('seed 004: unmap(0, 0xfffffffffffff000) removes everything but a mapping of the last page', () => {
    const s = ready(amd64());
    s.ok(map(0x100000n, 0x1000n));
    s.ok(map(0xfff0_0000_0000_0000n, 0x200000n));
    s.ok(map(TOP_PAGE, 0x1000n));
    expect(s.ok(unmap(0n, 0xfffffffffffff000n)).result).toEqual({ size: 0x201000n });
    expect(
      s.state.vfio.containers
        .get(1)
        ?.driver?.dma.toArray()
        .map((m) => m.start),
    ).toEqual([TOP_PAGE]);
  });

  it('seed 004: the largest whole-range map [0, 0xffffffffffffefff] is size 0xfffffffffffff000', () => {
    const p = platform({
      units: [{ id: 'ivhd0', kind: 'amd', addressWidth: 64, pgsizeBitmap: 0xffffff7ffffff000n }],
      msi: false,
    });
    const s = ready(p);
    s.ok(map(0n, 0xfffffffffffff000n, { vaddr: 0n }));
    s.ok(map(TOP_PAGE, 0x1000n, { vaddr: 0n }));
    // 2^64 bytes removed: the u64 size field wraps to 0, as the kernel's does.
    expect(s.ok(unmap(0n, 0n, ['ALL'])).result).toEqual({ size: 0n });
    expect(s.state.vfio.containers.get(1)?.driver?.dma.size).toBe(0);
  });

  it('vfio_dma_do_unmap: pre-fix kernels miss a mapping ending at 2^64-1 (size 0, mapping left)', () => {
    const s = ready(amd64Legacy());
    s.ok(map(TOP_PAGE, 0x1000n));
    expect(s.ok(unmap(TOP_PAGE, 0x1000n)).result).toEqual({ size: 0n });
    expect(s.ok(unmap(0n, 0n, ['ALL'])).result).toEqual({ size: 0n });
    // With an earlier mapping the walk starts there and reaches the last page too.
    s.ok(map(0x100000n, 0x1000n));
    expect(s.ok(unmap(0n, 0n, ['ALL'])).result).toEqual({ size: 0x2000n });
  });

  it('vfio_dma_do_unmap: VADDR invalidates and reports the size; double invalidation is EINVAL with nothing changed', () => {
    const s = ready(platform());
    s.ok(map(0x100000n, 0x2000n));
    s.ok(map(0x200000n, 0x1000n));
    expect(s.ok(unmap(0x200000n, 0x1000n, ['VADDR'])).result).toEqual({ size: 0x1000n });
    s.fail(unmap(0x100000n, 0x101000n, ['VADDR']), 'EINVAL');
    expect(s.state.vfio.containers.get(1)?.driver?.vaddrInvalidCount).toBe(1);
    expect(s.ok(unmap(0n, 0n, ['ALL'])).result).toEqual({ size: 0x3000n });
    expect(s.state.vfio.containers.get(1)?.driver?.vaddrInvalidCount).toBe(0);
  });

  it('vfio_dma_do_map: VADDR update needs an exact, invalidated mapping (ENOENT / EINVAL) and uses no entry', () => {
    const s = ready(platform());
    s.ok(map(0x100000n, 0x2000n));
    s.fail(map(0x300000n, 0x1000n, { flags: ['VADDR'] }), 'ENOENT');
    s.fail(map(0x100000n, 0x2000n, { flags: ['VADDR'] }), 'EINVAL');
    s.ok(unmap(0x100000n, 0x2000n, ['VADDR']));
    s.fail(map(0x100000n, 0x1000n, { flags: ['VADDR'] }), 'EINVAL');
    s.fail(map(0x100000n, 0x2000n), 'EEXIST');
    s.ok(map(0x100000n, 0x2000n, { flags: ['VADDR'], vaddr: 0x7f1000000000n }));
    expect(info(s).dma_avail).toBe(65534);
  });
});
