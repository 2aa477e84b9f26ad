import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPORTERS, INPUT_KINDS, detectKind } from '../../../src/core/importers/index.ts';
import { guestFromPreset, parseGuestPreset } from '../../../src/core/importers/guest-presets.ts';
import { importBundle } from '../../../src/core/importers/bundle.ts';
import { analyze } from '../../../src/core/analysis/index.ts';
import { collect, fixture } from './fixtures.ts';

/**
 * Every importer on random and mutated input: never throws, and every refusal names a line that
 * exists in the input with that line's text.
 */

const SAMPLES = [
  'amd-server/reserved-regions.txt',
  'amd-server/reserved-regions-grep.txt',
  'intel-client/iommu-groups-script.txt',
  'arm-2018/iommu-groups-ls.txt',
  'intel-client/lspci-vvv.txt',
  'amd-server/lspci-vvv.txt',
  'intel-client/lspci-tv.txt',
  'amd-server/lspci-nnvmm.txt',
  'amd-server/iomem.txt',
  'intel-client/dmesg.txt',
  'amd-server/dmesg.txt',
  'intel-client/info-mtree-f.txt',
  'arm-2018/info-mtree-old.txt',
  'intel-client/qemu-trace.txt',
  'amd-server/errors.txt',
].map((f) => fixture(f));
SAMPLES.push(collect('amd-server').stdout);

const lineMutation = fc.oneof(
  fc.constant((l: string) => l.slice(0, Math.floor(l.length / 2))),
  fc.constant((l: string) => l.replace(/[0-9a-f]/, 'z')),
  fc.constant((l: string) => l.replace(/0x/g, '')),
  fc.constant((l: string) => `${l} ${l}`),
  fc.constant((l: string) => l.toUpperCase()),
  fc.constant((l: string) => l.replace(/\s+/g, '')),
  fc.constant((l: string) => l.replace(/f/g, 'ffffffffffffffffff')),
  fc.constant(() => ''),
  fc.constant((l: string) => `\t${l}`),
);

const mutated = fc
  .tuple(fc.constantFrom(...SAMPLES), fc.array(fc.tuple(fc.nat(), lineMutation), { maxLength: 8 }))
  .map(([text, muts]) => {
    const lines = text.split('\n');
    for (const [at, m] of muts) {
      const i = at % Math.max(1, lines.length);
      lines[i] = m(lines[i] ?? '');
    }
    return lines.join('\n');
  });

const noise = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom(
          '=== /proc/iomem',
          'IOMMU Group 3:',
          '0x0 0xf msi',
          'vfio_listener_region_add_ram region_add [ram] 0x0 - 0x',
          '  0000000000000000-ffffffffffffffff (prio 0, ram): x',
          'ACSCap:\tSrcValid+',
          'Slot:\t00:00.0',
          '-[0000:00]-+-00.0',
        ),
      ),
      { maxLength: 30 },
    )
    .map((a) => a.join('\n')),
);

function checkResult(text: string) {
  const lines = text.split(/\r?\n|\r/);
  for (const kind of INPUT_KINDS) {
    const r = IMPORTERS[kind](text, {});
    expect(r.kind).toBe(kind);
    for (const u of r.unparsed) {
      expect(Number.isInteger(u.line)).toBe(true);
      expect(u.line).toBeGreaterThanOrEqual(1);
      expect(u.line).toBeLessThanOrEqual(lines.length);
      expect(u.reason.length).toBeGreaterThan(0);
    }
  }
  detectKind(text);
}

describe('importers never throw and name the lines they refuse', () => {
  it('on mutated real inputs', () => {
    fc.assert(
      fc.property(mutated, (t) => checkResult(t)),
      { seed: 3, numRuns: 150 },
    );
  });

  it('on random text', () => {
    fc.assert(
      fc.property(noise, (t) => checkResult(t)),
      { seed: 3, numRuns: 200 },
    );
  });

  it('the analysis of a mutated host bundle never throws', () => {
    const bundles = ['intel-client', 'amd-server', 'arm-2018'].map((h) => collect(h).stdout);
    const guest = guestFromPreset({ machine: 'q35', ram: 8n << 30n });
    const mutatedBundle = fc
      .tuple(
        fc.constantFrom(...bundles),
        fc.array(fc.tuple(fc.nat(), lineMutation), { maxLength: 6 }),
      )
      .map(([text, muts]) => {
        const lines = text.split('\n');
        for (const [at, m] of muts) lines[at % lines.length] = m(lines[at % lines.length] ?? '');
        return lines.join('\n');
      });
    fc.assert(
      fc.property(mutatedBundle, (t) => {
        const r = importBundle(t);
        const report = analyze({
          platform: r.scenario.platform ?? {},
          guest,
          ...(r.host ? { host: r.host } : {}),
          events: r.events,
        });
        for (const f of report.findings) expect(f.message.length).toBeGreaterThan(0);
      }),
      { seed: 3, numRuns: 60 },
    );
  });

  it('guest preset strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const r = parseGuestPreset(`q35:${s}`);
        expect(typeof r.ok).toBe('boolean');
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});
