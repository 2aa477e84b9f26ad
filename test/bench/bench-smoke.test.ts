import { describe, expect, it } from 'vitest';
import { benchEngineCow } from './engine-cow.ts';
import { upfrontScripts } from './first-load.ts';
import { atLeast, atMost, engineTargets } from './targets.ts';

/**
 * A small run of the bench harness inside `npm test`, so it cannot rot between `npm run bench`
 * runs. It asserts what the harness produces and how targets are judged, never a timing.
 */
describe('bench harness smoke run', () => {
  it('measures every engine op side by side with its baseline, and judges each target from its value', () => {
    const rows = benchEngineCow([200, 400], 20, () => {});
    const names = new Set(rows.map((r) => r.name));
    for (const op of [
      'engine iommufd.ioas_map (FIXED_IOVA)',
      'engine iommufd.ioas_unmap',
      'engine vfio.map_dma',
      'engine vfio.unmap_dma',
    ])
      expect(names).toContain(op);
    for (const r of rows.filter((x) => x.baselineNs !== undefined)) {
      expect(r.ns).toBeGreaterThan(0);
      expect(r.baselineNs).toBeGreaterThan(0);
    }
    const targets = engineTargets(rows);
    // one ratio and one growth target per engine op
    expect(targets).toHaveLength(8);
    for (const t of targets) {
      expect(t.target).toBe(t.name.includes('growth') ? '<= 1.5' : '<= 3');
      expect(t.holds).toBe(t.value <= (t.name.includes('growth') ? 1.5 : 3));
    }
  });

  it('a bound is met or missed by the value alone', () => {
    expect(atMost('a', 3, 'x', 3).holds).toBe(true);
    expect(atMost('a', 3.01, 'x', 3).holds).toBe(false);
    expect(atLeast('b', 24.9, 'x', 25).holds).toBe(false);
    expect(atLeast('b', 25, 'x', 25)).toEqual({
      name: 'b',
      value: 25,
      unit: 'x',
      target: '>= 25',
      holds: true,
    });
  });

  it('counts the entry module and its preloads as the first load', () => {
    const html =
      '<script type="module" crossorigin src="./assets/index-a.js"></script>\n' +
      '<link rel="modulepreload" crossorigin href="./assets/vendor-b.js">\n' +
      '<link rel="stylesheet" href="./assets/index-c.css">';
    expect(upfrontScripts(html)).toEqual(['./assets/index-a.js', './assets/vendor-b.js']);
  });
});
