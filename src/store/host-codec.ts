import type { WorkspaceText } from './autosave-parts.ts';
import type { HostContext } from './host-import.ts';

/**
 * The host import of a workspace as text, for the autosave: JSON with every bigint written as
 * `{"$u64":"0x..."}`. Decoding checks the shape, so an old or damaged record is refused with a
 * sentence rather than trusted.
 */
const TAG = '$u64';

/** Texts encoded elsewhere (a worker, for a big import, as a Blob), by the host they encode. */
const encoded = new WeakMap<HostContext, WorkspaceText>();

export function encodeHost(host: HostContext): string {
  return JSON.stringify(host, (_k, v: unknown) =>
    typeof v === 'bigint' ? { [TAG]: `0x${v.toString(16)}` } : v,
  );
}

/** The host's encoding for the autosave: the one made elsewhere, if it was. */
export function hostTextToSave(host: HostContext): WorkspaceText {
  return encoded.get(host) ?? encodeHost(host);
}

/** Keeps `text` (encodeHost of an equal host, made elsewhere) as this host's encoding. */
export function rememberHostText(host: HostContext, text: WorkspaceText): void {
  encoded.set(host, text);
}

export type DecodedHost =
  | { readonly ok: true; readonly host: HostContext }
  | { readonly ok: false; readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isRange = (v: unknown): boolean =>
  isObject(v) && typeof v['start'] === 'bigint' && typeof v['last'] === 'bigint';

function problem(v: Record<string, unknown>): string | undefined {
  if (!isObject(v['facts'])) return 'no host facts';
  const events = v['events'];
  if (
    !Array.isArray(events) ||
    !events.every(
      (e) =>
        isObject(e) &&
        typeof e['line'] === 'number' &&
        typeof e['kind'] === 'string' &&
        isRange(e['range']) &&
        typeof e['detail'] === 'string',
    )
  ) {
    return 'its pasted lines are damaged';
  }
  if (
    !Array.isArray(v['steps']) ||
    !v['steps'].every((s) => isObject(s) && typeof s['op'] === 'string')
  )
    return 'its trace steps are damaged';
  if (!Array.isArray(v['stepLines']) || !v['stepLines'].every((n) => typeof n === 'number'))
    return 'its trace line numbers are damaged';
  if (!Array.isArray(v['sources']) || !v['sources'].every((n) => typeof n === 'string'))
    return 'its source names are damaged';
  const g = v['guest'];
  if (
    g !== undefined &&
    !(
      isObject(g) &&
      Array.isArray(g['memory']) &&
      g['memory'].every(
        (m) => isRange(m) && typeof (m as Record<string, unknown>)['kind'] === 'string',
      )
    )
  ) {
    return 'its guest layout is damaged';
  }
  return undefined;
}

export function decodeHost(text: string): DecodedHost {
  let value: unknown;
  try {
    value = JSON.parse(text, (_k, v: unknown) => {
      if (isObject(v) && Object.keys(v).length === 1 && typeof v[TAG] === 'string') {
        const s = v[TAG];
        if (!/^0x[0-9a-f]{1,16}$/i.test(s)) throw new Error(`"${s}" is not a 64-bit value`);
        return BigInt(s);
      }
      return v;
    });
  } catch (e) {
    return {
      ok: false,
      error: `the saved host import does not read (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  if (!isObject(value)) return { ok: false, error: 'the saved host import is not a record' };
  const p = problem(value);
  if (p) return { ok: false, error: `the saved host import is damaged: ${p}` };
  return { ok: true, host: value as unknown as HostContext };
}
