import { describe, expect, it } from 'vitest';
import { load } from '../../src/core/scenario/index.ts';
import { builtinScenarios, DEFAULT_SCENARIO_ID } from '../../src/store/scenarios/builtin.ts';

/**
 * A built-in scenario's prebuilt form is what the first view opens, without the schema: it must be
 * exactly what the loader reads from the scenario's file, or the two would tell different stories.
 * Regenerate it with test/scripts/prebuilt-scenario.ts after editing the file.
 */
describe('the prebuilt built-in scenarios', () => {
  const prebuilt = builtinScenarios().filter((b) => b.scenario !== undefined);

  it('include the default scenario', () => {
    expect(prebuilt.map((b) => b.id)).toContain(DEFAULT_SCENARIO_ID);
  });

  it.each(prebuilt.map((b) => [b.id, b] as const))(
    '%s equals its file as loaded',
    async (_id, b) => {
      const loaded = load(await b.text());
      expect(loaded.ok && loaded.kind === 'scenario').toBe(true);
      expect(b.scenario).toStrictEqual(loaded.ok && loaded.kind === 'scenario' && loaded.scenario);
    },
  );
});
