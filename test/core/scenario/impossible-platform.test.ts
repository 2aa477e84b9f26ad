import { describe, expect, it } from 'vitest';
import { load } from '../../../src/core/scenario/index.ts';

/** A platform no host can have is refused when the file loads, with the JSON path of the field. */

const withPlatform = (platform: unknown) =>
  JSON.stringify({ format: 'iova-explorer.scenario/1', platform, steps: [] });

const errorsOf = (text: string) => {
  const r = load(text);
  return r.ok ? [] : r.errors;
};

describe('impossible platforms', () => {
  it('a page size that is 0 or not a power of two, and a unit with no page size', () => {
    expect(
      errorsOf(
        withPlatform({
          iommus: [
            { id: 'dmar0', kind: 'vtd', pageSizes: ['4K', '0', '3K'] },
            { id: 'dmar1', kind: 'vtd', pageSizes: [] },
            { id: 'dmar2', kind: 'vtd', pgsizeBitmap: '0' },
          ],
          kernel: { kernelPageSize: '0' },
        }),
      ),
    ).toEqual([
      { path: 'platform.iommus[0].pageSizes[1]', message: 'page size 0x0 is not a power of two' },
      { path: 'platform.iommus[0].pageSizes[2]', message: 'page size 0xc00 is not a power of two' },
      {
        path: 'platform.iommus[1].pageSizes',
        message: 'dmar1 lists no page size: it could map nothing',
      },
      {
        path: 'platform.iommus[2].pgsizeBitmap',
        message: 'dmar2 has no page size: it could map nothing',
      },
      {
        path: 'platform.kernel.kernelPageSize',
        message: 'the kernel page size 0x0 is not a power of two',
      },
    ]);
  });

  it('an aperture that ends before it starts, and an address width beyond 64 bits', () => {
    expect(
      errorsOf(
        withPlatform({
          iommus: [
            { id: 'smmu0', kind: 'smmuv3', aperture: { start: '0x100000', last: '0xfffff' } },
            { id: 'dmar0', kind: 'vtd', addressWidth: 65 },
          ],
        }),
      ),
    ).toEqual([
      {
        path: 'platform.iommus[0].aperture',
        message:
          'the aperture of smmu0 ends at 0xfffff, before it starts at 0x100000 (last is the inclusive last byte)',
      },
      {
        path: 'platform.iommus[1].addressWidth',
        message: 'an address width of 65 bits does not exist: IOMMU units address 1 to 64 bits',
      },
    ]);
  });

  it('one group over two IOMMU units, in a conformance file naming the scenario', () => {
    const text = JSON.stringify([
      {
        id: 'split-group',
        platform: {
          iommus: [
            { id: 'dmar0', kind: 'vtd' },
            { id: 'dmar1', kind: 'vtd' },
          ],
          devices: [
            { bdf: '0000:00:02.0', iommu: 'dmar0', group: 3 },
            { bdf: '0000:01:00.0', iommu: 'dmar0', group: 3 },
            { bdf: '0000:02:00.0', iommu: 'dmar1', group: 3 },
            { bdf: '0000:03:00.0', iommu: 'dmar1', group: 4 },
          ],
        },
        steps: [],
      },
    ]);
    expect(errorsOf(text)).toEqual([
      {
        path: '[0].platform.devices[2].iommu',
        scenario: 'split-group',
        message:
          'group 3 would span two IOMMU units: 0000:00:02.0 is behind dmar0, 0000:02:00.0 behind dmar1 (a group belongs to one unit)',
      },
    ]);
  });

  it('a platform a host can have still loads', () => {
    const r = load(
      withPlatform({
        iommus: [
          {
            id: 'dmar0',
            kind: 'vtd',
            pageSizes: ['4K', '2M', '1G'],
            aperture: { start: '0', last: '0xffffffffffff' },
          },
        ],
        devices: [
          { bdf: '0000:00:02.0', iommu: 'dmar0', group: 3 },
          { bdf: '0000:00:02.1', group: 3 },
        ],
      }),
    );
    expect(r.ok).toBe(true);
  });
});
