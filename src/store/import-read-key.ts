import type { UnitChoice } from '../core/importers/index.ts';
import type { ImportInput } from './host-import.ts';

/**
 * An input as a build request carries it: without its text when the worker holds it from the
 * last read (`heldChars` long), since posting a 100 MB trace again held the page 230 ms.
 */
export type BuildInput = ImportInput & { readonly heldChars?: number };

/**
 * What names a read input for the texts the worker keeps: the page and the worker (import-jobs.ts)
 * both key by it, and the page needs it without loading the importers.
 */
export function readKey(input: BuildInput, iommu: UnitChoice | undefined): string {
  const chars = input.heldChars ?? inputLength(input);
  return JSON.stringify([input.id, input.kind ?? '', chars, iommu ?? null]);
}

/** How long an input is: its text's length, or the size of a file the page did not read. */
export function inputLength(input: ImportInput): number {
  return input.fileBytes ?? input.text.length;
}
