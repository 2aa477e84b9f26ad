import { formatLoadError, type LoadError } from '../core/scenario/load-error.ts';
import type { AppStore } from './app-store.ts';

/** A notice names the first few load errors; the rest usually follow from them. */
const ERRORS_IN_A_NOTICE = 3;

export function describeLoadErrors(errors: readonly LoadError[]): string {
  const shown = errors.slice(0, ERRORS_IN_A_NOTICE).map(formatLoadError).join('; ');
  const more = errors.length - ERRORS_IN_A_NOTICE;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

/** Says why `what` did not open; the workspace stays as it was. */
export function notOpened(store: AppStore, what: string, errors: readonly LoadError[]): false {
  store
    .getState()
    .notify({ kind: 'error', text: `${what} could not be opened: ${describeLoadErrors(errors)}` });
  return false;
}
