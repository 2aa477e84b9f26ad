export { describeKnown, type FlagParse, parseFlags } from '../flag-bits.ts';
/** The map and unmap flag tables live in the ops' entries (one table per flags word). */
export { MAP_FLAGS, UNMAP_FLAGS } from '../ops/vfio.ts';
