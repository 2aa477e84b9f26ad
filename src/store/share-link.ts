import { parseU64, type Range } from '../core/u64.ts';
import { parseViewParam } from '../view/viewport/viewport.ts';

/**
 * Share links live in the URL hash (never sent to a server): `#view=START-LAST` in hex, plus the
 * scenario — a built-in one by id (`scenario=q35-gpu-vtd`), a custom one compressed with
 * deflate-raw and base64url (`s=...`) up to a size cap; beyond it the user is told to export a file.
 * A guided lesson is named by id and step as its panel counts them, from 1
 * (`lesson=iommufd-bind-attach-msi&at=7` opens "step 7 of 12"); links made before counted from 0
 * (`&step=6`) and still open the same step.
 */
export const SHARE_CAP_CHARS = 16_000;
/** A hash longer than this is not read at all: the app's own links stay under the cap plus the view. */
export const MAX_HASH_CHARS = 2 * SHARE_CAP_CHARS;
/** A packed scenario may unpack to at most this many bytes (a few KiB of deflate can hold gigabytes). */
export const MAX_UNPACKED_BYTES = 4 * 1024 * 1024;

export interface ParsedHash {
  readonly view: Range | undefined;
  readonly scenarioId: string | undefined;
  readonly packed: string | undefined;
  /**
   * `#lesson=ID&at=N` (N from 1) or the older `#lesson=ID&step=N` (N from 0): open that lesson at
   * `step`, counted from 0 here as the store counts (0 when the step is left out).
   */
  readonly lesson: { readonly id: string; readonly step: number } | undefined;
  /** Something in the hash that could not be read, said in a sentence. */
  readonly problem: string | undefined;
}

export function parseHash(hash: string): ParsedHash {
  if (hash.length > MAX_HASH_CHARS)
    return {
      view: undefined,
      scenarioId: undefined,
      packed: undefined,
      lesson: undefined,
      problem: `the link is ${hash.length.toLocaleString('en-US')} characters long, above the ${MAX_HASH_CHARS.toLocaleString('en-US')} a link may have: it was not read`,
    };
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const viewText = params.get('view');
  const view =
    viewText === null
      ? undefined
      : parseViewParam(viewText, (s) => {
          const r = parseU64(s);
          return r.ok ? r.value : undefined;
        });
  const lessonId = params.get('lesson');
  const atText = params.get('at');
  const stepText = atText ?? params.get('step');
  const number =
    stepText === null
      ? undefined
      : /^\d{1,6}$/.test(stepText.trim())
        ? Number(stepText.trim())
        : -1;
  // `at` counts like the panel (step 1 is the first); the older `step` counted from 0.
  const step =
    number === undefined
      ? 0
      : number < 0 || (atText !== null && number === 0)
        ? undefined
        : atText !== null
          ? number - 1
          : number;
  const problems = [
    viewText !== null && !view
      ? `the link's view "${viewText}" is not a range START-LAST in hex`
      : undefined,
    lessonId !== null && step === undefined
      ? `the link's step "${stepText ?? ''}" is not a step number (steps count from 1); opened the lesson at its start`
      : undefined,
  ].filter((p): p is string => p !== undefined);
  return {
    view,
    scenarioId: params.get('scenario') ?? undefined,
    packed: params.get('s') ?? undefined,
    lesson: lessonId !== null && lessonId !== '' ? { id: lessonId, step: step ?? 0 } : undefined,
    problem: problems.length ? problems.join('; ') : undefined,
  };
}
