import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorPanel } from '../../src/ui/panels/InspectorPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

/** The rows of the walk in `domain`: level, bits, entry size, indices, entries used. */
function walkRows(domain: string): string[][] {
  const table = screen.getByRole('table', { name: `page-table walk in ${domain}` });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) =>
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent ?? ''),
    );
}

describe('the inspector walks the page tables of the selected mapping', () => {
  it('the default host: a 48-bit VT-d domain, 4 levels; 6 GiB from 4 GiB in 1 GiB leaves', () => {
    const store = defaultStore();
    renderWith(store, <InspectorPanel />);
    act(() => {
      store.getState().select({ kind: 'mapping', laneId: 'container:1', start: 0x100000000n });
    });
    expect(screen.getByRole('heading', { name: 'Page tables — domain 1 on dmar0' })).toBeTruthy();
    expect(screen.getByText(/VT-d second stage: 4 levels over 48-bit IOVAs/).textContent).toMatch(
      /6 leaf entries and 1 table entry/,
    );
    expect(walkRows('domain 1')).toEqual([
      ['L4 (root)', '47:39', '512 GiB', '0x0', '1 table pointer'],
      ['L3', '38:30', '1 GiB', '0x4–0x9', '6 pages'],
      ['L2', '29:21', '2 MiB', '0x0 (first table) – 0x1ff (last table)', '—'],
      ['L1', '20:12', '4 KiB', '0x0 (first table) – 0x1ff (last table)', '—'],
    ]);
  });
});
