import { hex } from '../u64.ts';
import { canonicalBdf } from '../platform/bdf.ts';
import { errnoFromNumber } from '../outcome.ts';
import { makeResult } from './result.ts';
import { isBlank, parseHexU64, splitLines, stripLogPrefix, UnparsedLog } from './text.ts';
import type { ImportResult, PastedError, PlacedEvent } from './types.ts';

/**
 * Error and fault lines users paste, placed on the IOVA axis:
 * - QEMU `vfio_dma_map(CONTAINER, IOVA, SIZE, VADDR) = -22 (Invalid argument)` (hw/vfio
 *   `vfio_dma_map` / newer `vfio_container_dma_map`), often wrapped in `vfio ...: failed to setup
 *   container for group N: memory listener initialization failed: Region NAME: ...`;
 * - AMD-Vi event log `IO_PAGE_FAULT device=BB:DD.F domain=0x.. address=0x.. flags=0x..`
 *   (`amd_iommu_report_page_fault`), old and new (`vfio-pci 0000:05:00.0: AMD-Vi: Event logged
 *   [IO_PAGE_FAULT domain=...]`) forms, and the split form where `Event logged [` ends a line;
 * - VT-d `DMAR: [DMA Read NO_PASID] Request device [0x00:0x02.0] fault addr 0x7c346000 [fault
 *   reason 0x06] ...` (`dmar_fault_do_one`), also the older `[00:02.0] fault addr 7c346000`;
 * - `intel_iommu_map: iommu width (39) is not sufficient for the mapped address (8800001000)`.
 */

const DMA_MAP =
  /(vfio_(?:container_)?dma_map)\((0x[0-9a-fA-F]+|\(nil\)|[0-9a-fA-F]+),\s*(0x[0-9a-fA-F]+),\s*(0x[0-9a-fA-F]+),\s*(0x[0-9a-fA-F]+|\(nil\))\)\s*=\s*(-?\d+)(?:\s*\(([^)]*)\))?/;
const AMD_FAULT =
  /(IO_PAGE_FAULT|INVALID_DEVICE_REQUEST|PAGE_TAB_HARDWARE_ERROR|ILLEGAL_DEV_TABLE_ENTRY|INVALID_PPR_REQUEST|DEV_TAB_HARDWARE_ERROR|COMMAND_HARDWARE_ERROR|IOTLB_INV_TIMEOUT)\b([^\]]*)/;
const DMAR_FAULT =
  /\[(DMA (?:Read|Write)[^\]]*|INTR-REMAP[^\]]*)\]\s*Request device \[(?:0x)?([0-9a-fA-F]{1,2}):(?:0x)?([0-9a-fA-F]{1,2})\.([0-7])\]\s*(?:PASID \S+\s*)?fault addr (?:0x)?([0-9a-fA-F]+)(.*)$/;
/** arm-smmu `Unhandled context fault: fsr=0x402, iova=0xfd7ff000, fsynr=..., cbfrsynra=0x19c3, cb=10` (arm_smmu_context_fault). */
const SMMU_FAULT =
  /(arm-smmu(?:-v3)?\s+\S+):\s+Unhandled context fault: fsr=(0x[0-9a-fA-F]+), iova=(0x[0-9a-fA-F]+)(?:, fsynr=(0x[0-9a-fA-F]+))?(?:, cbfrsynra=(0x[0-9a-fA-F]+))?/;
const WIDTH =
  /iommu width \((\d+)\) is not sufficient for the mapped address \((?:0x)?([0-9a-fA-F]+)\)/;

/** The 4 KiB page an IOMMU fault address falls in: faults are reported and drawn per page. */
function pageOf(a: bigint): { start: bigint; last: bigint } {
  const page = a & ~0xfffn;
  return { start: page, last: page + 0xfffn };
}

export interface EventParseContext {
  /** The previous line ended with `Event logged [` (AMD-Vi split form). */
  amdPending?: { line: number; prefix: string; device?: string };
  dmarPending?: PlacedEvent;
}

/** Tries to read one line as an error/fault event; returns undefined when it is none. */
export function parseEventLine(
  raw: string,
  n: number,
  ctx: EventParseContext,
): PlacedEvent | 'consumed' | undefined {
  const s = stripLogPrefix(raw);
  let m = DMA_MAP.exec(s);
  if (m) {
    const iova = parseHexU64(m[3] as string);
    const size = parseHexU64(m[4] as string);
    const vaddr = m[5] === '(nil)' ? 0n : parseHexU64(m[5] as string);
    if (iova === undefined || size === undefined) return undefined;
    const num = parseInt(m[6] as string, 10);
    const errno = errnoFromNumber(num);
    const region = /Region ([^:]+):/.exec(s)?.[1]?.trim();
    const group = /container for group (\d+)/.exec(s)?.[1];
    const last = size === 0n ? iova : iova + size - 1n;
    return {
      line: n,
      kind: 'vfio-dma-map-error',
      range: { start: iova, last: last > 0xffffffffffffffffn ? 0xffffffffffffffffn : last },
      ...(errno ? { errno } : {}),
      errnoNumber: num,
      ...(region ? { region } : {}),
      ...(vaddr !== undefined ? { vaddr } : {}),
      detail: `${m[1]} of ${size === 0n ? 'nothing' : `${hex(size)} bytes`} at IOVA ${hex(iova)} returned ${num}${errno || m[7] ? ` (${[errno, m[7]].filter(Boolean).join(', ')})` : ''}${region ? ` for memory region ${region}` : ''}${group ? `, group ${group}` : ''}`,
      text: raw,
    };
  }
  if (/Event logged \[\s*$/.test(s)) {
    const dev = /([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]):/.exec(s)?.[1];
    ctx.amdPending = { line: n, prefix: s, ...(dev ? { device: canonicalBdf(dev) } : {}) };
    return 'consumed';
  }
  m = AMD_FAULT.exec(s);
  if (m && (/AMD-Vi|address=/.test(s) || ctx.amdPending)) {
    const fields = m[2] as string;
    const addr = /address=(0x[0-9a-fA-F]+)/.exec(fields)?.[1];
    const devField = /device=(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])/.exec(
      fields,
    );
    const prefixDev = /([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]):/.exec(s)?.[1];
    const device = devField
      ? canonicalBdf(`${devField[1] ?? '0000'}:${devField[2]}`)
      : prefixDev
        ? canonicalBdf(prefixDev)
        : ctx.amdPending?.device;
    ctx.amdPending = undefined;
    const a = addr ? parseHexU64(addr) : undefined;
    if (a === undefined) return undefined;
    return {
      line: n,
      kind: 'amd-vi-fault',
      range: pageOf(a),
      ...(device ? { device } : {}),
      amdEvent: m[1] as string,
      detail: `AMD-Vi ${m[1]}${device ? ` from ${device}` : ''} at address ${hex(a)}${/flags=(0x[0-9a-fA-F]+)/.exec(fields)?.[1] ? ` (flags ${/flags=(0x[0-9a-fA-F]+)/.exec(fields)?.[1]})` : ''}`,
      text: raw,
    };
  }
  m = DMAR_FAULT.exec(s);
  if (m) {
    const a = parseHexU64(m[5] as string);
    if (a === undefined) return undefined;
    const device = canonicalBdf(
      `${(m[2] as string).padStart(2, '0')}:${(m[3] as string).padStart(2, '0')}.${m[4]}`,
    );
    const reason = /fault reason (?:0x)?([0-9a-fA-F]+)\]?\s*(.*)$/.exec(m[6] as string);
    const ev: PlacedEvent = {
      line: n,
      kind: 'dmar-fault',
      range: pageOf(a),
      device,
      detail: `VT-d ${m[1]} fault from ${device} at address ${hex(a)}${reason ? ` (fault reason 0x${reason[1]}${reason[2] ? `: ${reason[2].trim()}` : ''})` : ''}`,
      text: raw,
    };
    if (!reason) ctx.dmarPending = ev;
    return ev;
  }
  m = SMMU_FAULT.exec(s);
  if (m) {
    const a = parseHexU64(m[3] as string);
    if (a === undefined) return undefined;
    return {
      line: n,
      kind: 'arm-smmu-fault',
      range: pageOf(a),
      detail: `${m[1]} context fault at IOVA ${hex(a)} (fsr ${m[2]}${m[5] ? `, stream ${m[5]}` : ''})`,
      text: raw,
    };
  }
  m = WIDTH.exec(s);
  if (m) {
    const a = parseHexU64(m[2] as string);
    if (a === undefined) return undefined;
    return {
      line: n,
      kind: 'iommu-width-error',
      range: pageOf(a),
      detail: `intel_iommu_map refused address ${hex(a)}: the domain is only ${m[1]} bits wide`,
      text: raw,
    };
  }
  return undefined;
}

/** Lines that belong to an error report but carry no address (kept quiet, not "unparsed"). */
export function isCompanionErrorLine(raw: string): boolean {
  const s = stripLogPrefix(raw);
  return (
    /(?:VFIO_MAP_DMA|IOMMU_IOAS_MAP|VFIO_IOMMU_MAP_DMA)(?: failed)?[:\s]/.test(s) ||
    /failed to setup container for group/.test(s) ||
    /vfio(?:-pci)? [0-9a-fA-F:.]+: .*(?:not viable|failed)/i.test(s) ||
    /^DMAR:\s*DRHD: handling fault status/.test(s) ||
    /^DMAR:\s*\[fault reason/.test(s) ||
    /possibly running out of DMA mappings/.test(s) ||
    /Maximum possible DMA mappings/.test(s) ||
    /Device is ineligible for IOMMU domain attach due to platform RMRR/.test(s) ||
    /^AMD-Vi: Event logged \[\s*$/.test(s)
  );
}

const STRERROR: Record<string, number> = {
  'operation not permitted': -1,
  'no such file or directory': -2,
  'input/output error': -5,
  'bad address': -14,
  'device or resource busy': -16,
  'file exists': -17,
  'no such device': -19,
  'invalid argument': -22,
  'cannot allocate memory': -12,
  'no space left on device': -28,
};

/**
 * An error line that names an errno but no address: QEMU's `VFIO_MAP_DMA failed: Invalid
 * argument` (vfio_dma_map's caller, when the line with the numbers is not pasted), DPDK's
 * `EAL: ... error 22 (Invalid argument)`, Rust VMMs' `IommuDmaMap(Error(17))` and
 * `(os error 14)`. Nothing to place on the axis, but the errno still says which checks refused.
 */
export function parseAddresslessError(raw: string, n: number): PastedError | undefined {
  const s = stripLogPrefix(raw);
  const bare = (num: number, call: string): PastedError => {
    const errno = errnoFromNumber(num);
    return { line: n, errnoNumber: num, ...(errno ? { errno } : {}), call, text: raw.trim() };
  };
  let m =
    /(VFIO_MAP_DMA|VFIO_IOMMU_MAP_DMA|IOMMU_IOAS_MAP|VFIO_GROUP_SET_CONTAINER|VFIO_SET_IOMMU|IOMMU_IOAS_MAP_FILE)(?: failed)?:\s*(-?\d+|[A-Za-z][\w /-]+?)\s*$/.exec(
      s,
    );
  if (m) {
    const v = (m[2] as string).trim();
    const num = /^-?\d+$/.test(v) ? -Math.abs(parseInt(v, 10)) : STRERROR[v.toLowerCase()];
    if (num === undefined) return undefined;
    return bare(num, m[1] as string);
  }
  m =
    /EAL:.*?(DMA (?:re)?mapping|VFIO)[^,]*,?\s*error (\d+) \(([^)]+)\)/.exec(s) ??
    /EAL:.*?(DMA map|DMA remapping|VFIO)[^(]*\berror (\d+)/.exec(s);
  if (m) {
    const num = -parseInt(m[2] as string, 10);
    return bare(num, 'DPDK EAL DMA map');
  }
  m = /(VfioMapRegion|DmaMap|IommuDmaMap|DMA map)\b.*?(?:Error\((\d+)\)|os error (\d+))/.exec(s);
  if (m) {
    const num = -parseInt((m[2] ?? m[3]) as string, 10);
    return bare(num, 'VMM DMA map');
  }
  return undefined;
}

export function importErrorLines(text: string): ImportResult {
  const log = new UnparsedLog();
  const events: PlacedEvent[] = [];
  const ctx: EventParseContext = {};
  const notes: string[] = [];
  const addressless: PastedError[] = [];
  splitLines(text).forEach((line, i) => {
    if (isBlank(line)) return;
    const ev = parseEventLine(line, i + 1, ctx);
    if (ev === 'consumed') return;
    if (ev) {
      events.push(ev);
      return;
    }
    const bare = parseAddresslessError(line, i + 1);
    if (bare) {
      addressless.push(bare);
      return;
    }
    if (isCompanionErrorLine(line)) {
      const s = stripLogPrefix(line);
      const r = /\[fault reason (?:0x)?([0-9a-fA-F]+)\]\s*(.*)$/.exec(s);
      const last = events[events.length - 1];
      if (r && last && last.kind === 'dmar-fault' && ctx.dmarPending === last) {
        events[events.length - 1] = {
          ...last,
          detail: `${last.detail} (fault reason 0x${r[1]}: ${(r[2] as string).trim()})`,
        };
        ctx.dmarPending = undefined;
      }
      if (/not viable/.test(s)) notes.push(`line ${i + 1}: ${s.trim()}`);
      return;
    }
    log.add(i + 1, line, 'not a vfio_dma_map error, an AMD-Vi event or a DMAR fault line');
  });
  // `VFIO_MAP_DMA failed: ...` next to the vfio_dma_map(...) line it announces says nothing more.
  const unplaced = events.some((e) => e.kind === 'vfio-dma-map-error')
    ? addressless.filter(
        (e) => !/^(?:VFIO_MAP_DMA|VFIO_IOMMU_MAP_DMA|IOMMU_IOAS_MAP)$/.test(e.call),
      )
    : addressless;
  const host = unplaced.length ? { pastedErrors: unplaced } : undefined;
  return makeResult(
    'error-lines',
    {},
    log.lines,
    [
      `${events.length} error/fault line(s) placed${unplaced.length ? `, ${unplaced.length} error line(s) with an errno but no address` : ''}`,
      ...notes,
    ],
    { events, dropped: log.droppedCount, ...(host ? { host } : {}) },
  );
}
