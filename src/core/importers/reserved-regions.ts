import { sysfsOrigin } from '../platform/region-source.ts';
import type { RegionSource, ResvType } from '../platform/types.ts';
import { makeResult } from './result.ts';
import { isBlank, parseHexU64, splitLines, UnparsedLog } from './text.ts';
import type { ImportResult } from './types.ts';

/**
 * `/sys/kernel/iommu_groups/N/reserved_regions` as `iommu_group_show_resv_regions` prints it:
 * `0x%016llx 0x%016llx %s` — start, INCLUSIVE end, and a type from
 * `iommu_group_resv_type_string` (direct, direct-relaxable, reserved, msi; both MSI kinds print
 * `msi`; the proposed `sw-msi` string is accepted too).
 *
 * Also accepted: several files at once, with the group taken from a `$ cat .../N/reserved_regions`
 * command line, a `==> .../N/reserved_regions <==` header (head/tail), or a `grep` file prefix
 * (`/sys/kernel/iommu_groups/9/reserved_regions:0x...`). Without any of these the regions apply to
 * every device (the `grep -h ... | sort -u` union users paste).
 */

export interface ParsedResvLine {
  start: bigint;
  last: bigint;
  type: ResvType;
}

const TYPES: Record<string, ResvType> = {
  direct: 'direct',
  'direct-relaxable': 'direct-relaxable',
  reserved: 'reserved',
  msi: 'msi',
  'sw-msi': 'sw-msi',
};

const GROUP_PATH = /iommu_groups\/(\d+)\/reserved_regions/;

/** One sysfs line, or a sentence saying why it is not one. */
export function parseResvLine(line: string): ParsedResvLine | string {
  const parts = line.trim().split(/\s+/);
  if (parts.length !== 3) return 'expected "START END TYPE" (three fields)';
  const start = parseHexU64(parts[0] as string);
  const last = parseHexU64(parts[1] as string);
  if (start === undefined) return `"${parts[0]}" is not a 64-bit hex address`;
  if (last === undefined) return `"${parts[1]}" is not a 64-bit hex address`;
  const type = TYPES[parts[2] as string];
  if (!type) return `unknown region type "${parts[2]}" (direct, direct-relaxable, reserved, msi)`;
  if (last < start) return `end ${parts[1]} is below start ${parts[0]} (the end is inclusive)`;
  return { start, last, type };
}

export function importReservedRegions(
  text: string,
  options: { group?: number } = {},
): ImportResult {
  const log = new UnparsedLog();
  const regions: Array<{
    start: bigint;
    last: bigint;
    type: ResvType;
    group?: number;
    origin: string;
    source: RegionSource;
  }> = [];
  let group = options.group;
  const lines = splitLines(text);
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (isBlank(raw)) return;
    let line = raw;
    const path = GROUP_PATH.exec(line);
    if (path) {
      const g = parseInt(path[1] as string, 10);
      // "$ cat /sys/.../9/reserved_regions" or "==> ... <==": a header for the lines that follow.
      if (/^\s*(?:[$#]\s|==>)/.test(line) || /reserved_regions\s*(?:<==)?\s*$/.test(line)) {
        group = g;
        return;
      }
      // grep prefix "PATH:0x... 0x... type"
      const colon = line.indexOf('reserved_regions:');
      if (colon >= 0) {
        line = line.slice(colon + 'reserved_regions:'.length);
        const r = parseResvLine(line);
        if (typeof r === 'string') log.add(n, raw, r);
        else regions.push({ ...r, group: g, origin: sysfsOrigin(g), source: 'sysfs' });
        return;
      }
    }
    if (/^\s*[$#]\s/.test(line)) return; // another shell command line
    const r = parseResvLine(line);
    if (typeof r === 'string') {
      log.add(n, raw, r);
      return;
    }
    regions.push({
      ...r,
      ...(group !== undefined ? { group } : {}),
      origin: sysfsOrigin(group),
      // Without a group number the line is from the union over all groups (grep -h | sort -u).
      source: group !== undefined ? 'sysfs' : 'sysfs-union',
    });
  });
  const groups = new Set(regions.map((r) => r.group).filter((g) => g !== undefined));
  const notes: string[] = [];
  if (regions.length === 0) notes.push('no reserved region lines were found');
  else {
    notes.push(
      `${regions.length} region(s)${groups.size ? ` of group${groups.size > 1 ? 's' : ''} ${[...groups].join(', ')}` : ''}`,
    );
    if (regions.some((r) => r.group === undefined))
      notes.push(
        'regions without a group number apply to every device (the union over all groups)',
      );
  }
  return makeResult(
    'reserved-regions',
    { platform: { reservedRegions: regions } },
    log.lines,
    notes,
    { dropped: log.droppedCount },
  );
}
