import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { importText } from '../../src/core/importers/index.ts';
import { ImportDialog } from '../../src/ui/import/ImportDialog.tsx';
import { defaultStore, renderWith } from './app-fixture.tsx';

afterEach(cleanup);

const SESSION = readFileSync(
  resolve(import.meta.dirname, '../fixtures/real/err-isa-bridge-audio-direct-vfio-users.txt'),
  'utf8',
);

describe('the notes that summarise the pieces of a paste are counted, not recognised', () => {
  it('a mixed paste says how many of its first notes are piece summaries', () => {
    const r = importText(SESSION);
    if (!r.ok) throw new Error(r.error);
    const pieces = r.result.pieces ?? [];
    expect(pieces.length).toBe(6);
    expect(r.result.pieceSummaries).toBe(pieces.length);
    r.result.notes.slice(0, pieces.length).forEach((n, i) => expect(n).toContain(pieces[i]!.kind));
    // A single-kind input has no summaries.
    const one = importText('0x00000000fee00000 0x00000000feefffff msi\n');
    expect(one.ok && one.result.pieceSummaries).toBeUndefined();
  });

  it('the dialog, listing the pieces, leaves out exactly those notes and keeps the rest', () => {
    const r = importText(SESSION);
    if (!r.ok) throw new Error(r.error);
    const rest = r.result.notes.slice(r.result.pieceSummaries);
    const store = defaultStore();
    store.getState().openImport();
    renderWith(store, <ImportDialog initial={[]} />);
    fireEvent.change(screen.getByLabelText('Or paste anything'), { target: { value: SESSION } });
    const input = screen.getByTestId('import-input');
    const shown = [...(input.querySelector('ul.notes')?.querySelectorAll('li') ?? [])].map(
      (li) => li.textContent,
    );
    for (const n of r.result.notes.slice(0, r.result.pieceSummaries))
      expect(shown).not.toContain(n);
    expect(shown.length).toBeGreaterThan(0);
    for (const n of shown) expect(rest).toContain(n);
    expect(within(input).getAllByTestId('piece')).toHaveLength(6);
  });
});
