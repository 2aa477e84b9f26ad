import { deviceRef, groupRef, lineRef } from '../entity-ref.ts';
import { ASSUMED_REGION_NOTE } from '../platform/region-source.ts';
import type { Action } from '../actions.ts';
import { apply, dryRun } from '../engine.ts';
import type { GuestLayout, ImportedStep, PlacedEvent } from '../importers/types.ts';
import type { PlatformInput } from '../platform/normalize.ts';
import { ERRNO_NUMBERS } from '../outcome.ts';
import { formatRange, intersection } from '../u64.ts';
import { assign, userAddressFor } from './dry-run.ts';
import { groupRegionPhrases } from './group-phrases.ts';
import { about, type Finding } from './types.ts';
import { errnoCauses, eventCauses, formatCauses, type RegionHit } from './causes.ts';
import type { PastedError } from '../importers/types.ts';
import type { HostFacts } from '../importers/types.ts';
import { assumptionSentence, platformVendor } from '../importers/infer-units.ts';

/**
 * Pasted error and fault lines, placed on the axis and explained by the engine: a
 * `vfio_dma_map(...) = -N` line is dry-run as the same MAP_DMA in a container holding the
 * assigned groups, and the model's errno and rule are compared with what QEMU printed. Faults
 * are located against the reserved regions, the guest layout and the host BARs. QEMU trace
 * steps are replayed in order through the engine and refused steps reported with their line.
 */

export function eventFindings(
  input: PlatformInput,
  groups: readonly number[],
  events: readonly PlacedEvent[],
  guest: GuestLayout | undefined,
  host?: HostFacts,
): Finding[] {
  if (events.length === 0) return [];
  const a = assign(input, groups, { allowUnsafeInterrupts: true });
  const index = a.state.index;
  const out: Finding[] = [];
  const assumed =
    host?.unitAssumption && !host.unitAssumption.picked ? host.unitAssumption : undefined;
  // A width the input states: a unit's own (not a default the import assumed), or DMAR's host address width.
  const statedWidth =
    host?.hostAddressWidth ??
    (input.iommus ?? []).find((u) => u.addressWidth !== undefined && u.id !== assumed?.unit)
      ?.addressWidth;
  const vendor = platformVendor(input, host ?? {});
  const withAssumption = (m: string) => (assumed ? `${m} ${assumptionSentence(assumed)}.` : m);
  for (const ev of events) {
    // The device's groups for a fault; the assigned groups (the ones in the container) for a map error.
    const inScope = (g: { id: number; devices: readonly string[] }) =>
      ev.device
        ? g.devices.includes(ev.device)
        : groups.length === 0 || groups.includes(g.id) || a.attached.includes(g.id);
    const regionHits: RegionHit[] = [...index.groups.values()].filter(inScope).flatMap((g) =>
      g.resvRegions
        .filter((r) => intersection(r, ev.range))
        .map((r) => ({
          start: r.start,
          last: r.last,
          type: r.type,
          group: g.id,
          origin: r.origin,
          source: r.source,
        })),
    );
    // No group known: regions that apply to every device still say where the line falls.
    if (index.groups.size === 0) {
      for (const r of index.platform.reservedRegions) {
        if (r.group === undefined && r.device === undefined && intersection(r, ev.range))
          regionHits.push({
            start: r.start,
            last: r.last,
            type: r.type,
            group: -1,
            origin: r.origin,
            source: r.source,
          });
      }
    }
    const causes = formatCauses(
      eventCauses(ev, { index, host, regionHits, width: statedWidth, vendor }),
    );
    const guestHits = (guest?.memory ?? [])
      .filter((s) => intersection(s, ev.range))
      .map((s) => `guest ${s.kind} ${s.name} ${formatRange(s)}`);
    const barHits = index.platform.devices.flatMap((d) =>
      d.bars
        .filter((b) => intersection(b, ev.range))
        .map((b) => `${d.bdf} BAR ${b.index} ${formatRange(b)}`),
    );
    // reserved_regions pasted without a group (the `grep -h ... | sort -u` union) and the windows
    // the import assumed hold for every group.
    const phrased = regionHits.map((h) => ({
      ...h,
      note:
        h.source === 'assumed'
          ? ASSUMED_REGION_NOTE
          : h.source === 'sysfs-union'
            ? 'from reserved_regions read without group numbers: every group has it'
            : undefined,
    }));
    const where = [
      ...groupRegionPhrases(phrased.filter((h) => h.group >= 0)),
      ...phrased
        .filter((h) => h.group < 0)
        .map((h) => `the ${h.type} region ${formatRange(h)} (${h.note ?? 'platform-wide'})`),
      ...guestHits,
      ...barHits,
    ];
    const placed = where.length
      ? `it falls in ${[...new Set(where)].join(', ')}`
      : 'it falls in no reserved region, guest section or BAR known here';
    if (ev.kind === 'vfio-dma-map-error') {
      if (a.container === undefined || a.attached.length === 0) {
        const why =
          index.groups.size === 0
            ? 'the input names no IOMMU group to dry-run it in'
            : `no group of this host could be set into a container to dry-run it${a.refused[0] ? ` (${a.refused[0].outcome.errno}: ${a.refused[0].outcome.message})` : ''}`;
        out.push({
          severity: 'error',
          kind: 'pasted-error',
          ...about([lineRef(ev.line)]),
          addresses: [ev.range],
          message: withAssumption(`Line ${ev.line}: ${ev.detail}; ${placed}; ${why}.${causes}`),
        });
        continue;
      }
      const size = ev.range.last - ev.range.start + 1n;
      const action: Action = {
        op: 'vfio.map_dma',
        container: a.container,
        iova: ev.range.start,
        size,
        flags: ['READ', 'WRITE'],
        vaddr:
          ev.vaddr && ev.vaddr % 0x1000n === 0n ? ev.vaddr : userAddressFor(ev.range.start, size),
      };
      const o = dryRun(a.state, action);
      const printed = ev.errno;
      let verdict: string;
      if (!o.ok) {
        verdict = `the model answers ${o.errno} (-${ERRNO_NUMBERS[o.errno]}) too: ${o.message} [${o.rule}]${printed && printed !== o.errno ? ` — QEMU printed ${printed}, so the host differs from the one imported` : ''}`;
      } else if (printed === 'EFAULT') {
        verdict =
          'the model maps this range here; -14 (EFAULT) comes from pinning the user address (vaddr): memory that get_user_pages cannot pin, e.g. a PFNMAP/shared mapping';
      } else {
        verdict = `the model maps this range on the imported host, so ${printed ?? `errno ${ev.errnoNumber}`} must come from something not imported (other groups in the container, the user address, the locked-memory limit)`;
      }
      out.push({
        severity: 'error',
        kind: 'pasted-error',
        ...about([
          lineRef(ev.line),
          ...(ev.region ? [{ kind: 'qemu-region' as const, name: ev.region }] : []),
          ...a.attached.map(groupRef),
        ]),
        addresses: [ev.range],
        message: withAssumption(`Line ${ev.line}: ${ev.detail}; ${placed}; ${verdict}.${causes}`),
        ...(!o.ok ? { errno: o.errno, rule: o.rule } : {}),
      });
      continue;
    }
    let meaning: string;
    if (ev.kind === 'iommu-width-error') {
      const need = ev.range.last.toString(2).length;
      meaning = `the IOVA needs ${need} bits, more than the domain's width, so it can never be mapped: the driver or VMM chose an IOVA above the aperture (use IOVAs below it, or an IOMMU mode with a wider address width)`;
    } else if (ev.amdEvent === 'INVALID_DEVICE_REQUEST')
      meaning =
        'the IOMMU refused the request outright (on AMD this is what a DMA into the reserved HyperTransport window gets)';
    else if (regionHits.length)
      meaning =
        "the address is reserved for this device's group, so nothing can ever be mapped there: the driver or VMM handed the device an IOVA inside a reserved region";
    else
      meaning =
        "no mapping exists at this IOVA in the device's domain: the device used an address that was never mapped or was already unmapped (a stale or wrong IOVA)";
    out.push({
      severity: 'warning',
      kind: 'pasted-fault',
      ...about([lineRef(ev.line), ...(ev.device ? [deviceRef(ev.device)] : [])]),
      addresses: [ev.range],
      message: `Line ${ev.line}: ${ev.detail}; ${placed}; ${meaning}.${ev.kind === 'iommu-width-error' ? '' : causes}`,
    });
  }
  return out;
}

/** Error lines with an errno and no address: what the errno alone says, and what would show the range. */
export function addresslessFindings(errors: readonly PastedError[]): Finding[] {
  // One finding per distinct message: a journal repeats the same line for every region QEMU maps.
  const seen = new Map<string, PastedError[]>();
  for (const e of errors) {
    const key = `${e.call}|${e.errnoNumber}`;
    seen.set(key, [...(seen.get(key) ?? []), e]);
  }
  return [...seen.values()].map((list) => {
    const e = list[0] as PastedError;
    const lines = list.map((x) => x.line);
    const where =
      lines.length > 1
        ? `Lines ${lines.slice(0, 6).join(', ')}${lines.length > 6 ? ', ...' : ''}`
        : `Line ${e.line}`;
    return {
      severity: 'error' as const,
      kind: 'pasted-error' as const,
      ...about(lines.slice(0, 6).map(lineRef)),
      addresses: [],
      message: `${where}: ${e.call} failed with ${e.errnoNumber}${e.errno ? ` (${e.errno})` : ''}; the line gives no address, so it cannot be placed or dry-run.${formatCauses(errnoCauses(e.errnoNumber, e.call))}`,
    };
  });
}

/** Replays trace steps (map/unmap in `$container`) through the engine, in order. */
export function traceFindings(
  input: PlatformInput,
  groups: readonly number[],
  steps: readonly ImportedStep[],
  lines: readonly number[] | undefined,
): Finding[] {
  const dma = steps
    .map((s, i) => ({ s, line: lines?.[i] ?? 0 }))
    .filter((x) => x.s.op === 'vfio.map_dma' || x.s.op === 'vfio.unmap_dma');
  if (dma.length === 0) return [];
  const a = assign(input, groups, { allowUnsafeInterrupts: true });
  if (a.container === undefined || a.attached.length === 0) return [];
  let state = a.state;
  const out: Finding[] = [];
  let ok = 0;
  for (const { s, line } of dma) {
    const action: Action =
      s.op === 'vfio.map_dma'
        ? {
            op: 'vfio.map_dma',
            container: a.container,
            iova: s.iova,
            size: s.size,
            flags: s.flags,
            ...(s.vaddr && s.vaddr % 0x1000n === 0n
              ? { vaddr: s.vaddr }
              : { vaddr: userAddressFor(s.iova, s.size) }),
          }
        : {
            op: 'vfio.unmap_dma',
            container: a.container,
            iova: (s as { iova: bigint }).iova,
            size: (s as { size: bigint }).size,
            flags: [],
          };
    const r = apply(state, action);
    if (r.outcome.ok) {
      ok++;
      state = r.state;
      continue;
    }
    const iova = (action as { iova: bigint }).iova;
    const size = (action as { size: bigint }).size;
    out.push({
      severity: s.op === 'vfio.map_dma' ? 'error' : 'warning',
      kind: 'trace-step-refused',
      ...about([{ kind: 'line', line, trace: true }, ...a.attached.map(groupRef)]),
      addresses: [{ start: iova, last: iova + size - 1n }],
      message: `Trace line ${line}: ${s.op === 'vfio.map_dma' ? 'MAP_DMA' : 'UNMAP_DMA'} ${formatRange({ start: iova, last: iova + size - 1n })} is refused with ${r.outcome.errno} (${r.outcome.rule}): ${r.outcome.message}.`,
      errno: r.outcome.errno,
      rule: r.outcome.rule,
    });
  }
  out.push({
    severity: 'info',
    kind: 'trace-step-refused',
    ...about(a.attached.map(groupRef)),
    addresses: [],
    message: `Replayed ${dma.length} traced DMA step(s) in a type1v2 container with group${a.attached.length > 1 ? 's' : ''} ${a.attached.join(', ')}: ${ok} accepted, ${dma.length - ok} refused.`,
  });
  return out;
}
