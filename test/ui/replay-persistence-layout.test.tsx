import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { lanesOf } from '../../src/store/address-spaces.ts';
import { createAppStore, selectShown } from '../../src/store/app-store.ts';
import { AUTOSAVE_VERSION, checkSaved } from '../../src/store/autosave.ts';
import { readBack } from './autosave-round-trip.ts';
import { findingsOf } from '../../src/store/findings.ts';
import { decodeHost, encodeHost } from '../../src/store/host-codec.ts';
import { buildHostImport } from '../../src/store/host-import.ts';
import { timelineOf } from '../../src/store/replay-steps.ts';
import { importHost, restoreSaved, savedWorkspace } from '../../src/store/session.ts';
import { SplitHandle, LOG_MIN_PX } from '../../src/ui/app/SplitHandle.tsx';
import { pciClassName, deviceLabel } from '../../src/view/model/pci-class.ts';
import { LogPanel } from '../../src/ui/panels/LogPanel.tsx';
import { TopologyPanel } from '../../src/ui/panels/TopologyPanel.tsx';
import { save } from '../../src/core/scenario/index.ts';
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

function importedStore() {
  const r = buildHostImport(
    [
      { id: 'b', name: 'host.txt', text: bundle('amd-server') },
      {
        id: 'e',
        name: 'errors.txt',
        text: readFileSync(resolve(ROOT, 'test/fixtures/hosts/amd-server/errors.txt'), 'utf8'),
      },
    ],
    { guest: { kind: 'preset', spec: 'q35:ram=1T,qemu=7.0,host=amd' }, traceGroup: undefined },
  );
  if (!r.ok) throw new Error(r.error);
  const store = defaultStore();
  expect(importHost(store, r.plan)).toBe(true);
  return store;
}

const mappingsIn = (s: ReturnType<typeof defaultStore>, laneId: string) =>
  lanesOf(selectShown(s.getState())!).find((l) => l.id === laneId)?.mappings?.size ?? 0;

describe('stepping through a replay', () => {
  it('keeps one state per step, the last equal to the replayed present', () => {
    const store = defaultStore();
    const present = store.getState().history!.present;
    const t = timelineOf(present.scenario)!;
    expect(t.reports).toHaveLength(present.scenario.steps.length);
    expect(t.states).toHaveLength(present.scenario.steps.length + 1);
    expect(t.states.at(-1)!.vfio).toEqual(present.state.vfio);
  });

  it('views an earlier step without an edit; acting from there drops the later steps, and undo brings them back', () => {
    const store = defaultStore();
    const before = store.getState().history!;
    const total = before.present.scenario.steps.length;
    const full = mappingsIn(store, 'container:1');
    expect(full).toBeGreaterThan(0);
    store.getState().viewStep(0);
    expect(store.getState().history).toBe(before); // not an edit
    expect(lanesOf(selectShown(store.getState())!).some((l) => l.kind === 'container')).toBe(false);
    // The last step with no actions after it is the present.
    store.getState().viewStep(total);
    expect(store.getState().stepView).toBeUndefined();

    // Find the step where the container first holds a mapping, view the one before it and map from there.
    const t = timelineOf(before.present.scenario)!;
    const firstMap = t.reports.findIndex((r) => r.op === 'vfio.map_dma');
    store.getState().viewStep(firstMap);
    expect(mappingsIn(store, 'container:1')).toBe(0);
    const outcome = store.getState().dispatch({
      op: 'vfio.map_dma',
      container: 1,
      iova: 0x300000000n,
      size: 0x200000n,
      flags: ['READ', 'WRITE'],
    });
    expect(outcome?.ok).toBe(true);
    const now = store.getState();
    expect(now.stepView).toBeUndefined();
    expect(now.history!.past.at(-1)).toBe(before.present);
    expect(now.history!.present.scenario.steps).toHaveLength(firstMap);
    expect(now.history!.present.userSteps).toHaveLength(1);
    expect(now.history!.present.builtinId).toBeUndefined();
    expect(mappingsIn(store, 'container:1')).toBe(1);
    const entry = now.log.at(-1)!;
    expect(entry.kind === 'action' && entry.note).toMatch(
      new RegExp(`taken at step ${firstMap} of ${total}`),
    );
    store.getState().undo();
    expect(store.getState().history!.present).toBe(before.present);
    expect(mappingsIn(store, 'container:1')).toBe(full);
  });

  it('the log has back/forward buttons and a clickable list of the steps', () => {
    const store = defaultStore();
    const total = store.getState().history!.present.scenario.steps.length;
    renderWith(store, <LogPanel />);
    const bar = screen.getByTestId('replay-bar');
    expect(screen.getByTestId('replay-position').textContent).toContain(
      `present: all ${total} step(s)`,
    );
    act(() => fireEvent.click(within(bar).getByRole('button', { name: 'step back' })));
    expect(screen.getByTestId('replay-position').textContent).toMatch(
      new RegExp(`after step ${total - 1} of ${total}`),
    );
    act(() => fireEvent.click(within(bar).getByRole('button', { name: 'first step' })));
    expect(store.getState().stepView?.step).toBe(0);
    act(() => fireEvent.click(within(bar).getByRole('button', { name: 'step forward' })));
    expect(store.getState().stepView?.step).toBe(1);
    expect(screen.getByTestId('replay-position').textContent).toMatch(
      /after step 1 of \d+ · \S+ ok/,
    );

    // The steps under the scenario entry: click the third one.
    const details = screen.getByText(/step\(s\): click one/).closest('details')!;
    act(() => {
      details.open = true;
      fireEvent(details, new Event('toggle'));
    });
    const list = screen.getByRole('list', { name: 'replay steps' });
    const buttons = within(list).getAllByRole('button');
    expect(buttons).toHaveLength(total + 1);
    act(() => fireEvent.click(buttons[3]!));
    expect(store.getState().stepView?.step).toBe(3);
    expect(buttons[3]!.getAttribute('aria-current')).toBe('step');
    act(() => fireEvent.click(within(bar).getByRole('button', { name: 'back to the present' })));
    expect(store.getState().stepView).toBeUndefined();
  });
});

describe('autosave of an imported host', () => {
  it('keeps the host facts, pasted lines and guest layout, so the findings come back', async () => {
    const store = importedStore();
    const findings = findingsOf(store.getState().history!.present).findings;
    expect(findings.some((f) => f.kind === 'pasted-error')).toBe(true);
    const saved = (await savedWorkspace(store, (s) => save(s.scenario)))!;
    expect(saved.version).toBe(AUTOSAVE_VERSION);
    expect(saved.hostText).toBeDefined();
    // What IndexedDB keeps is plain data.
    const other = createAppStore();
    expect((await restoreSaved(other, await readBack(saved))).opened).toBe(true);
    const restored = other.getState().history!.present;
    expect(restored.host?.events).toEqual(store.getState().history!.present.host?.events);
    expect(restored.host?.guest).toEqual(store.getState().history!.present.host?.guest);
    expect(findingsOf(restored).findings.map((f) => f.message)).toEqual(
      findings.map((f) => f.message),
    );
    expect(other.getState().notice).toBeUndefined();
  });

  it('a damaged host record gives a message and the scenario still opens; an unknown version is refused', async () => {
    const store = importedStore();
    const saved = await readBack((await savedWorkspace(store, (s) => save(s.scenario)))!);
    const other = createAppStore();
    expect((await restoreSaved(other, { ...saved, hostText: '{"facts": 3' })).opened).toBe(true);
    expect(other.getState().notice?.text).toMatch(/saved host import does not read/);
    expect(other.getState().history!.present.host).toBeUndefined();
    expect(decodeHost(JSON.stringify({ facts: {}, events: [{ line: 1 }] }))).toEqual({
      ok: false,
      error: expect.stringMatching(/pasted lines are damaged/),
    });
    expect(decodeHost(encodeHost(store.getState().history!.present.host!)).ok).toBe(true);
    expect(checkSaved({ ...saved, version: 99 })).toEqual({
      kind: 'unreadable',
      message: expect.stringMatching(/version 99/),
    });
    expect(checkSaved({ ...saved, hostText: 5 }).kind).toBe('unreadable');
    // Version 1 records (no host) are still read.
    const { hostText: _h, ...v1 } = saved;
    expect(checkSaved({ ...v1, version: 1 }).kind).toBe('ok');
  });
});

describe('device labels', () => {
  it('names PCI classes in words', () => {
    expect(pciClassName('0x060400')).toBe('PCI bridge');
    expect(pciClassName('0x030000')).toBe('VGA compatible controller');
    expect(pciClassName('0x030200')).toBe('3D controller');
    expect(pciClassName('0x010802')).toBe('NVMe controller');
    expect(pciClassName('0x020000')).toBe('Ethernet controller');
    expect(pciClassName('0x0c0330')).toBe('USB controller');
    expect(pciClassName('0x040300')).toBe('audio device');
    expect(pciClassName('0x060000')).toBe('host bridge');
    expect(pciClassName('0x060100')).toBe('ISA bridge');
    expect(pciClassName('0x010601')).toBe('SATA controller');
    expect(pciClassName('0x0c0500')).toBe('SMBus');
    expect(pciClassName('0x0b4000')).toBe('processor');
    expect(pciClassName('0604')).toBe('PCI bridge');
    expect(pciClassName('not a class')).toBe('not a class');
    expect(pciClassName(undefined)).toBeUndefined();
    expect(deviceLabel({ name: 'GPU', class: '0x030000' })).toBe('GPU');
  });

  it('the topology shows class names, not codes, for unnamed devices', () => {
    const store = importedStore();
    renderWith(store, <TopologyPanel />);
    const topology = screen.getByRole('region', { name: 'topology' });
    expect(topology.textContent).not.toMatch(/0x0[0-9a-f]{5}/);
    expect(topology.textContent).toContain('PCI bridge');
    expect(
      within(topology).getByRole('button', { name: /device 0000:03:00.0 .*group 3/ }).textContent,
    ).toMatch(/controller|device/i);
  });
});

describe('the split between the map and the log', () => {
  it('a keyboard user resizes it with the arrows, within limits', () => {
    let h = 190;
    const container = document.createElement('div');
    Object.defineProperty(container, 'clientHeight', { value: 700 });
    const { rerender } = renderWith(
      createAppStore(),
      <SplitHandle logHeight={h} setLogHeight={(v) => (h = v)} container={() => container} />,
    );
    const sep = screen.getByRole('separator', { name: 'resize the map and the log' });
    fireEvent.keyDown(sep, { key: 'ArrowUp' });
    expect(h).toBe(214);
    fireEvent.keyDown(sep, { key: 'Home' });
    expect(h).toBe(LOG_MIN_PX);
    fireEvent.keyDown(sep, { key: 'End' });
    expect(h).toBe(700 - 160);
    rerender(
      <SplitHandle logHeight={h} setLogHeight={(v) => (h = v)} container={() => container} />,
    );
    expect(screen.getByRole('separator').getAttribute('aria-valuenow')).toBe(String(700 - 160));
  });
});
