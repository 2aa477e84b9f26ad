import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay, type Scenario, type ScenarioStep } from '../../src/core/scenario/index.ts';
import type { AppStore } from '../../src/store/app-store.ts';
import { findingsOf } from '../../src/store/findings.ts';
import { encodeHost, hostTextToSave } from '../../src/store/host-codec.ts';
import {
  buildHostImport,
  type BuildOptions,
  type ImportInput,
  parseInput,
  traceWithSetup,
} from '../../src/store/host-import.ts';
import { type ImportProgress, runHostImport } from '../../src/store/host-import-run.ts';
import { createImportReader, inPlacePort } from '../../src/store/import-reader.ts';
import { packImport, unpackSteps } from '../../src/store/packed-import.ts';
import { scenarioText } from '../../src/store/scenario-text.ts';
import { importHost, readImportFiles } from '../../src/store/session.ts';
import { replayInSlices } from '../../src/store/sliced-replay.ts';
import { yieldToPage } from '../../src/store/yield-to-page.ts';
import { save } from '../../src/core/scenario/index.ts';
import { asciiJson } from '../../src/store/ascii-json.ts';
import { churnTrace } from '../bench/churn-trace.ts';
import { defaultStore } from './app-fixture.tsx';

/**
 * The import that applies a long trace in slices: the same workspace as the import in one go,
 * ONE undo entry, and a cancel at any point leaves the store exactly as it was.
 */

const TRACE: ImportInput = { id: 't', name: 'trace.log', text: churnTrace(3000) };

/** The default workspace's platform, the trace replayed into group 4 (its GPU's). */
function options(store: AppStore): Omit<BuildOptions, 'onLines'> {
  return {
    guest: { kind: 'none' },
    traceGroup: 4,
    currentPlatform: store.getState().history?.present.scenario.platform,
    iommu: undefined,
  };
}

/** A clock that moves 1 ms a look, so a slice of 4 ms runs a few looks at the clock. */
function tickingClock(): () => number {
  let t = 0;
  return () => t++;
}

async function run(
  store: AppStore,
  control: {
    abortWhen?: (p: ImportProgress) => boolean;
    onProgress?: (p: ImportProgress) => void;
  } = {},
) {
  const abort = new AbortController();
  const reader = createImportReader(inPlacePort);
  const result = await runHostImport(store, reader, [TRACE], options(store), {
    signal: abort.signal,
    yieldToPage,
    now: tickingClock(),
    sliceMs: 4,
    onProgress: (p) => {
      control.onProgress?.(p);
      if (control.abortWhen?.(p)) abort.abort();
    },
  });
  return result;
}

describe('replayInSlices', () => {
  it('gives what replay() gives in one go, in several slices', async () => {
    const store = defaultStore();
    const built = buildHostImport([TRACE], options(store));
    if (!built.ok) throw new Error(built.error);
    // A step that does not go as its expect says, so there is a mismatch to report.
    const again = built.plan.scenario.steps[3] as ScenarioStep;
    const scenario: Scenario = {
      ...built.plan.scenario,
      steps: [...built.plan.scenario.steps, { ...again, expect: { ok: true } }],
    };
    const steps = [...scenario.steps];
    let slices = 0;
    const sliced = await replayInSlices(
      scenario.platform,
      { total: steps.length, next: () => steps.shift() },
      { yieldToPage, now: tickingClock(), sliceMs: 4, onApplied: () => slices++ },
    );
    if (sliced.kind !== 'done') throw new Error(sliced.kind);
    const whole = replay(scenario);
    expect(sliced.mismatched).toEqual(whole.steps.filter((r) => !r.matches));
    expect(sliced.mismatched).toHaveLength(1);
    expect(sliced.state.vfio).toEqual(whole.state.vfio);
    expect(sliced.steps).toEqual(scenario.steps);
    expect(slices).toBeGreaterThan(10);
  });

  it('stops at the end of a slice once aborted', async () => {
    const store = defaultStore();
    const built = buildHostImport([TRACE], options(store));
    if (!built.ok) throw new Error(built.error);
    const steps = [...built.plan.scenario.steps];
    const abort = new AbortController();
    const r = await replayInSlices(
      built.plan.scenario.platform,
      { total: steps.length, next: () => steps.shift() },
      {
        yieldToPage,
        signal: abort.signal,
        now: tickingClock(),
        sliceMs: 4,
        onApplied: (n) => n > 200 && abort.abort(),
      },
    );
    expect(r.kind).toBe('cancelled');
    expect(steps.length).toBeGreaterThan(0);
  });
});

describe('packed import steps', () => {
  it('read back into the scenario and the host context as the plan had them', () => {
    const store = defaultStore();
    for (const traceGroup of [options(store).traceGroup, undefined]) {
      const built = buildHostImport([TRACE], { ...options(store), traceGroup });
      if (!built.ok) throw new Error(built.error);
      const packed = packImport(built.plan);
      expect(packed.plan.scenario.steps).toEqual([]);
      const source = unpackSteps(packed.steps);
      const scenarioSteps = [];
      for (let s = source.next(); s !== undefined; s = source.next())
        if (s !== null) scenarioSteps.push(s);
      expect(scenarioSteps).toEqual(built.plan.scenario.steps);
      expect(source.hostSteps).toEqual(built.plan.host.steps);
      expect(source.hostLines).toEqual(built.plan.host.stepLines);
    }
  });
});

describe('runHostImport', () => {
  it('opens the workspace the import in one go opens, as ONE undo entry', async () => {
    const store = defaultStore();
    const before = store.getState().history!;
    let updates = 0;
    store.subscribe(() => updates++);
    const phases: string[] = [];
    const applied: number[] = [];
    const r = await run(store, {
      onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
        if (p.phase === 'applying') applied.push(p.applied);
      },
    });
    expect(r).toEqual({ kind: 'done' });
    // The store heard of the import once: the workspace it opened.
    expect(updates).toBe(1);
    expect(phases).toEqual(['reading', 'applying', 'checking']);
    expect(applied.length).toBeGreaterThan(10);
    expect(applied).toEqual([...applied].sort((a, b) => a - b));

    const after = store.getState().history!;
    expect(after.past.length).toBe(before.past.length + 1);
    expect(after.past.at(-1)).toBe(before.present);

    const once = defaultStore();
    const built = buildHostImport([TRACE], options(once));
    if (!built.ok) throw new Error(built.error);
    expect(importHost(once, built.plan)).toBe(true);
    const expected = once.getState().history!.present;
    const got = after.present;
    expect(got.scenario).toEqual(expected.scenario);
    expect(got.host).toEqual(expected.host);
    expect(got.state.vfio).toEqual(expected.state.vfio);
    expect(store.getState().log.at(-1)).toEqual(once.getState().log.at(-1));
    expect(store.getState().notice).toEqual(once.getState().notice);
    // What the worker worked out meanwhile is what the page would have.
    expect(findingsOf(got)).toEqual(findingsOf(expected));
    // The same JSON, written in ASCII (ascii-json.ts).
    const saved = await scenarioText(got.scenario);
    const savedHost = hostTextToSave(got.host!);
    expect(saved).toBeInstanceOf(Blob);
    expect(savedHost).toBeInstanceOf(Blob);
    expect(await (saved as Blob).text()).toBe(asciiJson(save(expected.scenario)));
    expect(JSON.parse(await (saved as Blob).text())).toEqual(JSON.parse(save(expected.scenario)));
    expect(await (savedHost as Blob).text()).toBe(asciiJson(encodeHost(expected.host!)));

    store.getState().undo();
    expect(store.getState().history!.present).toBe(before.present);
  });

  for (const [when, abortWhen] of [
    ['while the trace is read', (p: ImportProgress) => p.phase === 'reading'],
    ['half-way through the steps', (p: ImportProgress) => p.applied > p.steps / 2],
    ['while the findings are worked out', (p: ImportProgress) => p.phase === 'checking'],
  ] as const) {
    it(`cancelled ${when}, leaves the store exactly as it was`, async () => {
      const store = defaultStore();
      const before = store.getState();
      let updates = 0;
      store.subscribe(() => updates++);
      const r = await run(store, { abortWhen });
      expect(updates).toBe(0);
      expect(r).toEqual({ kind: 'cancelled' });
      const after = store.getState();
      expect(after.history).toBe(before.history);
      expect(after.log).toBe(before.log);
      expect(after.notice).toBe(before.notice);
      expect(after.seq).toBe(before.seq);
      expect(after).toEqual(before);
    });
  }

  it('a long dropped file is never read on the page: the worker reads it and imports the same', async () => {
    // Over OFF_PAGE_CHARS (512 KiB): what the page reads off itself.
    const text = churnTrace(6000);
    expect(text.length).toBeGreaterThan(512 * 1024);
    const file = new File([text], 'trace.log');
    const { inputs } = await readImportFiles([file]);
    expect(inputs).toEqual([
      expect.objectContaining({ name: 'trace.log', text: '', file, fileBytes: file.size }),
    ]);
    const fromFile = defaultStore();
    const reader = createImportReader(inPlacePort);
    // The dialog reads it first (the worker keeps it), then the build sends it without text.
    const [parsed] = await reader.read(inputs, undefined);
    expect(parsed?.result?.kind).toBe('qemu-trace');
    const r = await runHostImport(fromFile, reader, inputs, options(fromFile), {
      signal: new AbortController().signal,
      yieldToPage,
    });
    expect(r).toEqual({ kind: 'done' });
    const fromText = defaultStore();
    const asText = await runHostImport(
      fromText,
      createImportReader(inPlacePort),
      [{ id: 'big', name: 'trace.log', text }],
      options(fromText),
      { signal: new AbortController().signal, yieldToPage },
    );
    expect(asText).toEqual({ kind: 'done' });
    const got = fromFile.getState().history!.present;
    const want = fromText.getState().history!.present;
    expect(got.scenario.steps).toEqual(want.scenario.steps);
    expect(got.host?.steps).toEqual(want.host?.steps);
    expect(got.state.vfio).toEqual(want.state.vfio);
  });

  it('refuses what cannot be built, and the store stays as it was', async () => {
    const store = defaultStore();
    const before = store.getState();
    const abort = new AbortController();
    const r = await runHostImport(
      store,
      createImportReader(inPlacePort),
      [{ id: 'x', name: 'x', text: 'nothing anyone prints' }],
      options(store),
      { signal: abort.signal, yieldToPage },
    );
    expect(r.kind).toBe('refused');
    expect(store.getState().history).toBe(before.history);
  });
});

describe('asciiJson', () => {
  it('writes the same JSON value in ASCII', () => {
    const value = { note: 'MGAW 39 → 39-bit · “quoted” 𝔸 \u2028', n: [1, '€'] };
    const text = asciiJson(JSON.stringify(value));
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('traceWithSetup', () => {
  const fixtureTrace = readFileSync(
    resolve(import.meta.dirname, '../fixtures/hosts/intel-client/qemu-trace.txt'),
    'utf8',
  );
  const mixed = `${fixtureTrace}\n$ cat /sys/kernel/iommu_groups/4/reserved_regions\n0x00000000fee00000 0x00000000feefffff msi\n${fixtureTrace}`;
  it('is what reading the trace again with the group gives', () => {
    for (const input of [
      TRACE,
      { ...TRACE, kind: 'qemu-trace' as const },
      { id: 'f', name: 'fixture', text: fixtureTrace },
      { id: 'm', name: 'mixed', text: mixed },
    ]) {
      const again = parseInput(input, { traceGroup: 4 }).result;
      expect(traceWithSetup(parseInput(input), 4), input.name).toEqual({
        steps: again?.scenario.steps,
        stepLines: again?.stepLines,
      });
    }
  });
});
