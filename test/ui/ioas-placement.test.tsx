import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.ts';
import type { AppStore } from '../../src/store/app-store.ts';
import { ActionsPanel } from '../../src/ui/actions/ActionsPanel.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

function field(label: RegExp) {
  return screen.getByLabelText(label) as HTMLInputElement;
}

function fixedBox() {
  return screen.getByRole('checkbox', { name: 'FIXED_IOVA' }) as HTMLInputElement;
}

function placement() {
  return screen.getByTestId('placement').textContent ?? '';
}

/** The default workspace plus IOASes of its own (ids returned by the engine). */
function withIoas(count: number): { store: AppStore; ids: number[] } {
  const store = defaultStore();
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const out = store.getState().dispatch({ op: 'iommufd.ioas_alloc' } as Action);
    if (!out?.ok) throw new Error(`ioas_alloc failed: ${JSON.stringify(out)}`);
    ids.push(Number(out.result?.['out_ioas_id'] ?? out.result?.['id'] ?? out.result?.['ioas_id']));
  }
  return { store, ids };
}

describe('IOMMU_IOAS_MAP placement', () => {
  it('starts without FIXED_IOVA: the dry run says automatic placement and where the kernel would map', () => {
    const { store } = withIoas(1);
    renderWith(store, <ActionsPanel initialOp="iommufd.ioas_map" />);
    expect(field(/^iova/).value).toBe('');
    expect(fixedBox().checked).toBe(false);
    fireEvent.change(field(/^length$/), { target: { value: '2M' } });
    expect(screen.getByTestId('dry-run').textContent).toMatch(/would succeed/);
    expect(placement()).toMatch(/automatic placement \(no FIXED_IOVA\)/);
    const m = /would map at (0x[0-9a-f]+)/.exec(placement());
    expect(m).not.toBeNull();
    // The address shown is the one the engine chose: running the op maps there.
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /Run iommufd.ioas_map/ }));
    });
    const last = store.getState().log.at(-1);
    const out = last?.kind === 'action' ? last.outcome : undefined;
    expect(out?.ok).toBe(true);
    expect(out?.ok && out.result?.['iova']).toBe(BigInt(m![1]!));
  });

  it('typing an iova ticks FIXED_IOVA, clearing it unticks it; the dry run shows the fixed address', () => {
    const { store } = withIoas(1);
    renderWith(store, <ActionsPanel initialOp="iommufd.ioas_map" />);
    fireEvent.change(field(/^length$/), { target: { value: '2M' } });
    fireEvent.change(field(/^iova/), { target: { value: '0x40000000' } });
    expect(fixedBox().checked).toBe(true);
    expect(placement()).toMatch(/fixed placement \(FIXED_IOVA\) at 0x40000000/);
    expect(placement()).toMatch(/would map at 0x40000000/);
    fireEvent.change(field(/^iova/), { target: { value: '0x4000' } }); // still typed: stays ticked
    expect(fixedBox().checked).toBe(true);
    fireEvent.change(field(/^iova/), { target: { value: '' } });
    expect(fixedBox().checked).toBe(false);
    expect(placement()).toMatch(/automatic placement/);
  });

  it('the user can still override the checkbox: untick with an iova typed, tick with none', () => {
    const { store } = withIoas(1);
    renderWith(store, <ActionsPanel initialOp="iommufd.ioas_map" />);
    fireEvent.change(field(/^length$/), { target: { value: '2M' } });
    fireEvent.change(field(/^iova/), { target: { value: '0x40000000' } });
    fireEvent.click(fixedBox());
    expect(fixedBox().checked).toBe(false);
    // Editing the typed iova keeps the explicit choice.
    fireEvent.change(field(/^iova/), { target: { value: '0x80000000' } });
    expect(fixedBox().checked).toBe(false);
    expect(placement()).toMatch(/automatic placement.*ignored without FIXED_IOVA/);
    fireEvent.change(field(/^iova/), { target: { value: '' } });
    fireEvent.click(fixedBox());
    expect(fixedBox().checked).toBe(true);
    expect(placement()).toMatch(/fixed placement \(FIXED_IOVA\) with no iova typed.*0x0/);
  });
});

describe('IOMMU_IOAS_COPY placement', () => {
  it('dst_iova drives FIXED_IOVA the same way, and the dry run tells where the copy would land', () => {
    const { store, ids } = withIoas(2);
    const [src, dst] = ids as [number, number];
    const mapped = store.getState().dispatch({
      op: 'iommufd.ioas_map',
      ioas: src,
      iova: 0x100000n,
      length: 0x200000n,
      flags: ['FIXED_IOVA', 'READABLE', 'WRITEABLE'],
    } as unknown as Action);
    expect(mapped?.ok).toBe(true);
    renderWith(store, <ActionsPanel initialOp="iommufd.ioas_copy" />);
    fireEvent.change(field(/^source IOAS$/), { target: { value: String(src) } });
    fireEvent.change(field(/^destination IOAS$/), { target: { value: String(dst) } });
    fireEvent.change(field(/^src_iova$/), { target: { value: '0x100000' } });
    fireEvent.change(field(/^length$/), { target: { value: '2M' } });
    expect(fixedBox().checked).toBe(false);
    expect(screen.getByTestId('dry-run').textContent).toMatch(/would succeed/);
    expect(placement()).toMatch(
      /automatic placement \(no FIXED_IOVA\): the kernel picks the dst_iova — would map at 0x[0-9a-f]+/,
    );
    fireEvent.change(field(/^dst_iova/), { target: { value: '0x80000000' } });
    expect(fixedBox().checked).toBe(true);
    expect(placement()).toMatch(
      /fixed placement \(FIXED_IOVA\) at 0x80000000 — would map at 0x80000000/,
    );
    fireEvent.change(field(/^dst_iova/), { target: { value: '' } });
    expect(fixedBox().checked).toBe(false);
    expect(within(screen.getByTestId('dry-run')).getByTestId('placement').textContent).toMatch(
      /automatic/,
    );
  });
});
