/**
 * What the page needs to know of the import worker before it loads (the reader itself loads
 * with the first job that needs it: import-reader-instance.ts).
 */

/**
 * Inputs longer than this are read in the worker (a text of this size is ~5k trace lines, read
 * and replayed on the page in ~70 ms); shorter ones are read on the page, at once.
 */
export const OFF_PAGE_CHARS = 512 * 1024;

/** A job's promise rejects with this when the reader was cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
