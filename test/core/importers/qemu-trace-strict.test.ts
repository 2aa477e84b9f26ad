import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectKind,
  IMPORTERS,
  type ImportOptions,
  type ImportResult,
  INPUT_KINDS,
  type InputKind,
} from '../../../src/core/importers/index.ts';
import { importPaste } from '../../../src/core/importers/paste/index.ts';
import { readStrictTrace } from '../../../src/core/importers/qemu-trace-strict.ts';
import { fixture } from './fixtures.ts';

/**
 * The strict trace reader returns what the general paste reader returns for the same text, field
 * for field, on every line shape it takes; and takes no text with a line it does not know.
 */

/** The general reader alone: what `importText` did before it had the strict one. */
function general(text: string, o: ImportOptions = {}): ImportResult | undefined {
  const importers = Object.fromEntries(
    INPUT_KINDS.map((k) => [k, (t: string) => IMPORTERS[k](t, o)]),
  ) as Record<InputKind, (t: string) => ImportResult>;
  return importPaste(text, importers, {
    ...(o.kind ? { kind: o.kind } : {}),
    ...(o.iommu ? { iommu: o.iommu } : {}),
  });
}

const READS: ReadonlyArray<ImportOptions> = [
  {},
  { group: 7 },
  { kind: 'qemu-trace' },
  { kind: 'qemu-trace', group: 3 },
  { iommu: { kind: 'amd', addressWidth: 48 } },
];

function sameAsGeneral(text: string): void {
  for (const o of READS) {
    const strict = readStrictTrace(text, {
      group: o.group,
      wholeText: o.kind === 'qemu-trace',
      iommu: o.iommu,
    });
    expect(strict, JSON.stringify(o)).toBeDefined();
    expect(strict, JSON.stringify(o)).toEqual(general(text, o));
  }
}

const P = '41207@1731002411.118402:';
const SHAPES: readonly string[] = [
  `${P}vfio_listener_region_add_ram region_add [ram] 0x0 - 0x9ffff [0x7f1c40000000]`,
  'vfio_listener_region_add_ram region_add [ram] 0xc0000 - 0x7fffffff [(nil)]',
  `${P}vfio_listener_region_del region_del 0xc0000 - 0x7fffffff`,
  `${P}vfio_listener_region_add_skip SKIPPING region_add 0xa0000 - 0xbffff`,
  'vfio_listener_region_skip SKIPPING region_del 0xfee00000 - 0xfeefffff',
  // A range that ends before it starts is an unparsed line, with its reason.
  `${P}vfio_listener_region_add_ram region_add [ram] 0x2000 - 0x1fff [0x7f0000000000]`,
  'vfio_listener_region_del region_del 0x3000 - 0x2fff',
  // 14 to 16 hex digits: past 2^53, where a double is no longer exact.
  'vfio_listener_region_add_ram region_add [ram] 0xFFFFFFFFFFF00000 - 0xFFFFFFFFFFFFFFFF [0x20000000000001]',
  'vfio_listener_region_del region_del 0x0020000000000001 - 0x0020000000000002',
];
const IOMMUFD: readonly string[] = [
  'iommufd_backend_map_dma  iommufd=10 ioas=2 iova=0x380000001000 size=0x3000 addr=0x7fce2c28b000 readonly=0 (-1)',
  'iommufd_backend_map_dma iommufd=10 ioas=2 iova=0x1000 size=0x1000 addr=0x7f00 readonly=1 (0)',
  `${P}iommufd_backend_map_dma  iommufd=10 ioas=2 iova=0x1000 size=0x1000 addr=0x7f00 readonly=0`,
  'iommufd_backend_map_dma  iommufd=10 ioas=2 iova=0xABC000 size=0x1000 addr=0x7f00 readonly=0 (-22)',
  'iommufd_backend_map_file_dma  iommufd=303 ioas=2 iova=0x30000000000 size=0xb90000 fd=306 start=0 readonly=0 (0)',
  'iommufd_backend_unmap_dma  iommufd=303 ioas=2 iova=0x30000000000 size=0xb90000 (0)',
  'iommufd_backend_unmap_dma  iommufd=303 ioas=2 iova=0x30000000000 size=0xb90000',
];

describe('the strict QEMU trace reader', () => {
  it("reads the fixture trace's DMA events as the general reader does, and leaves the whole fixture to it", () => {
    const trace = fixture('intel-client/qemu-trace.txt');
    expect(readStrictTrace(trace)).toBeUndefined(); // it has a vfio_region_mmap line and prose
    const dma = trace
      .split('\n')
      .filter((l) => !/vfio_region_mmap|not trace output/.test(l))
      .join('\n');
    sameAsGeneral(dma);
  });

  it('reads each line shape, alone and with blank lines around it, as the general reader does', () => {
    for (const line of [...SHAPES, ...IOMMUFD]) {
      sameAsGeneral(line);
      sameAsGeneral(`${line}\n`);
      sameAsGeneral(`\n\n${line}\n\n${line}\n\n`);
    }
  });

  it('reads a listener trace with iommufd events as the general reader does (the listener lines are then not steps)', () => {
    sameAsGeneral([...SHAPES, ...IOMMUFD, ...SHAPES].join('\n'));
  });

  it('notes at most 8 skipped sections, and counts unlisted lines past the unparsed cap', () => {
    const skips = Array.from(
      { length: 12 },
      (_, i) => `vfio_listener_region_add_skip SKIPPING region_add 0x${i}000 - 0x${i}fff`,
    );
    sameAsGeneral(skips.join('\n'));
    const bad = Array.from(
      { length: 2100 },
      (_, i) => `vfio_listener_region_del region_del 0x${i + 2}000 - 0x1000`,
    );
    sameAsGeneral(bad.join('\n'));
  });

  it('reads random traces of these lines as the general reader does', () => {
    const lines = fc.constantFrom(...SHAPES, ...IOMMUFD, '');
    fc.assert(
      fc.property(fc.array(lines, { minLength: 1, maxLength: 40 }), fc.boolean(), (ls, nl) => {
        const text = ls.join('\n') + (nl ? '\n' : '');
        if (ls.every((l) => l === '')) return;
        sameAsGeneral(text);
      }),
      { numRuns: 150, seed: 4242 },
    );
  });

  it('says a strict trace is a QEMU trace', () => {
    expect(detectKind(SHAPES.join('\n'))).toBe('qemu-trace');
  });

  it('takes no text with a line it does not know, so the general reader reads it', () => {
    const ok = SHAPES[0] as string;
    for (const other of [
      'vfio_listener_region_add_iommu region_add [iommu] 0x0 - 0xfff',
      'vfio_region_mmap Region 0000:01:00.0 BAR 1 mmaps[0] [0x0 - 0xfffffff]',
      `${ok} `,
      ` ${ok}`,
      `  ${ok}`,
      `${ok}\r`,
      '   ',
      '> ' + ok,
      'vfio_listener_region_del region_del 0x10000000000000000 - 0x10000000000000fff',
      'iommufd_backend_map_dma  iommufd=10 ioas=2 iova=0x1000 size=0x1000 addr=(nil) readonly=0 (0)',
      'iommufd_backend_map_dma  iommufd=10 ioas=2 iova=0x1000 size=0x1000 addr=0x1 readonly=10 (0)',
      'vfio_dma_map(0x55d0, 0x0, 0x80000000, 0x7f1c40000000) = -22 (Invalid argument)',
      `${P} vfio_listener_region_del region_del 0x0 - 0xfff`,
      'vfio_listener_region_add_ram region_add  [ram] 0x1000 - 0x1fff [0x1000]',
    ]) {
      expect(readStrictTrace(`${ok}\n${other}\n${ok}`), JSON.stringify(other)).toBeUndefined();
    }
    expect(readStrictTrace('')).toBeUndefined();
    expect(readStrictTrace('\n\n')).toBeUndefined();
  });

  it('reports its progress in lines read and the fraction of the text', () => {
    const text = Array.from({ length: 70_000 }, () => SHAPES[2] as string).join('\n');
    const seen: Array<[number, number]> = [];
    readStrictTrace(text, { onLines: (n, f) => seen.push([n, f]) });
    expect(seen.map(([n]) => n)).toEqual([32_768, 65_536, 70_000]);
    expect(seen[0]?.[1]).toBeCloseTo(32_768 / 70_000, 3);
    expect(seen.at(-1)?.[1]).toBe(1);
  });
});
