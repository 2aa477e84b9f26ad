import { describe, expect, it } from 'vitest';
import { apply, createState } from '../../../src/core/engine.ts';
import type { IoasObject } from '../../../src/core/iommufd/state.ts';
import type { EngineState } from '../../../src/core/state.ts';
import { FIXED_RW, ok, vtdPlatform } from './helpers.ts';

/**
 * An area's pages are its own until IOAS_COPY shares them: a map or unmap touches the IOAS's
 * area tree only, and the pages are charged to locked_vm once, whoever holds them, exactly while
 * some holder's IOAS has a domain.
 */

const MIB = 0x100000n;
const map = (ioas: number, iova: bigint, user_va: bigint) =>
  ({ op: 'iommufd.ioas_map', ioas, iova, length: 2n * MIB, flags: FIXED_RW, user_va }) as const;
const areaOf = (s: EngineState, ioas: number, iova: bigint) =>
  (s.iommufd.objects.get(ioas) as IoasObject).areas.find(iova)?.value.pages;

const unmap = (ioas: number, iova: bigint) =>
  ({ op: 'iommufd.ioas_unmap', ioas, iova, length: 2n * MIB }) as const;
const copy = (src_ioas: number, src_iova: bigint, dst_ioas: number, dst_iova: bigint) =>
  ({
    op: 'iommufd.ioas_copy',
    src_ioas,
    src_iova,
    dst_ioas,
    dst_iova,
    length: 2n * MIB,
    flags: FIXED_RW,
  }) as const;

function twoIoas() {
  let s = createState(vtdPlatform());
  const a = ok(s, { op: 'iommufd.ioas_alloc' });
  const b = ok(a.state, { op: 'iommufd.ioas_alloc' });
  s = b.state;
  const dev = ok(s, { op: 'iommufd.device_bind', device: '0000:01:00.0' });
  const att = ok(dev.state, { op: 'iommufd.device_attach', dev: dev.id, pt: a.id });
  return { s: att.state, a: a.id, b: b.id, dev: dev.id };
}

describe('own and shared pages', () => {
  it('a map and an unmap leave the shared pages tree alone and charge the area in a pinned IOAS', () => {
    const { s, a, b } = twoIoas();
    const mapped = ok(s, map(a, 0x1000_0000n, 0x7f00_0000_0000n)).state;
    expect(mapped.iommufd.pages).toBe(s.iommufd.pages);
    expect(areaOf(mapped, a, 0x1000_0000n)).toMatchObject({ chargeBytes: 2n * MIB });
    expect(mapped.iommufd.lockedBytes).toBe(s.iommufd.lockedBytes + 2n * MIB);
    // IOAS b has no domain: nothing is pinned, nothing charged.
    const unpinned = ok(mapped, map(b, 0x1000_0000n, 0x7f10_0000_0000n)).state;
    expect(unpinned.iommufd.lockedBytes).toBe(mapped.iommufd.lockedBytes);
    const unmapped = ok(mapped, unmap(a, 0x1000_0000n)).state;
    expect(unmapped.iommufd.pages).toBe(s.iommufd.pages);
    expect(unmapped.iommufd.lockedBytes).toBe(s.iommufd.lockedBytes);
  });

  it('a copy shares the pages, charged once, until the last pinned holder lets go', () => {
    const { s, a, b } = twoIoas();
    const mapped = ok(s, map(a, 0x1000_0000n, 0x7f00_0000_0000n)).state;
    const copied = ok(mapped, copy(a, 0x1000_0000n, b, 0x2000_0000n)).state;
    const id = areaOf(copied, a, 0x1000_0000n);
    expect(typeof id).toBe('number');
    expect(areaOf(copied, b, 0x2000_0000n)).toBe(id);
    expect(copied.iommufd.pages.get(id as number)).toMatchObject({ users: 2, pinnedUsers: 1 });
    expect(copied.iommufd.lockedBytes).toBe(mapped.iommufd.lockedBytes);
    // The pinned holder unmaps: the copy in the IOAS without a domain keeps them, unpinned.
    const left = ok(copied, unmap(a, 0x1000_0000n)).state;
    expect(left.iommufd.pages.get(id as number)).toMatchObject({ users: 1, pinnedUsers: 0 });
    expect(left.iommufd.lockedBytes).toBe(s.iommufd.lockedBytes);
  });

  it('a failed copy leaves the source areas as they were', () => {
    const { s, a } = twoIoas();
    const mapped = ok(s, map(a, 0x1000_0000n, 0x7f00_0000_0000n)).state;
    // Onto the source area itself, in the same IOAS: EEXIST after the pages were shared.
    const r = apply(mapped, copy(a, 0x1000_0000n, a, 0x1000_0000n));
    expect(r.outcome).toMatchObject({ ok: false, errno: 'EEXIST' });
    expect(r.state).toBe(mapped);
    expect(typeof areaOf(r.state, a, 0x1000_0000n)).toBe('object');
  });
});
