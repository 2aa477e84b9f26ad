import { describe, expect, it } from 'vitest';
import { OP_NAMES, OP_SPECS } from '../../src/core/ops/registry.ts';
import { run } from './run-cli.ts';

describe('iova-explorer ops', () => {
  it('lists every op with the uAPI call it mirrors and its doc line', async () => {
    const r = await run('ops');
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    for (const op of OP_NAMES) {
      const head = `${op} `;
      expect(
        lines.filter((l) => l.startsWith(head) && l.endsWith(`  ${OP_SPECS[op].call}`)),
      ).toHaveLength(1);
      expect(r.out).toContain(OP_SPECS[op].doc);
    }
  });

  it("shows one op's fields: kinds, flag names and bits, what may be left out", async () => {
    const r = await run('ops', 'vfio.map_dma');
    expect(r.status).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'vfio.map_dma  VFIO_IOMMU_MAP_DMA',
      '  Pin user memory and map it at an IOVA in every domain of the container.',
      '  container  container id (an integer or "$name")',
      '  iova       u64 string ("0x1000", "2M")',
      '  size       u64 string ("0x1000", "2M")',
      '  vaddr      u64 string ("0x1000", "2M") (optional)',
      '  flags      flag names (READ=0x1, WRITE=0x2, VADDR=0x4) or raw hex bits; unknown bits: EINVAL; default []',
      '',
    ]);
    expect((await run('ops', 'iommu.groups')).out).toContain('(no fields)');
  });

  it('prints the entries as JSON', async () => {
    const r = await run('ops', '--json');
    const parsed = JSON.parse(r.out) as {
      ops: { op: string; call: string; fields: { name: string; kind: string }[] }[];
    };
    expect(parsed.ops.map((o) => o.op)).toEqual(OP_NAMES);
    const copy = parsed.ops.find((o) => o.op === 'iommufd.ioas_copy');
    expect(copy?.fields.map((f) => `${f.name}:${f.kind}`)).toEqual([
      'src_ioas:ref',
      'dst_ioas:ref',
      'src_iova:u64',
      'length:u64',
      'dst_iova:u64',
      'flags:flags',
    ]);
    expect(JSON.parse((await run('ops', 'iommufd.ioas_map', '--json')).out).ops).toHaveLength(1);
  });

  it('names an unknown op with a suggestion, exit 2', async () => {
    const r = await run('ops', 'vfio.mapdma');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(
      /^iova-explorer ops: unknown op "vfio.mapdma" — did you mean vfio.map_dma\?/,
    );
  });
});
