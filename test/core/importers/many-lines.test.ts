import { describe, expect, it } from 'vitest';
import { importText } from '../../../src/core/importers/index.ts';

/**
 * A paste of a few hundred thousand lines is read like a short one: no step of the paste reader
 * spreads every line into one call (Math.min(...lines) overflowed the stack past ~120k lines).
 * The lines are indented as a forum code block pastes them, so the general paste reader reads
 * them (the strict trace reader takes only lines as QEMU printed them).
 */
describe('a paste of many lines', () => {
  it('reads 200k indented trace lines, with their line numbers', () => {
    const n = 200_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const at = (0x100000000 + (i % 512) * 0x200000).toString(16);
      const end = (0x100000000 + (i % 512) * 0x200000 + 0x1fffff).toString(16);
      lines.push(
        i % 2 === 0
          ? `  vfio_listener_region_add_ram region_add [ram] 0x${at} - 0x${end} [0x7f0000000000]`
          : `  vfio_listener_region_del region_del 0x${at} - 0x${end}`,
      );
    }
    const r = importText(lines.join('\n'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result.kind).toBe('qemu-trace');
    expect(r.result.unparsed).toEqual([]);
    expect(r.result.scenario.steps).toHaveLength(n);
    expect(r.result.stepLines?.[n - 1]).toBe(n);
    expect(r.result.pieces?.[0]).toMatchObject({ first: 1, last: n, lines: n });
  });
});
