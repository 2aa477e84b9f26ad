import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../src/core/actions.ts';
import { U64_MAX } from '../../src/core/u64.ts';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { selectShown } from '../../src/store/app-store.ts';
import { ActionsPanel } from '../../src/ui/actions/ActionsPanel.tsx';
import { footprintsOf } from '../../src/ui/map/map-painter.ts';
import { footprintOf } from '../../src/view/actions/footprint.ts';
import { visibleRange } from '../../src/view/viewport/viewport.ts';
import { defaultStore, MAP, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

const field = (label: RegExp) => screen.getByLabelText(label) as HTMLInputElement;
const run = () =>
  act(() => {
    fireEvent.click(screen.getByRole('button', { name: /Run vfio.map_dma/ }));
  });

/** The default scenario's container 1 maps 0x100000000..0x27fffffff (guest RAM above 4 GiB). */
const OVER_RAM = { iova: '0x100000000', size: '0x40000000' };

describe('the action being filled in, on the map', () => {
  it('is a ghost on its lane: red with what is in the way outlined when the dry run refuses it', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: OVER_RAM.iova } });
    fireEvent.change(field(/^size$/), { target: { value: OVER_RAM.size } });
    const draft = store.getState().draft;
    expect(draft).toMatchObject({
      laneId: 'container:1',
      range: { start: 0x100000000n, last: 0x13fffffffn },
      ok: false,
      label: 'would fail: EEXIST',
    });
    const s = store.getState();
    const marks = footprintsOf(s, lanesOf(selectShown(s)!));
    expect(marks).toHaveLength(1);
    expect(marks[0]!.style).toBe('ghost-refused');
    // Drawn on the container and on its domain, which shares its mappings.
    expect(marks[0]!.laneIds).toEqual(['container:1', 'container:1:domain:1']);
    expect(marks[0]!.outlined).toContainEqual({ start: 0x100000000n, last: 0x27fffffffn });

    fireEvent.change(field(/^iova$/), { target: { value: '0x300000000' } });
    expect(store.getState().draft).toMatchObject({ ok: true, label: 'would map' });
    const ok = footprintsOf(store.getState(), lanesOf(selectShown(store.getState())!));
    expect(ok[0]!.style).toBe('ghost');
    expect(ok[0]!.outlined).toEqual([]);
  });

  it('after Run shows what that run did, not the next dry run, until a field or the map changes', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: '0x300000000' } });
    fireEvent.change(field(/^size$/), { target: { value: '2M' } });
    run();
    const dry = screen.getByTestId('dry-run');
    expect(dry.textContent).toMatch(/^done: mapped iova 0x300000000/);
    expect(dry.textContent).not.toMatch(/EEXIST/);
    expect(store.getState().draft).toBeUndefined();
    // The new mapping is selected without taking the form's tab away, and in view.
    const s = store.getState();
    expect(s.selection).toEqual({ kind: 'mapping', laneId: 'container:1', start: 0x300000000n });
    expect(s.selectionQuiet).toBe(true);
    const seen = visibleRange(s.viewport);
    expect(seen.start <= 0x300000000n && 0x3001fffffn <= seen.last).toBe(true);

    // Undo takes the mapping away: the form answers for the state now shown.
    act(() => store.getState().undo());
    expect(screen.getByTestId('dry-run').textContent).toMatch(/would succeed/);
    // Redo brings back the very state that run made, and with it what the run said.
    act(() => store.getState().redo());
    expect(screen.getByTestId('dry-run').textContent).toMatch(/^done: mapped/);
    fireEvent.change(field(/^iova$/), { target: { value: '0x400000000' } });
    expect(screen.getByTestId('dry-run').textContent).toMatch(/would succeed/);
  });

  it('a failed run leaves a mark where it failed until the next change', () => {
    const store = defaultStore();
    renderWith(store, <ActionsPanel />);
    fireEvent.change(field(/^iova$/), { target: { value: OVER_RAM.iova } });
    fireEvent.change(field(/^size$/), { target: { value: OVER_RAM.size } });
    run();
    expect(screen.getByTestId('run-result').textContent).toMatch(
      /^failed: EEXIST \(-17\) — iova 0x100000000\.\.0x13fffffff overlaps/,
    );
    const lanes = () => lanesOf(selectShown(store.getState())!);
    const failed = footprintsOf(store.getState(), lanes()).filter((m) => m.style === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.label).toBe('EEXIST: vfio.map_dma refused here');
    expect(failed[0]!.range).toEqual({ start: 0x100000000n, last: 0x13fffffffn });

    act(() => {
      store.getState().dispatch(MAP);
    });
    expect(footprintsOf(store.getState(), lanes()).some((m) => m.style === 'failed')).toBe(false);
  });
});

describe('footprintOf', () => {
  it('reads an automatic placement from the outcome, and ALL as the whole space', () => {
    const autoMap: Action = {
      op: 'iommufd.ioas_map',
      ioas: 2,
      length: 0x1000n,
      flags: ['READABLE', 'WRITEABLE'],
    };
    expect(footprintOf(autoMap)).toBeUndefined();
    expect(footprintOf(autoMap, { ok: true, warnings: [], result: { iova: 0x8000n } })).toEqual({
      laneId: 'ioas:2',
      range: { start: 0x8000n, last: 0x8fffn },
      adds: true,
    });
    expect(
      footprintOf({ op: 'vfio.unmap_dma', container: 1, iova: 0n, size: 0n, flags: ['ALL'] }),
    ).toEqual({ laneId: 'container:1', range: { start: 0n, last: U64_MAX }, adds: false });
    expect(footprintOf({ op: 'vfio.container_create' } as Action)).toBeUndefined();
  });
});
