import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { buildHostImport, parseInput, pieceReports } from '../../src/store/host-import.ts';
import { ImportDialog } from '../../src/ui/import/ImportDialog.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');
const real = (name: string) => readFileSync(resolve(ROOT, 'test/fixtures/real', name), 'utf8');
/** A mail thread: the user's quoted QEMU error and lspci, the reply's group listing and reserved_regions. */
const SESSION = real('err-isa-bridge-audio-direct-vfio-users.txt');

function paste(text: string) {
  fireEvent.change(screen.getByLabelText('Or paste anything'), { target: { value: text } });
}

function open() {
  const store = defaultStore();
  store.getState().openImport();
  renderWith(store, <ImportDialog initial={[]} />);
  return store;
}

describe('paste anything: the pieces a paste was cut into', () => {
  it('reads a pasted mail thread without a kind: one piece per tool output, each with its line range, command and counts', () => {
    const p = parseInput({ id: 'p', name: 'pasted text', text: SESSION });
    expect(p.kind).toBe('mixed');
    expect(p.detected).toBe('mixed');
    const reports = pieceReports(p);
    expect(reports.map((r) => [r.piece.kind, r.piece.first, r.piece.last])).toEqual([
      ['error-lines', 8, 12],
      ['lspci-vvv', 20, 23],
      ['lspci-vvv', 25, 28],
      ['lspci-vvv', 39, 43],
      ['groups', 49, 53],
      ['reserved-regions', 56, 57],
    ]);
    const byKind = (k: string) => reports.find((r) => r.piece.kind === k)!.understood;
    expect(byKind('error-lines').events).toBe(1);
    expect(byKind('groups')).toMatchObject({ groups: [9], devices: 5 });
    expect(byKind('reserved-regions').regions).toBe(2);
    expect(reports[3]!.understood.devices).toBe(5);
  });

  it('lists the pieces, and the lines around them that no importer was given', () => {
    open();
    paste(SESSION);
    const input = screen.getByTestId('import-input');
    expect(within(input).getByText('detected: mixed (6 pieces)')).toBeTruthy();
    expect(within(input).getByTestId('understood').textContent).toMatch(
      /Understood as mixed \(6 pieces\): 1 group\(s\), \d+ device\(s\), 2 reserved region\(s\)/,
    );
    const pieces = within(input).getAllByTestId('piece');
    expect(pieces.map((li) => li.querySelector('.piece-kind')?.textContent)).toEqual([
      'error-lines',
      'lspci-vvv',
      'lspci-vvv',
      'lspci-vvv',
      'groups',
      'reserved-regions',
    ]);
    const text = pieces.map((li) => li.textContent ?? '');
    expect(text[0]).toMatch(/lines 8–12.*1 placed line.*3 lines not read/);
    expect(text[0]).not.toContain('$');
    expect(text[1]).toMatch(/lines 20–23\$ lspci -s 00:1f4 devices.*every line read/);
    expect(text[4]).toMatch(
      /lines 49–53\$ find \/sys\/kernel\/iommu_groups\/9\/devices -type l1 group, 5 devices/,
    );
    expect(text[5]).toMatch(
      /lines 56–57\$ cat \/sys\/kernel\/iommu_groups\/9\/reserved_regions1 group, 2 reserved regions/,
    );
    // The piece's unread lines and the prose around the pieces are listed apart, with pasted line numbers.
    const inPieces = within(input).getByTestId('unread-in-pieces').textContent ?? '';
    expect(inPieces).toMatch(/3 line\(s\)/);
    expect(inPieces).toMatch(/line 9\s*> with error 22 \(EINVAL\)\./);
    const around = within(input).getByTestId('around').textContent ?? '';
    expect(around).toMatch(/Text around the pieces, given to no importer: 18 line\(s\)/);
    expect(around).toMatch(/line 1\s*> Hello,/);
    expect(around).toMatch(/line 36\s*On my system I have:/);
    expect(around).not.toMatch(/line 12\b/);
  });

  it('an override reads the whole paste as that kind, and the pieces list goes', () => {
    open();
    paste(SESSION);
    fireEvent.change(screen.getByRole('combobox', { name: 'kind of pasted text' }), {
      target: { value: 'error-lines' },
    });
    const input = screen.getByTestId('import-input');
    expect(within(input).getByTestId('understood').textContent).toMatch(
      /Understood as error-lines: 0 group\(s\), 0 device\(s\), 0 reserved region\(s\).*1 placed line\(s\)/,
    );
    expect(within(input).queryByTestId('pieces')).toBeNull();
    // Back to detection: the pieces again.
    fireEvent.change(screen.getByRole('combobox', { name: 'kind of pasted text' }), {
      target: { value: '' },
    });
    expect(within(input).getAllByTestId('piece')).toHaveLength(6);
  });

  it('offers the trace group picker when one piece of a mixed paste is a QEMU trace', () => {
    open();
    const text = real('mix-bar0-hole-syslog-vfio-trace-wrapped.txt');
    const p = parseInput({ id: 'p', name: 'pasted text', text });
    expect(p.kind).toBe('mixed');
    expect(p.result?.pieces?.some((piece) => piece.kind === 'qemu-trace')).toBe(true);
    expect(screen.queryByLabelText(/Replay the trace into group/)).toBeNull();
    paste(text);
    expect(screen.getByLabelText(/Replay the trace into group/)).toBeTruthy();
    // And the plan asks for the group, as it does for a trace alone.
    const r = buildHostImport([{ id: 'p', name: 'pasted text', text }], {
      guest: { kind: 'none' },
      traceGroup: undefined,
    });
    expect(r.ok && r.plan.notes.join(' ')).toMatch(/choose the group it replays into/);
  });
});

describe('the IOMMU unit the import assumed', () => {
  it('says what was assumed and why, and a pick reads the import again with that unit', () => {
    const store = open();
    paste(SESSION);
    const picker = screen.getByTestId('unit-picker');
    expect(within(picker).getByTestId('unit-assumption').textContent).toContain(
      "Assumed: the IOMMU unit is Intel VT-d (the bridge 0000:00:1f.0 (Intel Corporation Device 0284) is Intel's) with a 48-bit address width, which the input does not state",
    );
    expect(within(picker).getByRole('combobox', { name: 'kind' })).toHaveProperty('value', '');
    fireEvent.change(within(picker).getByRole('combobox', { name: 'kind' }), {
      target: { value: 'amd' },
    });
    fireEvent.change(within(picker).getByRole('textbox', { name: 'address width' }), {
      target: { value: '40' },
    });
    expect(within(picker).getByTestId('unit-assumption').textContent).toBe(
      'IOMMU: AMD-Vi, 40-bit (as picked)',
    );
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    });
    const present = store.getState().history!.present;
    expect(present.scenario.platform?.iommus).toEqual([
      { id: 'assumed-amd', kind: 'amd', addressWidth: 40 },
    ]);
    expect(
      present.scenario.platform?.devices
        ?.filter((d) => d.group === 9)
        .every((d) => d.iommu === 'assumed-amd'),
    ).toBe(true);
    expect(present.host?.facts.unitAssumption).toMatchObject({
      kind: 'amd',
      addressWidth: 40,
      picked: true,
    });
  });

  it('a width alone keeps the assumed kind; a bad width is refused; "as assumed" goes back to the guess', () => {
    open();
    paste(SESSION);
    const picker = screen.getByTestId('unit-picker');
    const width = within(picker).getByRole('textbox', { name: 'address width' });
    fireEvent.change(width, { target: { value: '39' } });
    expect(within(picker).getByRole('combobox', { name: 'kind' })).toHaveProperty('value', 'vtd');
    expect(within(picker).getByTestId('unit-assumption').textContent).toBe(
      'IOMMU: Intel VT-d, 39-bit (as picked)',
    );
    fireEvent.change(width, { target: { value: '99' } });
    expect(within(picker).getByRole('alert').textContent).toMatch(
      /"99" is not a number of bits from 32 to 64/,
    );
    expect(screen.getByRole('button', { name: 'Import' })).toHaveProperty('disabled', true);
    fireEvent.change(within(picker).getByRole('combobox', { name: 'kind' }), {
      target: { value: '' },
    });
    expect(within(picker).getByTestId('unit-assumption').textContent).toMatch(
      /^Assumed: the IOMMU unit is Intel VT-d/,
    );
    expect(width).toHaveProperty('value', '');
    expect(screen.getByRole('button', { name: 'Import' })).toHaveProperty('disabled', false);
  });

  it('is not offered when no unit had to be assumed', () => {
    open();
    paste('0x00000000fee00000 0x00000000feefffff msi\n');
    expect(screen.getByTestId('understood')).toBeTruthy();
    expect(screen.queryByTestId('unit-picker')).toBeNull();
  });
});
