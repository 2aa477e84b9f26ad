import { describe, expect, it } from 'vitest';
import { importText } from '../../../src/core/importers/index.ts';
import { INPUT_KINDS } from '../../../src/core/importers/types.ts';

/**
 * One long line must cost time in proportion to its length, in kind detection and in every
 * importer. Each shape below is a real line with a long run inserted where a regex used to try
 * every split of the run (a blank run before `(rev ..)`, a word run before "Adding to iommu
 * group", ...). The line is read at two lengths, ten times apart, in one run: linear work grows
 * about tenfold, the old quadratic regexes grew a hundredfold (100 KB took 11-17 s).
 */

const SHAPES: ReadonlyArray<(run: number) => string> = [
  (n) => `a${' '.repeat(n)}x`,
  (n) => `\t`.repeat(n) + 'x',
  (n) => '1'.repeat(n),
  (n) => '-'.repeat(n),
  (n) => 'x'.repeat(n),
  (n) => `/sys/kernel/iommu_groups/1/devices/${'0'.repeat(n)}`,
  (n) => `[    0.000000] ${' '.repeat(n)}x`,
  (n) => `[    2.814519] arm-smmu e0a00000.smmu${'a'.repeat(n)}`,
  (n) => `0000:00:00.0 ${' '.repeat(n)}-`,
  (n) => `00:02.0${' '.repeat(n)}x`,
  (n) => `IOMMU Group 1 ${' '.repeat(n)}x`,
  (n) => `0000:00:01.1 PCI bridge [0604]: Advanced Micro Devices${' '.repeat(n)}x`,
  (n) => `IOMMU Group 10 00:1d.4 PCI bridge [0604]: Intel Corporation${' '.repeat(n)}x`,
  (n) => `    000000003f000000-000000003fffffff (prio 0, RW): pc.ram${' '.repeat(n)}x`,
];

const READS: ReadonlyArray<{ kind?: (typeof INPUT_KINDS)[number] }> = [
  {},
  ...INPUT_KINDS.map((kind) => ({ kind })),
];

/** Milliseconds to detect and import every shape at one run length; the best of three. */
function cost(run: number): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (const shape of SHAPES) {
      const line = shape(run);
      for (const read of READS) importText(line, read);
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe('a long line costs time linear in its length', () => {
  it('in kind detection and every importer: ten times the line, well under a hundred times the time', () => {
    cost(2_000); // warm the regexes and the JIT before measuring
    const short = cost(4_000);
    const long = cost(40_000);
    expect(long / short, `4 KB: ${short.toFixed(1)} ms, 40 KB: ${long.toFixed(1)} ms`).toBeLessThan(
      30,
    );
  });
});
