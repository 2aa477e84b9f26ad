import { describe, expect, it } from 'vitest';
import {
  distinctRanges,
  formatGroupList,
  groupRegionPhrases,
} from '../../../src/core/analysis/group-phrases.ts';

describe('group phrases', () => {
  it('folds runs of three or more groups', () => {
    expect(formatGroupList([3])).toBe('3');
    expect(formatGroupList([0, 1])).toBe('0, 1');
    expect(formatGroupList([8, 0, 1, 2, 3, 4, 5, 6, 7])).toBe('0–8');
    expect(formatGroupList([0, 1, 2, 5, 7, 8, 9, 9])).toBe('0–2, 5, 7–9');
  });

  it('names an identical region once with all its groups, keeps different ones apart', () => {
    const ht = { start: 0xfd00000000n, last: 0xffffffffffn, type: 'reserved' as const };
    const msi = { start: 0xfee00000n, last: 0xfeefffffn, type: 'msi' as const };
    const hits = [
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((group) => ({ ...ht, group })),
      { ...msi, group: 4 },
    ];
    expect(groupRegionPhrases(hits)).toEqual([
      "groups 0–8's reserved region 0xfd00000000..0xffffffffff",
      "group 4's msi region 0xfee00000..0xfeefffff",
    ]);
    expect(distinctRanges(hits)).toEqual([
      { start: ht.start, last: ht.last },
      { start: msi.start, last: msi.last },
    ]);
  });
});
