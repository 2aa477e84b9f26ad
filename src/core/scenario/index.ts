/** Scenario files: schema, load/save and replay (DESIGN.md §4). */
export * from './schema.ts';
export {
  load,
  loadValue,
  save,
  saveConformance,
  formatLoadError,
  formatPath,
  type LoadError,
  type LoadResult,
} from './load.ts';
export {
  replay,
  replaySteps,
  Replayer,
  startReplay,
  resolveStepRefs,
  compareWithExpect,
  compareValue,
  show,
  bigintToHex,
  type ReplayReport,
  type StepReport,
  type ReplayOptions,
  type ReplayItem,
  type UnboundRef,
} from './replay.ts';
export { findJsonSyntaxError, type JsonSyntaxError } from './json-syntax.ts';
