import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/analysis/index.ts';
import { focusFinding } from '../../src/store/findings.ts';
import { defaultStore } from './app-fixture.tsx';

/** A finding whose words say nothing a parser could read back: only its references select. */
function finding(refs: Finding['refs'], objects: string[]): Finding {
  return {
    severity: 'warning',
    kind: 'group-large',
    refs,
    objects,
    addresses: [{ start: 0x1000n, last: 0x1fffn }],
    message: 'worded any way at all',
  };
}

describe('a clicked finding selects from its references, not its wording', () => {
  it('selects the group a group reference names, whatever the words say', () => {
    const store = defaultStore();
    const groups = [...store.getState().history!.present.state.index.groups.keys()];
    const g = groups[groups.length - 1]!;
    focusFinding(store, finding([{ kind: 'group', group: g }], ['Gruppe', `group ${g + 100}`]));
    expect(store.getState().selection).toEqual({ kind: 'group', group: g });
    expect(store.getState().selectionQuiet).toBe(true);
  });

  it('prefers a device the host has over the group, and skips unknown ones', () => {
    const store = defaultStore();
    const index = store.getState().history!.present.state.index;
    const bdf = [...index.devices.keys()][0]!;
    const g = [...index.groups.keys()][0]!;
    focusFinding(
      store,
      finding(
        [
          { kind: 'group', group: g },
          { kind: 'device', bdf: '0000:7f:1f.7' },
          { kind: 'device', bdf },
        ],
        ['', '', ''],
      ),
    );
    expect(store.getState().selection).toEqual({ kind: 'device', bdf });
  });

  it('a device named only in the words is not selected', () => {
    const store = defaultStore();
    const bdf = [...store.getState().history!.present.state.index.devices.keys()][0]!;
    focusFinding(store, finding([{ kind: 'line', line: 3 }], [bdf]));
    expect(store.getState().selection).toBeUndefined();
  });
});
