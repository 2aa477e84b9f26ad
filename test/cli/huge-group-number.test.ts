import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importText } from '../../src/core/importers/index.ts';
import { run, tempDir } from './run-cli.ts';

/**
 * A group number no kernel can have (group ids are ints) is a line the importer does not read,
 * never an "internal error" with schema JSON when the scenario is built or saved.
 */

const dir = tempDir('iova-huge-group-');
const HUGE = '99999999999999999999';

const INPUTS: Record<string, string> = {
  groups: `IOMMU Group ${HUGE}:\n\t00:02.0 VGA compatible controller [0300]: Intel Corporation Device [8086:3e92]\nIOMMU Group 1:\n\t00:14.0 USB controller [0c03]: Intel Corporation Device [8086:a36d]\n`,
  'lspci-vvv': `00:02.0 VGA compatible controller: Intel Corporation Device 3e92\n\tIOMMU group: ${HUGE}\n\n00:14.0 USB controller: Intel Corporation Device a36d\n\tIOMMU group: 1\n`,
  'lspci-vmm': `Slot:\t00:02.0\nClass:\tVGA compatible controller\nVendor:\tIntel Corporation\nDevice:\tDevice 3e92\nIOMMUGroup:\t${HUGE}\n\nSlot:\t00:14.0\nClass:\tUSB controller\nVendor:\tIntel Corporation\nDevice:\tDevice a36d\nIOMMUGroup:\t1\n`,
};

describe('group numbers beyond an int', () => {
  for (const [kind, text] of Object.entries(INPUTS)) {
    it(`${kind}: the huge group is not taken, the rest is`, async () => {
      const r = importText(text, { kind: kind as never });
      expect(r.ok).toBe(true);
      const devices = r.ok ? (r.result.scenario.platform?.devices ?? []) : [];
      expect(devices.map((d) => d.group)).not.toContain(Number(HUGE));
      expect(devices.some((d) => d.group === 1)).toBe(true);
      const file = join(dir, `${kind}.txt`);
      writeFileSync(file, text);
      const cli = await run('import', file, '--kind', kind);
      expect(cli.err).not.toContain('internal error');
      expect(cli.status).toBe(0);
    });
  }
});
