import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The lessons are not part of the first load: each test starts from fresh modules, none of which
 * loads them, so each link below is the first thing that needs them, as on a first visit.
 */
async function freshApp() {
  const [{ createAppStore }, catalog, builtin, { boot }] = await Promise.all([
    import('../../src/store/app-store.ts'),
    import('../../src/store/lesson-catalog.ts'),
    import('../../src/store/scenarios/builtin.ts'),
    import('../../src/store/session.ts'),
  ]);
  return { store: createAppStore(), catalog, builtin, boot };
}

describe('links that need the lessons load them first', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('the default scenario opens without them', async () => {
    const { store, catalog, builtin, boot } = await freshApp();
    await boot(store, '', undefined);
    expect(store.getState().history?.present.builtinId).toBe('q35-gpu-vtd');
    expect(catalog.lessonLogic()).toBeUndefined();
    expect(catalog.knownLessons()).toHaveLength(0);
    expect(builtin.builtinScenario('top-of-64bit-space')).toBeUndefined();
  });

  it('a #lesson= link at boot opens the lesson at its step', async () => {
    const { store, catalog, boot } = await freshApp();
    expect(catalog.lessonLogic()).toBeUndefined();
    await boot(store, '#lesson=iommufd-bind-attach-msi&step=2', undefined);
    expect(store.getState().notice).toBeUndefined();
    expect(store.getState().lesson).toMatchObject({ id: 'iommufd-bind-attach-msi', step: 2 });
  });

  it("a #scenario= link naming a lesson's scenario opens it", async () => {
    const { store, catalog, boot } = await freshApp();
    expect(catalog.lessonLogic()).toBeUndefined();
    await boot(store, '#scenario=top-of-64bit-space', undefined);
    expect(store.getState().notice).toBeUndefined();
    expect(store.getState().history?.present.builtinId).toBe('top-of-64bit-space');
  });
});
