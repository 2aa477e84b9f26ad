import { formatViewParam, type Viewport } from '../view/viewport/viewport.ts';
import { MAX_UNPACKED_BYTES, SHARE_CAP_CHARS } from './share-link.ts';

/**
 * Packing a scenario into a share link and unpacking one (share-link.ts reads the rest of the
 * hash): loaded when a link carries a scenario or the Share button is pressed, not before the
 * first map.
 */

function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Undefined when the text is not base64url (a character outside it, or a length no encoding has): atob would throw. */
function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function packScenario(text: string): Promise<string> {
  const stream = new CompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const written = writer
    .write(new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>)
    .then(() => writer.close());
  const chunks: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  await written;
  return toBase64Url(concat(chunks));
}

/**
 * Input is fed to the decompressor in slices this small, so that one slice can expand to at most
 * about a megabyte (deflate's ratio tops out near 1032:1) before the size cap is checked again.
 */
const INFLATE_SLICE_BYTES = 1024;

/**
 * Inflates deflate-raw bytes, streaming, and stops as soon as the output passes `cap` bytes.
 * The decompressor's own promises are observed here: a damaged stream rejects them, and left
 * alone they surface as uncaught errors in the page.
 */
async function inflateCapped(
  bytes: Uint8Array,
  cap: number,
): Promise<
  { readonly kind: 'ok'; readonly bytes: Uint8Array } | { readonly kind: 'too-large' | 'damaged' }
> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  const feeding = (async () => {
    for (let at = 0; at < bytes.length; at += INFLATE_SLICE_BYTES)
      await writer.write(bytes.slice(at, at + INFLATE_SLICE_BYTES) as Uint8Array<ArrayBuffer>);
    await writer.close();
  })().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        await feeding;
        return { kind: 'too-large' };
      }
      chunks.push(value);
    }
  } catch {
    await feeding;
    return { kind: 'damaged' };
  }
  await feeding;
  return { kind: 'ok', bytes: concat(chunks) };
}

export type Unpacked =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/** The scenario text a link carries, or a sentence saying why it cannot be read; never throws. */
export async function unpackScenario(packed: string): Promise<Unpacked> {
  const bytes = fromBase64Url(packed);
  if (!bytes)
    return {
      ok: false,
      message: 'the scenario in the link is damaged (it is not base64url text)',
    };
  const inflated = await inflateCapped(bytes, MAX_UNPACKED_BYTES);
  if (inflated.kind === 'too-large')
    return {
      ok: false,
      message: `the scenario in the link unpacks to more than ${MAX_UNPACKED_BYTES / 1048576} MiB, the most a link may hold: it was not opened`,
    };
  if (inflated.kind !== 'ok')
    return { ok: false, message: 'the scenario in the link is damaged (it does not unpack)' };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(inflated.bytes) };
  } catch {
    return { ok: false, message: 'the scenario in the link is damaged (it is not UTF-8 text)' };
  }
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
  scenarioText: () => string | Promise<string>,
  lesson?: { readonly id: string; readonly step: number },
): Promise<ShareLink> {
  const view = `view=${formatViewParam(viewport)}`;
  if (lesson)
    return {
      ok: true,
      hash: `#${view}&lesson=${encodeURIComponent(lesson.id)}&at=${lesson.step + 1}`,
    };
  if (builtinId !== undefined)
    return { ok: true, hash: `#${view}&scenario=${encodeURIComponent(builtinId)}` };
  const packed = await packScenario(await scenarioText());
  if (packed.length > SHARE_CAP_CHARS) {
    return {
      ok: false,
      message: `this workspace is too large for a link (${packed.length} characters packed, the cap is ${SHARE_CAP_CHARS}): export a file and share that instead`,
    };
  }
  return { ok: true, hash: `#${view}&s=${packed}` };
}
