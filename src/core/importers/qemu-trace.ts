import { isCompanionErrorLine, parseEventLine, type EventParseContext } from './error-lines.ts';
import { makeResult } from './result.ts';
import { isBlank, parseHexU64, splitLines, stripLogPrefix, UnparsedLog } from './text.ts';
import type { ImportedStep, ImportResult, PlacedEvent } from './types.ts';

/**
 * QEMU vfio trace events (hw/vfio/trace-events), with or without the log backend's `pid@time:`:
 * `vfio_listener_region_add_ram region_add [ram] 0xSTART - 0xEND [0xVADDR]` → MAP_DMA,
 * `vfio_listener_region_del region_del 0xSTART - 0xEND` → UNMAP_DMA (ends inclusive, already
 * page-aligned by `vfio_listener_region_add`), `vfio_listener_region_add_iommu` (a vIOMMU
 * region: mappings then come from IOMMU notifiers, not replayed), `vfio_listener_region_add_skip`
 * / renamed `vfio_listener_region_skip SKIPPING region_add|region_del ...` (not mapped), and
 * `vfio_dma_map(...) = -22` error lines. The steps use `$container`: with `group`, the importer
 * also emits the container setup (create, set the group, VFIO_TYPE1v2_IOMMU).
 */

const ADD_RAM =
  /vfio_listener_region_add_ram\s+region_add \[ram\] (0x[0-9a-fA-F]+) - (0x[0-9a-fA-F]+) \[(0x[0-9a-fA-F]+|\(nil\))\]/;
const DEL = /vfio_listener_region_del\s+region_del (0x[0-9a-fA-F]+) - (0x[0-9a-fA-F]+)/;
const SKIP =
  /vfio_listener_region_(?:add_)?skip\s+SKIPPING (region_add|region_del) (0x[0-9a-fA-F]+) - (0x[0-9a-fA-F]+)/;
/** iommufd backend (QEMU 9.0+): the IOMMU_IOAS_MAP / MAP_FILE / UNMAP calls themselves, with their result in parentheses. */
const IOMMUFD_MAP =
  /iommufd_backend_map(?:_file)?_dma\s+iommufd=\d+ ioas=(\d+) iova=(0x[0-9a-fA-F]+) size=(0x[0-9a-fA-F]+)(?: addr=(0x[0-9a-fA-F]+))?(?: fd=\d+ start=\d+)? readonly=(\d)(?: \((-?\d+)\))?/;
const IOMMUFD_UNMAP =
  /iommufd_backend_unmap_dma\s+iommufd=\d+ ioas=(\d+) iova=(0x[0-9a-fA-F]+) size=(0x[0-9a-fA-F]+)(?: \((-?\d+)\))?/;
const ADD_IOMMU =
  /vfio_listener_region_add_iommu\s+region_add \[iommu\](?: (\S+))? (0x[0-9a-fA-F]+) - (0x[0-9a-fA-F]+)/;

export function importQemuTrace(text: string, options: { group?: number } = {}): ImportResult {
  const log = new UnparsedLog();
  const steps: ImportedStep[] = [];
  const stepLines: number[] = [];
  const events: PlacedEvent[] = [];
  const ctx: EventParseContext = {};
  const skipped: string[] = [];
  const notes: string[] = [];
  if (options.group !== undefined) {
    steps.push(...traceSetupSteps(options.group));
    stepLines.push(0, 0, 0);
  }
  // With the iommufd backend the listener's region_add is followed by the ioctl's own trace event:
  // those are the DMA calls, and the listener lines are not counted twice.
  const iommufdMode = /iommufd_backend_(?:map|unmap)/.test(text);
  splitLines(text).forEach((raw, i) => {
    const n = i + 1;
    if (isBlank(raw)) return;
    const s = stripLogPrefix(raw);
    let m = IOMMUFD_MAP.exec(s);
    if (m) {
      const iova = BigInt(m[2] as string);
      const size = BigInt(m[3] as string);
      steps.push({
        op: 'vfio.map_dma',
        container: '$container',
        iova,
        size,
        flags: m[5] === '1' ? ['READ'] : ['READ', 'WRITE'],
        ...(m[4] ? { vaddr: BigInt(m[4]) } : {}),
      });
      stepLines.push(n);
      if (m[6] !== undefined && m[6] !== '0')
        notes.push(ioasMapReturnNote(n, m[2] as string, m[3] as string, m[6]));
      return;
    }
    m = IOMMUFD_UNMAP.exec(s);
    if (m) {
      steps.push({
        op: 'vfio.unmap_dma',
        container: '$container',
        iova: BigInt(m[2] as string),
        size: BigInt(m[3] as string),
        flags: [],
      });
      stepLines.push(n);
      return;
    }
    if (/vfio_region_dmabuf|iommufd_backend_\w+|iommufd_cdev_\w+/.test(s)) return; // iommufd set-up events: no DMA mapping
    m = ADD_RAM.exec(s);
    if (m && iommufdMode) return;
    if (m) {
      const start = parseHexU64(m[1] as string);
      const last = parseHexU64(m[2] as string);
      const vaddr = m[3] === '(nil)' ? 0n : parseHexU64(m[3] as string);
      if (start === undefined || last === undefined || last < start) {
        log.add(n, raw, 'bad region_add range');
        return;
      }
      steps.push({
        op: 'vfio.map_dma',
        container: '$container',
        iova: start,
        size: last - start + 1n,
        flags: ['READ', 'WRITE'],
        ...(vaddr !== undefined ? { vaddr } : {}),
      });
      stepLines.push(n);
      return;
    }
    m = DEL.exec(s);
    if (m) {
      const start = parseHexU64(m[1] as string);
      const last = parseHexU64(m[2] as string);
      if (start === undefined || last === undefined || last < start) {
        log.add(n, raw, 'bad region_del range');
        return;
      }
      steps.push({
        op: 'vfio.unmap_dma',
        container: '$container',
        iova: start,
        size: last - start + 1n,
        flags: [],
      });
      stepLines.push(n);
      return;
    }
    m = SKIP.exec(s);
    if (m) {
      skipped.push(`${m[2]}..${m[3]}`);
      return;
    }
    m = ADD_IOMMU.exec(s);
    if (m) {
      notes.push(
        `line ${n}: ${m[1] ? `${m[1]} ` : ''}${m[2]}..${m[3]} is a vIOMMU region: its DMA mappings come from IOMMU notifiers (vfio_iommu_map_notify), not from this listener`,
      );
      return;
    }
    const ev = parseEventLine(raw, n, ctx);
    if (ev && ev !== 'consumed') {
      events.push(ev);
      return;
    }
    if (ev === 'consumed' || isCompanionErrorLine(raw)) return;
    if (/^vfio_\w+/.test(s)) {
      log.add(
        n,
        raw,
        `vfio trace event "${/^(vfio_\w+)/.exec(s)?.[1]}" is not a DMA map/unmap event`,
      );
      return;
    }
    log.add(n, raw, 'not a vfio_listener_region_* trace line');
  });
  return makeResult(
    'qemu-trace',
    { steps },
    log.lines,
    traceNotes(notes, skipped, steps, options.group),
    { events, stepLines, dropped: log.droppedCount },
  );
}

/** The container a trace's steps replay into, set up for `group` (create, set the group, type1v2). */
export function traceSetupSteps(group: number): ImportedStep[] {
  return [
    { op: 'vfio.container_create', as: 'container' },
    { op: 'vfio.group_set_container', group, container: '$container' },
    { op: 'vfio.set_iommu', container: '$container', type: 'type1v2' },
  ];
}

/** The note for an IOMMU_IOAS_MAP the trace shows failing (its result in parentheses). */
export function ioasMapReturnNote(line: number, iova: string, size: string, ret: string): string {
  return `line ${line}: IOMMU_IOAS_MAP of ${size} bytes at ${iova} returned ${ret}`;
}

/**
 * A trace import's notes: the step counts first, then the line notes, the sections QEMU skipped
 * (`START..END` as printed) and, without a group, how the `$container` steps replay.
 */
export function traceNotes(
  lineNotes: readonly string[],
  skipped: readonly string[],
  steps: readonly ImportedStep[],
  group: number | undefined,
): string[] {
  let maps = 0;
  let unmaps = 0;
  for (const s of steps) {
    if (s.op === 'vfio.map_dma') maps++;
    else if (s.op === 'vfio.unmap_dma') unmaps++;
  }
  const notes = [`${maps} map and ${unmaps} unmap step(s)`, ...lineNotes];
  if (skipped.length)
    notes.push(
      `${skipped.length} section(s) skipped by QEMU (not RAM, not mapped): ${skipped.slice(0, 8).join(', ')}${skipped.length > 8 ? ', ...' : ''}`,
    );
  if (group === undefined && steps.length > 0) {
    notes.push(
      'the steps use "$container": give the group number (--group N) to add the container setup, or replay them after your own',
    );
  }
  return notes;
}
