import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/core/analysis/index.ts';
import { withRelaxableRmrrs } from '../../../src/core/analysis/isolation.ts';
import { importText, mergeImports } from '../../../src/core/importers/index.ts';
import type { ImportResult } from '../../../src/core/importers/types.ts';
import { normalizePlatform, type PlatformInput } from '../../../src/core/platform/normalize.ts';
import { ASSUMED_REGION_NOTE, regionSource } from '../../../src/core/platform/region-source.ts';
import { load, save } from '../../../src/core/scenario/index.ts';

const read = (text: string): ImportResult => {
  const r = importText(text);
  if (!r.ok) throw new Error(r.error);
  return r.result;
};

type Regions = NonNullable<PlatformInput['reservedRegions']>;
const MAP_ERROR =
  'qemu-system-x86_64: -device vfio-pci,host=41:00.0: vfio_dma_map(0x55ba53e7a9d0, 0x100000000, 0xff30000000, 0x7ed243e00000) = -22 (Invalid argument)\n';
const UNION = `$ grep -h . /sys/kernel/iommu_groups/*/reserved_regions | sort -u\n0x00000000fee00000 0x00000000feefffff msi\n0x000000fd00000000 0x000000ffffffffff reserved\n${MAP_ERROR}`;

/** The pasted-error finding of an import, with its regions rewritten first. */
function mapErrorMessage(r: ImportResult, rewrite: (regions: Regions) => Regions): string {
  const platform = r.scenario.platform ?? {};
  const f = analyze({
    platform: { ...platform, reservedRegions: rewrite(platform.reservedRegions ?? []) },
    host: r.host ?? {},
    events: r.events,
  }).findings.find((x) => x.kind === 'pasted-error');
  return f?.message ?? '';
}

describe('reserved regions carry where they came from as data', () => {
  it('the importers say sysfs, the group-less union, assumed or an RMRR', () => {
    const ungrouped = read('0x00000000fee00000 0x00000000feefffff msi\n');
    expect(ungrouped.scenario.platform?.reservedRegions?.[0]?.source).toBe('sysfs-union');
    const header = read(
      '$ cat /sys/kernel/iommu_groups/7/reserved_regions\n0x00000000fee00000 0x00000000feefffff msi\n',
    );
    expect(header.scenario.platform?.reservedRegions?.[0]).toMatchObject({
      group: 7,
      source: 'sysfs',
    });
    const rmrr = read(
      '[    0.5] DMAR: Setting identity map for device 0000:00:14.0 [0x3e2e0000 - 0x3e2fffff]\n',
    );
    expect(rmrr.scenario.platform?.reservedRegions?.[0]).toMatchObject({
      device: '0000:00:14.0',
      source: 'rmrr',
    });
  });

  it('"every group has it" follows the union source, not the origin wording', () => {
    const r = read(UNION);
    const note = /every group has it/;
    expect(mapErrorMessage(r, (rs) => rs)).toMatch(note);
    expect(mapErrorMessage(r, (rs) => rs.map((x) => ({ ...x, origin: 'reworded' })))).toMatch(note);
    // The same words with a group's own sysfs source: no longer the union.
    expect(
      mapErrorMessage(r, (rs) => rs.map((x) => ({ ...x, group: 0, source: 'sysfs' as const }))),
    ).not.toMatch(note);
  });

  it('the assumed note follows the assumed source, not parentheses in the origin', () => {
    const r = read(UNION);
    const assumed = (rs: Regions) =>
      rs.map((x) => ({ ...x, source: 'assumed' as const, origin: 'worded freely' }));
    expect(mapErrorMessage(r, assumed)).toContain(`(${ASSUMED_REGION_NOTE})`);
    const wordedOnly = (rs: Regions) =>
      rs.map((x) => ({
        ...x,
        group: 0,
        source: 'sysfs' as const,
        origin: `x (${ASSUMED_REGION_NOTE})`,
      }));
    expect(mapErrorMessage(r, wordedOnly)).not.toContain(`(${ASSUMED_REGION_NOTE})`);
  });

  it('merging imports drops the assumed windows by source, whatever their origin says', () => {
    const part = (reservedRegions: Regions) => ({ scenario: { platform: { reservedRegions } } });
    const m = mergeImports([
      part([
        { start: 0xfee00000n, last: 0xfeefffffn, type: 'msi', source: 'assumed', origin: 'msi' },
        {
          start: 0xfd00000000n,
          last: 0xffffffffffn,
          type: 'reserved',
          source: 'sysfs-union',
          origin: `(${ASSUMED_REGION_NOTE})`,
        },
      ]),
    ]);
    expect(m.scenario.platform?.reservedRegions?.map((r) => r.source)).toEqual(['sysfs-union']);
  });

  it('an RMRR is relaxed for a USB controller by its source, not by the word RMRR', () => {
    const platform = (source: 'rmrr' | undefined, origin: string): PlatformInput => ({
      devices: [{ bdf: '0000:00:14.0', class: '0x0c0330' }],
      reservedRegions: [
        {
          start: 0x3e2e0000n,
          last: 0x3e2fffffn,
          type: 'direct',
          device: '0000:00:14.0',
          origin,
          ...(source ? { source } : {}),
        },
      ],
    });
    const typeOf = (p: PlatformInput) => withRelaxableRmrrs(p).reservedRegions?.[0]?.type;
    expect(typeOf(platform('rmrr', 'firmware identity map'))).toBe('direct-relaxable');
    expect(typeOf(platform(undefined, 'RMRR written by hand'))).toBe('direct');
  });
});

describe('scenario files and the source field', () => {
  const scenario = (region: Record<string, unknown>) =>
    JSON.stringify({
      format: 'iova-explorer.scenario/1',
      platform: {
        reservedRegions: [{ start: '0xfee00000', last: '0xfeefffff', type: 'msi', ...region }],
      },
      steps: [],
    });

  it('loads, saves and reloads a source; an unknown one is a load error', () => {
    const r = load(scenario({ source: 'assumed' }));
    if (!r.ok || r.kind !== 'scenario') throw new Error(JSON.stringify(r));
    expect(r.scenario.platform?.reservedRegions?.[0]?.source).toBe('assumed');
    const again = load(save(r.scenario));
    if (!again.ok || again.kind !== 'scenario') throw new Error(JSON.stringify(again));
    expect(again.scenario.platform?.reservedRegions?.[0]?.source).toBe('assumed');
    expect(load(scenario({ source: 'guessed' })).ok).toBe(false);
  });

  it('a file written before the field says its source in the origin the importers wrote', () => {
    const legacy = [
      { origin: 'group 4 sysfs reserved_regions', group: 4 },
      { origin: 'sysfs reserved_regions' },
      { origin: `MSI window every AMD-Vi device reports (${ASSUMED_REGION_NOTE})` },
      { origin: 'RMRR (dmesg identity map)' },
      { origin: 'IOAPIC/MSI window' },
    ];
    expect(legacy.map(regionSource)).toEqual([
      'sysfs',
      'sysfs-union',
      'assumed',
      'rmrr',
      undefined,
    ]);
    const r = load(scenario({ origin: 'sysfs reserved_regions' }));
    if (!r.ok || r.kind !== 'scenario') throw new Error(JSON.stringify(r));
    const p = normalizePlatform(r.scenario.platform ?? {});
    expect(p.reservedRegions[0]?.source).toBe('sysfs-union');
  });
});
