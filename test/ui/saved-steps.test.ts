import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/store/app-store.ts';
import { readBack } from './autosave-round-trip.ts';
import { readSavedSteps } from '../../src/store/saved-steps.ts';
import { restoreSaved, savedWorkspace } from '../../src/store/session.ts';
import { workspaceText } from '../../src/store/scenario-files.ts';
import { defaultStore } from './app-fixture.tsx';

const map = (iova: bigint) =>
  ({ op: 'vfio.map_dma', container: 1, iova, size: 0x200000n, flags: ['READ', 'WRITE'] }) as const;

/** An autosave of the default scenario with three user mappings, its second step replaced by `bad`. */
async function savedWithBadStep(bad: string) {
  const store = defaultStore();
  for (const iova of [0x300000000n, 0x300200000n, 0x300400000n])
    store.getState().dispatch(map(iova));
  const saved = await readBack(
    (await savedWorkspace(store, (s) => workspaceText({ ...s, userSteps: [] })))!,
  );
  const parsed = JSON.parse(saved.userStepsText) as { steps: unknown[] };
  const text = JSON.stringify(parsed).replace(JSON.stringify(parsed.steps[1]), bad);
  return { ...saved, userStepsText: text };
}

const DEEP = 30_000;
const deepStep = `{"op":"vfio.map_dma","container":${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`;

describe('saved actions that do not all read', () => {
  it('restores the readable steps and reports the unreadable one by position', async () => {
    const r = readSavedSteps((await savedWithBadStep('{"op":"vfio.map_dma_v9"}')).userStepsText);
    expect(r.actions.map((a) => (a as { iova?: bigint }).iova)).toEqual([
      0x300000000n,
      0x300400000n,
    ]);
    expect(r.unreadable).toEqual([expect.stringMatching(/^step 2: .*map_dma_v9/)]);
  });

  it('a step nested too deep to check is one unreadable step, not a thrown error', async () => {
    const r = readSavedSteps((await savedWithBadStep(deepStep)).userStepsText);
    expect(r.actions).toHaveLength(2);
    expect(r.unreadable).toEqual([expect.stringMatching(/^step 2: /)]);
  });

  it('restoring keeps the saved actions aside as they were, and the next save carries them', async () => {
    const saved = await savedWithBadStep(deepStep);
    const other = createAppStore();
    const restored = await restoreSaved(other, saved);
    expect(restored.opened).toBe(true);
    expect(other.getState().history!.present.userSteps).toHaveLength(2);
    expect(other.getState().notice?.text).toMatch(
      /1 saved action\(s\) could not be read \(step 2: .*\): the 2 readable one\(s\) are restored/,
    );
    expect(restored.setAside).toEqual([
      {
        savedAt: saved.savedAt,
        reasons: [expect.stringMatching(/^step 2/)],
        userStepsText: saved.userStepsText,
      },
    ]);
    const next = await readBack(
      (await savedWorkspace(
        other,
        (s) => workspaceText({ ...s, userSteps: [] }),
        restored.setAside,
      ))!,
    );
    expect(next.setAside?.[0]?.userStepsText).toBe(saved.userStepsText);
    // Read back again, the set-aside record is still there and nothing is set aside twice.
    const again = await restoreSaved(createAppStore(), next);
    expect(again.setAside).toEqual(restored.setAside);
  });

  it('saved actions that are not JSON at all restore none and say so', () => {
    expect(readSavedSteps('{"steps": [')).toEqual({
      actions: [],
      unreadable: [expect.stringMatching(/not JSON/)],
    });
  });
});
