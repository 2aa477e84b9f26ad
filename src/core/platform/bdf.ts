/** PCI addresses: `0000:03:00.1` (domain optional on input, always present on output). */

export interface ParsedBdf {
  readonly domain: number;
  readonly bus: number;
  readonly device: number;
  readonly fn: number;
}

const BDF_RE = /^(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;

export function parseBdf(text: string): ParsedBdf | undefined {
  const m = BDF_RE.exec(text.trim());
  if (!m) return undefined;
  return {
    domain: parseInt(m[1] ?? '0', 16),
    bus: parseInt(m[2] as string, 16),
    device: parseInt(m[3] as string, 16),
    fn: parseInt(m[4] as string, 10),
  };
}

export function isPciBdf(text: string): boolean {
  return parseBdf(text) !== undefined;
}

/** `0000:03:00.1` from `03:00.1` or `0000:03:00.1`; other names unchanged. */
export function canonicalBdf(text: string): string {
  const p = parseBdf(text);
  if (!p) return text.trim();
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(p.domain, 4)}:${h(p.bus, 2)}:${h(p.device, 2)}.${p.fn}`;
}

/** Domain, bus and device number: functions of one slot share it (`PCI_SLOT`). */
export function slotKey(text: string): string | undefined {
  const p = parseBdf(text);
  return p ? `${p.domain}:${p.bus}:${p.device}` : undefined;
}

export function compareBdf(a: string, b: string): number {
  const pa = parseBdf(a);
  const pb = parseBdf(b);
  if (pa && pb) {
    return pa.domain - pb.domain || pa.bus - pb.bus || pa.device - pb.device || pa.fn - pb.fn;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
