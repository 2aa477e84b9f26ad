import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/core/analysis/index.ts';
import { importText } from '../../../src/core/importers/index.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** AMD-Vi event lines, each wrapped over two syslog lines (PC Engines APU2). */
function faults() {
  const r = importText(
    readFileSync(
      resolve(import.meta.dirname, '../../fixtures/real/dmesg-apu2-amdvi-wrapped-events.txt'),
      'utf8',
    ),
  );
  if (!r.ok) throw new Error(r.error);
  return r.result;
}

const REFUSED = /the IOMMU refused the request outright/;

describe("an AMD-Vi fault's event type is data", () => {
  it('the importer keeps the event type each fault line names', () => {
    const events = faults().events.filter((e) => e.kind === 'amd-vi-fault');
    expect(events.map((e) => e.amdEvent)).toContain('INVALID_DEVICE_REQUEST');
    expect(events.map((e) => e.amdEvent)).toContain('IO_PAGE_FAULT');
  });

  it('INVALID_DEVICE_REQUEST is explained by its event type, whatever the detail words say', () => {
    const r = faults();
    const check = (events: typeof r.events) =>
      analyze({ platform: r.scenario.platform ?? {}, host: r.host ?? {}, events })
        .findings.filter((f) => f.kind === 'pasted-fault')
        .map((f) => REFUSED.test(f.message));
    const invalid = r.events.map((e) => e.amdEvent === 'INVALID_DEVICE_REQUEST');
    expect(check(r.events)).toEqual(invalid);
    // The sentence reworded: the same faults are explained the same way.
    expect(check(r.events.map((e) => ({ ...e, detail: 'a fault' })))).toEqual(invalid);
    expect(invalid).toContain(true);
  });
});
