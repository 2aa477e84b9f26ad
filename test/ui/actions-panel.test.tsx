import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionsPanel } from '../../src/ui/actions/ActionsPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

function field(label: RegExp) {
  return screen.getByLabelText(label) as HTMLInputElement;
}

describe('ActionsPanel', () => {
  it('dry-runs a map into the MSI window as the user types: EINVAL with the explanation', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: '0xfee00000' } });
    fireEvent.change(field(/^size$/), { target: { value: '4K' } });
    const dry = screen.getByTestId('dry-run');
    expect(dry.textContent).toMatch(/would fail: EINVAL/);
    expect(dry.textContent).toMatch(/0xfee00000/);
  });

  it('shows a field error for input that does not parse, and no dry run', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: '0xfee0-zz' } });
    expect(screen.getByRole('alert').textContent).toMatch(/not a u64/);
    expect(screen.getByTestId('dry-run').textContent).toMatch(/fix the fields/);
    expect(
      (screen.getByRole('button', { name: /Run vfio.map_dma/ }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  it('pre-fills vaddr aligned like the iova, and keeps an edited vaddr', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: '0x300000000' } });
    expect(field(/^vaddr$/).value).toBe('0x7f0300000000');
    fireEvent.change(field(/^vaddr$/), { target: { value: '0x7f1234000000' } });
    fireEvent.change(field(/^iova$/), { target: { value: '0x400000000' } });
    expect(field(/^vaddr$/).value).toBe('0x7f1234000000');
  });

  it('runs a valid map through the engine: success, logged, one history entry', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: '0x300000000' } });
    fireEvent.change(field(/^size$/), { target: { value: '2M' } });
    expect(screen.getByTestId('dry-run').textContent).toMatch(/would succeed/);
    const before = store.getState().history!.past.length;
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /Run vfio.map_dma/ }));
    });
    const s = store.getState();
    expect(s.history!.past.length).toBe(before + 1);
    const last = s.log[s.log.length - 1]!;
    expect(last.kind === 'action' && last.outcome.ok).toBe(true);
  });

  it('a failing run changes nothing but is logged with errno and rule', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    const stateBefore = store.getState().history!.present.state;
    fireEvent.change(field(/^iova$/), { target: { value: '0xfee00000' } });
    fireEvent.change(field(/^size$/), { target: { value: '4K' } });
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /Run vfio.map_dma/ }));
    });
    const s = store.getState();
    expect(s.history!.present.state).toBe(stateBefore);
    const last = s.log[s.log.length - 1]!;
    expect(last.kind).toBe('action');
    if (last.kind === 'action' && !last.outcome.ok) {
      expect(last.outcome.errno).toBe('EINVAL');
      expect(last.outcome.rule).not.toBe('');
    } else {
      throw new Error('expected a failed action in the log');
    }
  });

  it('switches op and shows that op’s fields', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(screen.getByLabelText('operation'), {
      target: { value: 'iommu.group_resv_regions' },
    });
    expect(field(/^group$/)).toBeTruthy();
    expect(screen.getByTestId('dry-run').textContent).toMatch(/would succeed/);
  });
});
