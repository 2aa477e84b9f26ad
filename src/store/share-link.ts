import { parseU64, type Range } from '../core/u64.ts';
import { formatViewParam, parseViewParam, type Viewport } from '../view/viewport/viewport.ts';

/**
 * Share links live in the URL hash (never sent to a server): `#view=START-LAST` in hex, plus the
 * scenario — a built-in one by id (`scenario=q35-gpu-vtd`), a custom one compressed with
 * deflate-raw and base64url (`s=...`) up to a size cap; beyond it the user is told to export a file.
 * A guided lesson is named by id and step (`lesson=iommufd-bind-attach-msi&step=6`).
 */
export const SHARE_CAP_CHARS = 16_000;

export interface ParsedHash {
  readonly view: Range | undefined;
  readonly scenarioId: string | undefined;
  readonly packed: string | undefined;
  /** `#lesson=ID&step=N`: open that lesson at step N (0 when the step is left out). */
  readonly lesson: { readonly id: string; readonly step: number } | undefined;
  /** Something in the hash that could not be read, said in a sentence. */
  readonly problem: string | undefined;
}

export function parseHash(hash: string): ParsedHash {
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
  const stepText = params.get('step');
  const step =
    stepText === null ? 0 : /^\d{1,6}$/.test(stepText.trim()) ? Number(stepText.trim()) : undefined;
  const problems = [
    viewText !== null && !view
      ? `the link's view "${viewText}" is not a range START-LAST in hex`
      : undefined,
    lessonId !== null && step === undefined
      ? `the link's step "${stepText ?? ''}" is not a step number; opened the lesson at its start`
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

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  await written;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function packScenario(text: string): Promise<string> {
  return toBase64Url(
    await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')),
  );
}

export async function unpackScenario(packed: string): Promise<string> {
  return new TextDecoder().decode(
    await pipe(fromBase64Url(packed), new DecompressionStream('deflate-raw')),
  );
}

export type ShareLink =
  { readonly ok: true; readonly hash: string } | { readonly ok: false; readonly message: string };

/**
 * The hash for the current view and workspace: the lesson and step while a lesson is open, by id
 * when it is an unchanged built-in scenario, else the scenario text packed, if that fits.
 */
export async function buildShareHash(
  viewport: Viewport,
  builtinId: string | undefined,
  scenarioText: () => string,
  lesson?: { readonly id: string; readonly step: number },
): Promise<ShareLink> {
  const view = `view=${formatViewParam(viewport)}`;
  if (lesson)
    return {
      ok: true,
      hash: `#${view}&lesson=${encodeURIComponent(lesson.id)}&step=${lesson.step}`,
    };
  if (builtinId !== undefined)
    return { ok: true, hash: `#${view}&scenario=${encodeURIComponent(builtinId)}` };
  const packed = await packScenario(scenarioText());
  if (packed.length > SHARE_CAP_CHARS) {
    return {
      ok: false,
      message: `this workspace is too large for a link (${packed.length} characters packed, the cap is ${SHARE_CAP_CHARS}): export a file and share that instead`,
    };
  }
  return { ok: true, hash: `#${view}&s=${packed}` };
}
