import { describe, expect, it, vi } from 'vitest';
import { LESSONS } from '../../src/core/lessons/index.ts';
import { createAppStore } from '../../src/store/app-store.ts';
import {
  isLinkWorkspaceKey,
  linkWorkspaceKey,
  MAIN_WORKSPACE_KEY,
} from '../../src/store/autosave.ts';
import { READ_ONLY_REFUSAL } from '../../src/store/persistence.ts';
import { builtinScenarios } from '../../src/store/scenarios/builtin.ts';
import { boot, followHash } from '../../src/store/session.ts';
import { packScenario } from '../../src/store/share-pack.ts';
import { defaultStore } from './app-fixture.tsx';

const LINK_KEY = linkWorkspaceKey('test');
const LESSON = LESSONS[0]!;

describe('a share link is a workspace of its own', () => {
  it('boot saves a link that opens under the link’s key, and one that does not under the tab’s', async () => {
    expect(isLinkWorkspaceKey(LINK_KEY)).toBe(true);
    expect(isLinkWorkspaceKey(MAIN_WORKSPACE_KEY)).toBe(false);
    const packed = await packScenario(await builtinScenarios()[0]!.text());
    for (const hash of [`#s=${packed}`, `#lesson=${LESSON.id}&step=1`, '#scenario=q35-gpu-vtd']) {
      const booted = await boot(createAppStore(), hash, undefined, MAIN_WORKSPACE_KEY, LINK_KEY);
      expect(booted.key, hash).toBe(LINK_KEY);
    }
    for (const hash of [
      '',
      '#view=0x0-0xfff',
      '#s=____',
      '#lesson=no-such-lesson',
      '#scenario=x',
    ]) {
      const booted = await boot(createAppStore(), hash, undefined, MAIN_WORKSPACE_KEY, LINK_KEY);
      expect(booted.key, hash).toBe(MAIN_WORKSPACE_KEY);
    }
  });

  it('a followed link moves the tab to its own workspace just before it opens, and only then', async () => {
    const packed = await packScenario(await builtinScenarios()[0]!.text());
    for (const hash of [`#s=${packed}`, `#lesson=${LESSON.id}&step=1`]) {
      const store = defaultStore();
      const present = store.getState().history?.present;
      // Called while the old workspace is still present: nothing of the link is saved under the old key.
      const own = vi.fn(() => expect(store.getState().history?.present).toBe(present));
      await followHash(store, hash, own);
      expect(own, hash).toHaveBeenCalledOnce();
      expect(store.getState().history?.present).not.toBe(present);
    }
    for (const hash of ['#view=0x0-0xfff', '#s=____', '#lesson=no-such-lesson', '#scenario=x']) {
      const own = vi.fn();
      await followHash(defaultStore(), hash, own);
      expect(own, hash).not.toHaveBeenCalled();
    }
  });

  it('in a read-only tab, the move is what lets the link open', async () => {
    const store = defaultStore();
    store.getState().setReadOnly(READ_ONLY_REFUSAL);
    const present = store.getState().history?.present;
    await followHash(store, `#lesson=${LESSON.id}&step=1`, () =>
      store.getState().setReadOnly(undefined),
    );
    expect(store.getState().lesson?.id).toBe(LESSON.id);
    expect(store.getState().history?.present).not.toBe(present);
  });
});
