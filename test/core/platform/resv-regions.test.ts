import { describe, expect, it } from 'vitest';
import { apply } from '../../../src/core/engine.ts';
import {
  insertResvRegion,
  mergeGroupResvRegions,
  sysfsLine,
  type ResvRegion,
} from '../../../src/core/platform/resv-regions.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';
import type { ResvType } from '../../../src/core/platform/types.ts';
import { createState } from '../../../src/core/state.ts';

/** `iommu_get_group_resv_regions` / `iommu_insert_resv_region` and the sysfs format (§6.1). */

const R = (start: bigint, last: bigint, type: ResvType): ResvRegion => ({
  start,
  last,
  type,
  origin: undefined,
});
const lines = (list: readonly ResvRegion[]) => list.map(sysfsLine);

describe('reserved region merge rules', () => {
  it('merges identical regions of one type reported by several devices', () => {
    const msi = R(0xfee00000n, 0xfeefffffn, 'msi');
    expect(lines(mergeGroupResvRegions([[msi], [msi], [msi]]))).toEqual([
      '0x00000000fee00000 0x00000000feefffff msi',
    ]);
  });

  it('merges overlapping and touching regions of the same type', () => {
    expect(
      lines(
        mergeGroupResvRegions([
          [R(0x1000n, 0x1fffn, 'reserved')],
          [R(0x2000n, 0x2fffn, 'reserved')],
          [R(0x2800n, 0x4fffn, 'reserved')],
        ]),
      ),
    ).toEqual(['0x0000000000001000 0x0000000000004fff reserved']);
  });

  it('keeps a gap of one byte apart', () => {
    expect(
      lines(
        mergeGroupResvRegions([[R(0x1000n, 0x1ffen, 'direct')], [R(0x2000n, 0x2fffn, 'direct')]]),
      ),
    ).toEqual([
      '0x0000000000001000 0x0000000000001ffe direct',
      '0x0000000000002000 0x0000000000002fff direct',
    ]);
  });

  it('never merges different types, even when they overlap; equal starts put the lower type first', () => {
    expect(
      lines(
        mergeGroupResvRegions([
          [R(0x10000000n, 0x1000ffffn, 'reserved')],
          [R(0x10008000n, 0x10017fffn, 'direct-relaxable')],
        ]),
      ),
    ).toEqual([
      '0x0000000010000000 0x000000001000ffff reserved',
      '0x0000000010008000 0x0000000010017fff direct-relaxable',
    ]);
    expect(
      lines(insertResvRegion([R(0x1000n, 0x1fffn, 'msi')], R(0x1000n, 0x1fffn, 'direct'))),
    ).toEqual([
      '0x0000000000001000 0x0000000000001fff direct',
      '0x0000000000001000 0x0000000000001fff msi',
    ]);
  });

  it('merges across a region of another type in between', () => {
    const list = mergeGroupResvRegions([
      [R(0x0n, 0xfffn, 'reserved'), R(0x1000n, 0x1fffn, 'msi'), R(0x1000n, 0x2fffn, 'reserved')],
    ]);
    expect(lines(list)).toEqual([
      '0x0000000000000000 0x0000000000002fff reserved',
      '0x0000000000001000 0x0000000000001fff msi',
    ]);
  });

  it('sorts by start whatever the insertion order, and reaches the top of the space', () => {
    const list = mergeGroupResvRegions([
      [R(0xfffffffffffff000n, 0xffffffffffffffffn, 'reserved'), R(0n, 0xfffn, 'direct')],
    ]);
    expect(lines(list)).toEqual([
      '0x0000000000000000 0x0000000000000fff direct',
      '0xfffffffffffff000 0xffffffffffffffff reserved',
    ]);
  });
});

describe('sysfs reserved_regions format', () => {
  it('prints sw-msi as msi, with 16 zero-padded digits and inclusive ends', () => {
    expect(sysfsLine(R(0x8000000n, 0x80fffffn, 'sw-msi'))).toBe(
      '0x0000000008000000 0x00000000080fffff msi',
    );
    expect(sysfsLine(R(0x7b800000n, 0x7b8fffffn, 'direct-relaxable'))).toBe(
      '0x000000007b800000 0x000000007b8fffff direct-relaxable',
    );
  });

  it('is what iommu.group_resv_regions returns for a group, merging per device, per group and platform-wide regions', () => {
    const platform: PlatformInput = {
      iommus: [{ id: 'dmar0', kind: 'vtd' }],
      devices: [
        { bdf: '0000:01:00.0', iommu: 'dmar0', group: 5 },
        { bdf: '0000:01:00.1', iommu: 'dmar0', group: 5 },
        { bdf: '0000:02:00.0', iommu: 'dmar0', group: 6 },
      ],
      reservedRegions: [
        { start: 0xfee00000n, last: 0xfeefffffn, type: 'msi' },
        { start: 0x7b800000n, last: 0x7b8fffffn, type: 'direct-relaxable', device: '0000:01:00.1' },
        { start: 0x7b900000n, last: 0x7b9fffffn, type: 'direct-relaxable', device: '0000:01:00.0' },
        { start: 0x1000n, last: 0x1fffn, type: 'reserved', group: 6 },
      ],
    };
    const state = createState(platform);
    const sysfs = (group: number) => {
      const o = apply(state, { op: 'iommu.group_resv_regions', group }).outcome;
      return o.ok ? o.result?.['sysfs'] : o.errno;
    };
    expect(sysfs(5)).toEqual([
      '0x000000007b800000 0x000000007b9fffff direct-relaxable',
      '0x00000000fee00000 0x00000000feefffff msi',
    ]);
    expect(sysfs(6)).toEqual([
      '0x0000000000001000 0x0000000000001fff reserved',
      '0x00000000fee00000 0x00000000feefffff msi',
    ]);
    expect(sysfs(7)).toBe('ENOENT');
  });

  it('with hostBridgeWindowsReserved, memory windows become reserved regions (the 2017–2019 ARM behaviour)', () => {
    const platform = (on: boolean): PlatformInput => ({
      iommus: [{ id: 'smmu0', kind: 'smmuv3' }],
      hostBridges: [
        {
          id: 'pci0',
          windows: [
            { start: 0x40000000n, last: 0x7fffffffn, kind: 'mem' },
            { start: 0n, last: 0xffffn, kind: 'io' },
          ],
        },
      ],
      hostBridgeWindowsReserved: on,
      devices: [{ bdf: '0000:01:00.0', iommu: 'smmu0', group: 1 }],
    });
    const sysfs = (on: boolean) => {
      const o = apply(createState(platform(on)), {
        op: 'iommu.group_resv_regions',
        group: 1,
      }).outcome;
      return o.ok ? o.result?.['sysfs'] : o.errno;
    };
    expect(sysfs(false)).toEqual([]);
    expect(sysfs(true)).toEqual(['0x0000000040000000 0x000000007fffffff reserved']);
  });
});
