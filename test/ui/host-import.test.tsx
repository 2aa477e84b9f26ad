import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { lanesOf } from '../../src/store/address-spaces.ts';
import {
  buildHostImport,
  parseInput,
  platformGroups,
  understood,
} from '../../src/store/host-import.ts';
import { findingsOf, withMargin } from '../../src/store/findings.ts';
import { importHost } from '../../src/store/session.ts';
import { ImportDialog } from '../../src/ui/import/ImportDialog.tsx';
import { FindingsPanel } from '../../src/ui/panels/FindingsPanel.tsx';
import { DEFAULT_SCENARIO_ID } from '../../src/store/scenarios/builtin.ts';
import { fitRange } from '../../src/view/viewport/viewport.ts';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');
const bundle = (host: string) =>
  execFileSync(
    'sh',
    [
      resolve(ROOT, 'public/collect-host.sh'),
      '--root',
      resolve(ROOT, `test/fixtures/hosts/${host}/root`),
    ],
    { encoding: 'utf8' },
  );

const REGIONS = [
  '0x00000000fee00000 0x00000000feefffff msi',
  '0x000000fd00000000 0x000000ffffffffff reserved',
  'this is not a region',
  '',
].join('\n');

function paste(text: string) {
  fireEvent.change(screen.getByLabelText('Or paste anything'), { target: { value: text } });
}

describe('ImportDialog', () => {
  it('shows what a paste was understood as, and the lines that were not, with their line numbers', () => {
    const store = defaultStore();
    renderWith(store, <ImportDialog initial={[]} />);
    paste(REGIONS);
    const input = screen.getByTestId('import-input');
    expect(within(input).getByRole('combobox', { name: 'kind of pasted text' })).toHaveProperty(
      'value',
      '',
    );
    expect(within(input).getByText('detected: reserved-regions')).toBeTruthy();
    expect(within(input).getByTestId('understood').textContent).toMatch(
      /Understood as reserved-regions: .*2 reserved region\(s\)/,
    );
    const not = within(input).getByTestId('not-understood').textContent ?? '';
    expect(not).toContain('Not understood: 1 line(s)');
    expect(not).toMatch(/line 3\s*this is not a region/);
  });

  it('reads the text as the kind the user overrides', () => {
    const store = defaultStore();
    renderWith(store, <ImportDialog initial={[]} />);
    paste(REGIONS);
    fireEvent.change(screen.getByRole('combobox', { name: 'kind of pasted text' }), {
      target: { value: 'iomem' },
    });
    const input = screen.getByTestId('import-input');
    expect(within(input).getByTestId('understood').textContent).toMatch(/Understood as iomem/);
    // As /proc/iomem, none of the three lines is understood.
    expect(within(input).getByTestId('not-understood').textContent).toMatch(
      /Not understood: 3 line\(s\)/,
    );
  });

  it('never renders imported text as HTML', () => {
    const store = defaultStore();
    renderWith(
      store,
      <ImportDialog
        initial={[
          { id: 'f', name: '<b>x</b>.txt', text: '<img src=x onerror=alert(1)>\n' + REGIONS },
        ]}
      />,
    );
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
    expect(screen.getByTestId('not-understood').textContent).toContain(
      '<img src=x onerror=alert(1)>',
    );
  });

  it('refuses a file above 256 MB with a message, before reading it', async () => {
    const store = defaultStore();
    renderWith(store, <ImportDialog initial={[]} />);
    // Its size only: a file that big is refused before a byte of it is read.
    const big = new File(['x'], 'huge.log');
    Object.defineProperty(big, 'size', { value: 300 * 1024 * 1024 });
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [big] } });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toMatch(
        /huge\.log is 300\.0 MB: files above 256\.0 MB are refused/,
      ),
    );
    expect(screen.queryByTestId('import-input')).toBeNull();
  });

  it('imports a dropped bundle with a guest as one history entry; undo restores the previous scenario', async () => {
    const store = defaultStore();
    store.getState().openImport();
    const before = store.getState().history!;
    renderWith(store, <ImportDialog initial={[]} />);
    fireEvent.drop(screen.getByTestId('drop-zone'), {
      dataTransfer: { files: [new File([bundle('amd-server')], 'host.txt')] },
    });
    await waitFor(() =>
      expect(screen.getByTestId('understood').textContent).toMatch(/9 group\(s\), 12 device\(s\)/),
    );
    fireEvent.change(screen.getByLabelText('machine'), { target: { value: 'q35' } });
    fireEvent.change(screen.getByLabelText('RAM'), { target: { value: '16G' } });
    expect(screen.getByTestId('guest-spec').textContent).toContain('q35:ram=16G,host=amd');
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    });
    const after = store.getState().history!;
    expect(after.past.length).toBe(before.past.length + 1);
    expect(after.present.scenario.title).toBe('Host import: host.txt');
    expect(after.present.state.index.groups.size).toBe(9);
    expect(
      after.present.scenario.guest?.memory?.some((m) => m.name === 'pc.ram (ram-above-4g)'),
    ).toBe(true);
    expect(store.getState().importDialog).toBeUndefined();
    expect(store.getState().tabRequest?.tab).toBe('findings');
    act(() => store.getState().undo());
    expect(store.getState().history!.present).toBe(before.present);
    expect(store.getState().history!.present.builtinId).toBe(DEFAULT_SCENARIO_ID);
  });

  it('takes a guest vIOMMU address width, and the findings flag guest RAM above it', async () => {
    const store = defaultStore();
    store.getState().openImport();
    renderWith(store, <ImportDialog initial={[]} />);
    fireEvent.drop(screen.getByTestId('drop-zone'), {
      dataTransfer: { files: [new File([bundle('intel-client')], 'host.txt')] },
    });
    await waitFor(() =>
      expect(screen.getByTestId('understood').textContent).toMatch(/Understood as bundle/),
    );
    fireEvent.change(screen.getByLabelText('machine'), { target: { value: 'q35' } });
    fireEvent.change(screen.getByLabelText('RAM'), { target: { value: '600G' } });
    fireEvent.change(screen.getByLabelText('vIOMMU aw-bits'), { target: { value: '39' } });
    expect(screen.getByTestId('guest-spec').textContent).toContain('q35:ram=600G,host=intel,aw=39');
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    });
    const report = findingsOf(store.getState().history!.present);
    expect(
      report.findings.some((f) => f.kind === 'guest-beyond-viommu' && f.severity === 'error'),
    ).toBe(true);
  });

  it('replays a QEMU trace into the chosen group on the map', () => {
    const trace = readFileSync(
      resolve(ROOT, 'test/fixtures/hosts/intel-client/qemu-trace.txt'),
      'utf8',
    );
    const inputs = [
      { id: 'b', name: 'bundle', text: bundle('intel-client') },
      { id: 't', name: 'trace', text: trace },
    ];
    const t = parseInput(inputs[1]!);
    const maps = understood(t.result!).steps;
    expect(maps).toBeGreaterThan(0);
    // Without a group the steps are not replayed, and the plan says so.
    const bare = buildHostImport(inputs, { guest: { kind: 'none' }, traceGroup: undefined });
    expect(bare.ok && bare.plan.notes.join(' ')).toMatch(/choose the group/);
    const group = platformGroups(parseInput(inputs[0]!).result!.scenario.platform).vfio[0]!;
    const r = buildHostImport(inputs, { guest: { kind: 'none' }, traceGroup: group });
    if (!r.ok) throw new Error(r.error);
    const store = defaultStore();
    expect(importHost(store, r.plan)).toBe(true);
    const container = lanesOf(store.getState().history!.present).find(
      (l) => l.kind === 'container',
    );
    expect(container?.detail).toContain(`groups ${group}`);
    expect(container?.mappings?.size).toBeGreaterThan(0);
  });
});

describe('FindingsPanel', () => {
  function importedStore() {
    const store = defaultStore();
    const errors = readFileSync(resolve(ROOT, 'test/fixtures/hosts/amd-server/errors.txt'), 'utf8');
    const r = buildHostImport(
      [
        { id: 'b', name: 'host.txt', text: bundle('amd-server') },
        { id: 'e', name: 'errors.txt', text: errors },
      ],
      { guest: { kind: 'preset', spec: 'q35:ram=1T,qemu=7.0,host=amd' }, traceGroup: undefined },
    );
    if (!r.ok) throw new Error(r.error);
    expect(importHost(store, r.plan)).toBe(true);
    return store;
  }

  it('lists the findings of the imported host by severity, with objects and addresses', () => {
    const store = importedStore();
    renderWith(store, <FindingsPanel />);
    const report = findingsOf(store.getState().history!.present);
    const errors = screen.getByRole('region', { name: 'Errors' });
    const expectedErrors = report.findings.filter((f) => f.severity === 'error');
    expect(within(errors).getAllByRole('listitem').length).toBe(expectedErrors.length);
    expect(errors.textContent).toContain('guest-ram-in-reserved');
    expect(errors.textContent).toContain('pasted-error');
    expect(errors.textContent).toContain('0xfd00000000..0xffffffffff');
    expect(screen.getByRole('region', { name: 'Warnings' }).textContent).toContain('pasted-fault');
    expect(screen.getByTestId('findings-summary').textContent).toMatch(/assigned groups 3, 6/);
  });

  it('a click fits the map on the finding and selects its group, quietly', () => {
    const store = importedStore();
    renderWith(store, <FindingsPanel />);
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /error guest-ram-in-reserved/ }));
    });
    const s = store.getState();
    expect(s.viewport).toEqual(fitRange(withMargin({ start: 0xfd00000000n, last: 0xffffffffffn })));
    expect(s.selection).toEqual({ kind: 'group', group: 3 });
    expect(s.selectionQuiet).toBe(true);
    expect(s.focus?.ranges[0]).toEqual({ start: 0xfd00000000n, last: 0xffffffffffn });
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: /warning p2p-bypass: 0000:03:00.0/ }));
    });
    expect(store.getState().selection).toEqual({ kind: 'device', bdf: '0000:03:00.0' });
  });

  it('explains a pasted vfio_dma_map line through the engine and places it on the map', () => {
    const store = importedStore();
    renderWith(store, <FindingsPanel />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Explain a line' }), {
      target: {
        value:
          'qemu: vfio_dma_map(0x5e043daea2f0, 0xfd00000000, 0x200000, 0x771a6ce00000) = -22 (Invalid argument)',
      },
    });
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Explain' }));
    });
    const text = screen.getByTestId('explanation').textContent ?? '';
    expect(text).toMatch(/the model answers EINVAL \(-22\) too/);
    expect(store.getState().explained.map((e) => e.range)).toEqual([
      { start: 0xfd00000000n, last: 0xfd001fffffn },
    ]);
    expect(store.getState().viewport).toEqual(
      fitRange(withMargin({ start: 0xfd00000000n, last: 0xfd001fffffn })),
    );
  });
});
