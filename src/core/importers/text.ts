import type { UnparsedLine } from './types.ts';

/** Line helpers shared by the importers: splitting, log-prefix stripping, hex parsing. */

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `0x1f`, `1f` (hex without prefix) → bigint; undefined when not hex or wider than 64 bits. */
export function parseHexU64(text: string): bigint | undefined {
  const t = text.trim();
  const m = /^(?:0[xX])?([0-9a-fA-F]{1,16})$/.exec(t);
  if (!m) return undefined;
  return BigInt('0x' + (m[1] as string));
}

/**
 * Removes the prefixes logs put before a kernel or QEMU message: dmesg `[   12.345678] `,
 * journal `Jun 04 07:25:13 host QEMU[3989106]: `, syslog `kernel: `, QEMU's `kvm: ` /
 * `qemu-system-x86_64: `, the trace log backend's `pid@sec.usec:`, and a `-device ...: ` wrapper
 * is left alone (the payload is searched, not anchored, where it matters).
 */
export function stripLogPrefix(line: string): string {
  let s = line.replace(/^\s+/, '');
  // journalctl / syslog: "Jun 04 07:25:13 host proc[pid]: "
  s = s.replace(/^[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\S+\s+[^\s:]+(?:\[\d+\])?:\s*/, '');
  // ISO timestamps (journalctl -o short-iso)
  s = s.replace(/^\d{4}-\d{2}-\d{2}T[\d:.+-]+\s+\S+\s+[^\s:]+(?:\[\d+\])?:\s*/, '');
  // dmesg "[    0.231386] "
  s = s.replace(/^\[\s*\d+\.\d+\]\s*/, '');
  // trace log backend "28469@1615369738.285335:"
  s = s.replace(/^\d+@\d+\.\d+:\s*/, '');
  // QEMU error_report prefixes
  s = s.replace(/^(?:kvm|qemu-system-[\w-]+|qemu-kvm|qemu):\s*/, '');
  return s;
}

/** Accumulates unparsed lines; caps the list so a huge paste cannot flood the report. */
export class UnparsedLog {
  readonly lines: UnparsedLine[] = [];
  private dropped = 0;
  add(line: number, text: string, reason: string): void {
    if (this.lines.length < 2000)
      this.lines.push({ line, text: text.length > 300 ? text.slice(0, 300) + '…' : text, reason });
    else this.dropped++;
  }
  get droppedCount(): number {
    return this.dropped;
  }
}

export function isBlank(line: string): boolean {
  return line.trim() === '';
}

/**
 * A group number as a host prints it. The kernel's group ids are ints (`ida_alloc` in
 * `iommu_group_alloc`): digits beyond 2^31 - 1 name no group, so the line is not read as one.
 */
export function groupNumber(digits: string): number | undefined {
  if (!/^\d{1,10}$/.test(digits)) return undefined;
  const g = parseInt(digits, 10);
  return g <= MAX_GROUP_NUMBER ? g : undefined;
}

/** The largest IOMMU group number: the kernel allocates group ids as an `int` (iommu_group_alloc). */
export const MAX_GROUP_NUMBER = 2 ** 31 - 1;
