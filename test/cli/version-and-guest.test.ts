import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestFromPreset, parseGuestPreset } from '../../src/core/importers/guest-presets.ts';
import { REPO, run } from './run-cli.ts';

const IOMEM = join(REPO, 'test/fixtures/hosts/no-iommu/root/proc/iomem');

describe('iova-explorer --version and --guest forms', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await run('--version');
    expect(r).toEqual({ status: 0, out: `iova-explorer ${pkg.version}\n`, err: '' });
    expect((await run('-V')).out).toBe(r.out);
  });

  it('a --guest that is neither a machine nor a file names the accepted forms', async () => {
    const r = await run('check', IOMEM, '--guest', 'i440fx');
    expect(r.status).toBe(2);
    expect(r.err).toMatch(
      /--guest i440fx: neither a machine nor a file: give q35, pc or virt \(e\.g\. q35:ram=8G, pc:ram=2G, virt:ram=4G; 4 GiB when ram= is left out\), or a file/,
    );
  });

  it('prints the defaults it took: --guest q35 is 4 GiB', async () => {
    const r = await run('check', IOMEM, '--guest', 'q35');
    expect(r.err).toContain(
      'note: q35 with 4 GiB (the default: ram=SIZE sets it): 2 GiB below 4G, 2 GiB above (pc_q35_init: lowmem 0x80000000), a 32 GiB 64-bit PCI hole',
    );
    const sized = await run('check', IOMEM, '--guest', 'q35:ram=8G');
    expect(sized.err).toContain('note: q35 with 8 GiB: 2 GiB below 4G, 6 GiB above');
  });

  it('pc (i440fx) keeps up to 3.5 GiB below 4G, else 3 GiB, with a 2 GiB 64-bit hole', async () => {
    const layout = (spec: string) => {
      const p = parseGuestPreset(spec);
      if (!p.ok) throw new Error(p.error);
      return guestFromPreset(p.params).memory;
    };
    const ramRanges = (spec: string) =>
      layout(spec)
        .filter((m) => m.kind === 'ram')
        .map((m) => `${m.start.toString(16)}-${m.last.toString(16)}`);
    expect(ramRanges('pc:ram=3G')).toEqual(['0-9ffff', 'c0000-bfffffff']);
    // 8 GiB: 3 GiB below 4G, 5 GiB from 4 GiB up, then the 2 GiB hole at the next GiB.
    expect(ramRanges('pc:ram=8G')).toEqual(['0-9ffff', 'c0000-bfffffff', '100000000-23fffffff']);
    expect(layout('pc:ram=8G').find((m) => m.name === 'pci-hole64')).toMatchObject({
      start: 0x240000000n,
      last: 0x2bfffffffn,
    });
    expect(layout('pc:ram=8G').some((m) => m.name.includes('MMCONFIG'))).toBe(false);
    // With max-ram-below-4g under 3 GiB, that is the split.
    expect(ramRanges('pc:ram=8G,lowmem=2G')[1]).toBe('c0000-7fffffff');
    const bad = parseGuestPreset('isapc:ram=1G');
    expect(bad).toEqual({
      ok: false,
      error:
        'unknown machine "isapc": expected q35, pc or virt (each with :ram=SIZE and more), or a file',
    });
  });
});
