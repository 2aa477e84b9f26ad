import { describe, expect, it } from 'vitest';
import { largeGroupFindings } from '../../../src/core/analysis/groups.ts';
import { deriveGroups } from '../../../src/core/platform/groups.ts';
import { normalizePlatform, type PlatformInput } from '../../../src/core/platform/normalize.ts';
import { indexPlatform } from '../../../src/core/platform/platform-index.ts';

/** Two endpoints behind a root port without ACS, with the group numbers sysfs gave them. */
const INPUT: PlatformInput = {
  iommus: [{ id: 'dmar0', kind: 'vtd' }],
  devices: [
    { bdf: '0000:00:1c.0', pcieType: 'root_port', acs: [], group: 4 },
    { bdf: '0000:01:00.0', pcieType: 'endpoint', parent: '0000:00:1c.0', group: 4 },
    { bdf: '0000:01:00.1', pcieType: 'endpoint', parent: '0000:00:1c.0', group: 4 },
    { bdf: '0000:05:00.0', pcieType: 'endpoint' },
  ],
};

describe('pinned group numbers are data, not a sentence', () => {
  it('deriveGroups lists the devices whose group the scenario gives', () => {
    const { pinned } = deriveGroups(normalizePlatform(INPUT));
    expect([...pinned].sort()).toEqual(['0000:00:1c.0', '0000:01:00.0', '0000:01:00.1']);
  });

  it('a large group is explained by the topology, never by "given by the scenario"', () => {
    const index = indexPlatform(normalizePlatform(INPUT));
    const [f] = largeGroupFindings(INPUT, index, [4]);
    expect(f?.refs[0]).toEqual({ kind: 'group', group: 4 });
    expect(f?.message).toMatch(/0000:00:1c\.0 \(root port\) has no ACS capability/);
    expect(f?.message).not.toMatch(/given by the scenario/);
  });
});
