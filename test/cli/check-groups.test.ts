import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run, tempDir } from './run-cli.ts';

const TMP = tempDir('iova-check-groups-');

/** The default scenario plus a NIC (on e1000e) whose RMRR firmware wants kept 1:1. */
function hostWithStrictRmrr(): string {
  const s = JSON.parse(
    readFileSync(join(REPO, 'src/store/scenarios/q35-gpu-vtd.scenario.json'), 'utf8'),
  ) as {
    platform: {
      devices: Array<Record<string, unknown>>;
      reservedRegions: Array<Record<string, unknown>>;
    };
    steps?: unknown[];
  };
  s.platform.devices.push({
    bdf: '0000:00:1f.6',
    name: 'Ethernet',
    class: '0x020000',
    pcieType: 'rc_endpoint',
    iommu: 'dmar0',
    hostDriver: 'e1000e',
    hostBridge: 'pci0000:00',
  });
  s.platform.reservedRegions.push({
    start: '0x7a000000',
    last: '0x7a0fffff',
    type: 'direct',
    device: '0000:00:1f.6',
    origin: 'RMRR (dmesg identity map)',
  });
  const file = join(TMP, 'strict-rmrr.json');
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe('iova-explorer check --groups', () => {
  it('does not fail because of a group the user did not ask for; that group stays as info', async () => {
    const file = hostWithStrictRmrr();
    type Report = {
      findings: Array<{ severity: string; kind: string; objects: string[] }>;
      assigned: number[];
    };
    const all = JSON.parse((await run('check', file, '--json')).out) as Report;
    const nic = all.findings.find(
      (f) => f.kind === 'rmrr-direct' && f.objects.includes('0000:00:1f.6'),
    );
    const nicGroup = Number(/^group (\d+)$/.exec(nic?.objects[0] ?? '')?.[1]);
    const gpuGroup = all.assigned[0] as number; // the GPU's group, bound to vfio-pci
    expect(Number.isInteger(nicGroup) && nicGroup !== gpuGroup).toBe(true);
    const mine = await run('check', file, '--groups', String(gpuGroup), '--json');
    const j = JSON.parse(mine.out) as Report;
    expect(j.assigned).toEqual([gpuGroup]);
    expect(j.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(
      j.findings.find((f) => f.kind === 'rmrr-direct' && f.objects.includes(`group ${nicGroup}`))
        ?.severity,
    ).toBe('info');
    expect(mine.status).toBe(0);
    const theirs = await run('check', file, '--groups', String(nicGroup));
    expect(theirs.status).toBe(1);
    expect(theirs.out).toMatch(
      new RegExp(
        `ERROR {3}rmrr-direct \\[group ${nicGroup}, 0000:00:1f\\.6\\].*\\n.*returns EINVAL \\(__iommu_device_set_domain\\)`,
      ),
    );
  });
});
