import { OP_NAMES, type OpName } from '../ops/registry.ts';

/**
 * What a scenario file names without its schema: the format tag, the ops, the flag names. Kept
 * apart from schema.ts so code that only names them (the action forms, the first view) does not
 * load the schema and zod with it.
 */

export const SCENARIO_FORMAT = 'iova-explorer.scenario/1';

export { FLAG_NAMES } from '../ops/flags.ts';

/** Every op of the registry, in its order. */
export const SCENARIO_OPS: readonly OpName[] = OP_NAMES;
