import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OFF_PAGE_CHARS } from '../../src/store/import-reader.ts';
import { ImportDialog } from '../../src/ui/import/ImportDialog.tsx';
import { churnTrace } from '../bench/churn-trace.ts';
import { defaultStore, renderWith } from './app-fixture.tsx';

/**
 * The dialog with an input too long to read on the page at once: it is read by the import
 * reader (in place here: the test environment has no workers), shows its progress, imports with
 * the progress bar and Cancel, and commits ONE undo entry.
 */

afterEach(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');
const bundle = execFileSync(
  'sh',
  [
    resolve(ROOT, 'public/collect-host.sh'),
    '--root',
    resolve(ROOT, 'test/fixtures/hosts/intel-client/root'),
  ],
  { encoding: 'utf8' },
);
const trace = churnTrace(8000);

function open() {
  expect(trace.length).toBeGreaterThan(OFF_PAGE_CHARS);
  const store = defaultStore();
  store.getState().openImport();
  renderWith(
    store,
    <ImportDialog
      initial={[
        { id: 'b', name: 'host.txt', text: bundle },
        { id: 't', name: 'qemu-trace.log', text: trace },
      ]}
    />,
  );
  return store;
}

async function read() {
  await waitFor(() => expect(screen.getAllByTestId('import-input')).toHaveLength(2));
  const input = screen.getAllByTestId('import-input')[1] as HTMLElement;
  expect(within(input).getByTestId('understood').textContent).toMatch(
    /Understood as qemu-trace: .*7201 step\(s\)/,
  );
  // The trace's steps replay into the group bound to vfio-pci.
  expect(screen.getByLabelText('Replay the trace into group')).toHaveProperty('value', '1');
}

describe('a long trace in the import dialog', () => {
  it('is read off the page, then imported in slices as ONE undo entry', async () => {
    const store = open();
    const before = store.getState().history!;
    await read();
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    });
    expect(screen.getByTestId('import-progress')).toBeTruthy();
    await waitFor(() => expect(store.getState().importDialog).toBeUndefined(), { timeout: 20_000 });
    const after = store.getState().history!;
    expect(after.past.length).toBe(before.past.length + 1);
    expect(after.present.scenario.steps).toHaveLength(7204);
    expect(after.present.host?.steps).toHaveLength(7201);
    expect(store.getState().notice?.text).toMatch(/^imported host\.txt, qemu-trace\.log/);
    act(() => store.getState().undo());
    expect(store.getState().history!.present).toBe(before.present);
  });

  it('Cancel import stops it, and the workspace is as it was', async () => {
    const store = open();
    const before = store.getState();
    await read();
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    });
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel import' }));
    });
    await waitFor(() =>
      expect(screen.getByTestId('import-note').textContent).toBe(
        'Import cancelled: the workspace is as it was.',
      ),
    );
    expect(screen.queryByTestId('import-progress')).toBeNull();
    expect(store.getState().history).toBe(before.history);
    expect(store.getState().log).toBe(before.log);
    expect(store.getState().importDialog).toBeDefined();
  });
});
