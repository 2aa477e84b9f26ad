import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { InspectorPanel } from '../../src/ui/panels/InspectorPanel.tsx';
import { LogPanel } from '../../src/ui/panels/LogPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

describe('LogPanel', () => {
  it('lists actions with outcome, errno, message and rule; undo and redo', () => {
    const store = defaultStore();
    renderWith(store, <LogPanel />);
    act(() => {
      store.getState().dispatch({
        op: 'vfio.map_dma',
        container: 1,
        iova: 0xfee00000n,
        size: 0x1000n,
        flags: ['READ', 'WRITE'],
      });
      store.getState().dispatch({
        op: 'vfio.map_dma',
        container: 1,
        iova: 0x300000000n,
        size: 0x200000n,
        flags: ['READ', 'WRITE'],
      });
    });
    const log = screen.getByTestId('log');
    const items = within(log).getAllByRole('listitem');
    expect(items[0]!.textContent).toMatch(/^ok/);
    expect(items[1]!.textContent).toMatch(/EINVAL/);
    expect(items[1]!.textContent).toMatch(/rule: /);
    const undo = screen.getByRole('button', { name: 'undo' });
    const redo = screen.getByRole('button', { name: 'redo' }) as HTMLButtonElement;
    expect(redo.disabled).toBe(true);
    act(() => {
      fireEvent.click(undo);
    });
    expect(within(screen.getByTestId('log')).getAllByRole('listitem')[0]!.className).toMatch(
      /undone/,
    );
    expect(
      lanesOf(store.getState().history!.present).find((l) => l.id === 'container:1')!.mappings!
        .size,
    ).toBe(2);
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'redo' }));
    });
    expect(
      lanesOf(store.getState().history!.present).find((l) => l.id === 'container:1')!.mappings!
        .size,
    ).toBe(3);
  });

  it('renders imported text as text, never as HTML', () => {
    const store = defaultStore();
    renderWith(store, <LogPanel />);
    act(() => {
      store
        .getState()
        .dispatch({ op: 'iommufd.device_bind', device: '<img src=x onerror=alert(1)>' });
    });
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByTestId('log').textContent).toContain('<img src=x onerror=alert(1)>');
  });
});

describe('InspectorPanel', () => {
  it('shows the selected mapping and its best-case page split', () => {
    const store = defaultStore();
    renderWith(store, <InspectorPanel />);
    act(() =>
      store.getState().select({ kind: 'mapping', laneId: 'container:1', start: 0x100000000n }),
    );
    expect(screen.getByTestId('inspector-range').textContent).toBe('0x100000000..0x27fffffff');
    expect(screen.getByRole('heading', { name: 'IOMMU pages — best case' })).toBeTruthy();
    const table = screen.getByRole('table', { name: 'page split' });
    expect(table.textContent).toContain('1 GiB');
    expect(table.textContent).toContain('6');
  });

  it('shows a device with its group, ACS and reserved regions', () => {
    const store = defaultStore();
    renderWith(store, <InspectorPanel />);
    act(() => store.getState().select({ kind: 'device', bdf: '0000:00:02.0' }));
    expect(screen.getByText(/RMRR/)).toBeTruthy();
    expect(screen.getByText(/0x7b800000..0x7fffffff/)).toBeTruthy();
  });

  it('a device sharing its group names the other members and why, never "a group of its own"', () => {
    const store = defaultStore();
    renderWith(store, <InspectorPanel />);
    act(() => store.getState().select({ kind: 'device', bdf: '0000:01:00.0' }));
    const group = screen.getByTestId('device-group').textContent!;
    expect(group).toMatch(/^4 · shared with 0000:01:00.1/);
    expect(group).toMatch(/multifunction/);
    expect(group).not.toMatch(/a group of its own/);
    act(() => store.getState().select({ kind: 'device', bdf: '0000:00:14.0' }));
    expect(screen.getByTestId('device-group').textContent).toMatch(/^3.*a group of its own/);
  });

  it('says so when the selected mapping was undone', () => {
    const store = defaultStore();
    renderWith(store, <InspectorPanel />);
    act(() => {
      store.getState().dispatch({
        op: 'vfio.map_dma',
        container: 1,
        iova: 0x300000000n,
        size: 0x200000n,
        flags: ['READ', 'WRITE'],
      });
      store.getState().select({ kind: 'mapping', laneId: 'container:1', start: 0x300000000n });
    });
    expect(screen.getByTestId('inspector-range').textContent).toBe('0x300000000..0x3001fffff');
    act(() => store.getState().undo());
    expect(screen.getByText(/no longer exists/)).toBeTruthy();
  });
});
