import { describe, expect, it } from 'vitest';
import { exactBytes, readableSize, sizeWithBytes, U64_MAX } from '../../src/core/u64.ts';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { apertureLabel, narrowestAperture, outsideAperture } from '../../src/view/map/aperture.ts';
import { describeHit, hitTest } from '../../src/view/map/hit-test.ts';
import { layoutLanes } from '../../src/view/map/lanes.ts';
import { viewportSegment } from '../../src/view/map/segments.ts';
import { FULL_VIEW } from '../../src/view/viewport/viewport.ts';
import { defaultStore } from './app-fixture.tsx';

describe('sizes a person reads', () => {
  it('cuts to two decimals without rounding up, and gives the exact bytes beside', () => {
    const justUnder256T = 268431377n << 20n; // 268431377 MiB
    expect(readableSize(justUnder256T)).toBe('255.99 TiB');
    expect(sizeWithBytes(justUnder256T)).toBe('255.99 TiB (281,470,699,569,152 bytes)');
    expect(readableSize(2n << 20n)).toBe('2 MiB');
    expect(readableSize(1n << 64n)).toBe('16 EiB');
    expect(readableSize(1536n)).toBe('1.50 KiB');
    expect(sizeWithBytes(512n)).toBe('512 bytes');
    expect(exactBytes(1n)).toBe('1 byte');
  });
});

describe('the aperture', () => {
  it('is labelled by width when it is [0, 2^bits - 1], else by its bounds', () => {
    expect(apertureLabel('dmar0', { start: 0n, last: (1n << 48n) - 1n })).toBe(
      'dmar0: 48-bit aperture ends at 0xffff_ffff_ffff',
    );
    expect(apertureLabel('amd0', { start: 0n, last: U64_MAX })).toBe(
      'amd0: 64-bit aperture, the whole IOVA space',
    );
    expect(apertureLabel('mock', { start: 1n << 24n, last: (1n << 32n) - 1n })).toBe(
      'mock: aperture 0x100_0000 – 0xffff_ffff',
    );
  });

  it('of a container is where every domain reaches, named by the one that ends first', () => {
    const a = narrowestAperture([
      { iommu: 'dmar0', aperture: { start: 0n, last: (1n << 48n) - 1n } },
      { iommu: 'dmar1', aperture: { start: 0n, last: (1n << 39n) - 1n } },
    ]);
    expect(a).toEqual({
      start: 0n,
      last: (1n << 39n) - 1n,
      label: 'dmar1: 39-bit aperture ends at 0x7f_ffff_ffff',
    });
    expect(narrowestAperture([])).toBeUndefined();
    expect(outsideAperture({ start: 0x1000n, last: U64_MAX })).toEqual([
      { start: 0n, last: 0xfffn },
    ]);
  });

  it('is on the group, container and domain lanes, and the hover says when it is outside', () => {
    const store = defaultStore();
    const lanes = lanesOf(store.getState().history!.present);
    const byId = new Map(lanes.map((l) => [l.id, l]));
    expect(byId.get('group:2')?.aperture?.label).toBe(
      'dmar1: 39-bit aperture ends at 0x7f_ffff_ffff',
    );
    expect(byId.get('container:1')?.aperture?.label).toBe(
      'dmar0: 48-bit aperture ends at 0xffff_ffff_ffff',
    );
    expect(byId.get('container:1:domain:1')?.aperture?.last).toBe((1n << 48n) - 1n);
    expect(byId.get('guest')?.aperture).toBeUndefined();

    const { rows } = layoutLanes(lanes);
    const row = rows.find((r) => r.lane.id === 'container:1')!;
    const seg = viewportSegment(FULL_VIEW, 1000);
    const hit = hitTest(rows, [seg], 700, row.y + 2);
    expect(hit?.kind).toBe('outside');
    expect(describeHit(hit!)).toEqual([
      expect.stringMatching(/^0x/),
      'outside the aperture of container 1 (type1v2): no IOVA here can be mapped',
      'dmar0: 48-bit aperture ends at 0xffff_ffff_ffff',
    ]);
  });
});
