import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionsPanel } from '../../src/ui/actions/ActionsPanel.tsx';
import { InspectorPanel } from '../../src/ui/panels/InspectorPanel.tsx';
import { LogPanel } from '../../src/ui/panels/LogPanel.tsx';
import { visibleRange } from '../../src/view/viewport/viewport.ts';
import { defaultStore, MAP, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

describe('from the inspector to the Actions form', () => {
  it('Unmap fills the form with exactly the selected mapping, and the dry run agrees', () => {
    const store = defaultStore();
    renderWith(
      store,
      <>
        <InspectorPanel />
        <ActionsPanel />
      </>,
    );
    act(() => {
      store.getState().select({ kind: 'mapping', laneId: 'container:1', start: 0x100000000n });
    });
    expect(screen.getByText('6 GiB (6,442,450,944 bytes)')).toBeTruthy();
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /Unmap… \(vfio.unmap_dma\)/ }));
    });
    expect(store.getState().tabRequest).toEqual({ tab: 'actions' });
    const form = screen.getByRole('form', { name: 'vfio.unmap_dma form' });
    expect((within(form).getByLabelText(/^iova$/) as HTMLInputElement).value).toBe('0x100000000');
    expect((within(form).getByLabelText(/^size$/) as HTMLInputElement).value).toBe('0x180000000');
    expect(within(form).getByTestId('dry-run').textContent).toMatch(/^would succeed: unmapped/);
    expect(store.getState().draft).toMatchObject({ laneId: 'container:1', adds: false, ok: true });
  });

  it('a lane label selects its lane: aperture, counts, regions, and a Map button for it', () => {
    const store = defaultStore();
    renderWith(store, <InspectorPanel />);
    act(() => {
      store.getState().select({ kind: 'lane', laneId: 'container:1' });
    });
    expect(screen.getByTestId('inspector-aperture').textContent).toMatch(
      /^dmar0: 48-bit aperture ends at 0xffff_ffff_ffff/,
    );
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /Map… \(vfio.map_dma\)/ }));
    });
    expect(store.getState().formRequest).toMatchObject({
      op: 'vfio.map_dma',
      values: { container: '1' },
    });
  });
});

describe('ranges in the log', () => {
  it('are links that frame the range on the map and select what is there', () => {
    const store = defaultStore();
    renderWith(store, <LogPanel />);
    act(() => {
      store.getState().dispatch({ ...MAP, iova: 0x100000000n });
    });
    const entry = within(screen.getByTestId('log')).getAllByRole('listitem')[0]!;
    // "iova 0x100000000..0x1001fffff overlaps existing mapping 0x100000000..0x27fffffff"
    const links = within(entry).getAllByRole('button', { name: /^0x/ });
    expect(links.map((l) => l.textContent)).toEqual([
      '0x100000000..0x1001fffff',
      '0x100000000..0x27fffffff',
    ]);
    act(() => {
      fireEvent.click(links[1]!);
    });
    const s = store.getState();
    const seen = visibleRange(s.viewport);
    expect(seen.start <= 0x100000000n && 0x27fffffffn <= seen.last).toBe(true);
    expect(seen.last - seen.start).toBeLessThan(0x27fffffffn * 2n);
    expect(s.selection).toEqual({ kind: 'mapping', laneId: 'container:1', start: 0x100000000n });

    act(() => {
      fireEvent.click(within(entry).getByRole('button', { name: '⌖ on the map' }));
    });
    expect(store.getState().selection).toMatchObject({ kind: 'mapping', start: 0x100000000n });
  });
});
