import type { ActionOf, FlagList, ObjectRef } from '../actions.ts';
import {
  accept,
  type Applied,
  lazyMessage,
  type MessageText,
  refuse,
  refusePartway,
  refuseWith,
} from '../op-result.ts';
import type { OpTable } from '../op-table.ts';
import { parseFlags } from '../flag-bits.ts';
import { HWPT_ALLOC_FLAGS, IOAS_MAP_FLAGS } from '../ops/iommufd.ts';
import type { ResultRecord } from '../outcome.ts';
import { groupHasIsolatedMsi } from '../platform/platform-index.ts';
import { nonViableMembers, requireDirectMembers } from '../iommu/ownership.ts';
import { describeResvType, isEnforcedResv } from '../platform/resv-regions.ts';
import type { IommuUnit } from '../platform/types.ts';
import type { EngineState } from '../state.ts';
import {
  asIova,
  asUserVa,
  formatRange,
  hex,
  U64_MAX,
  type Iova,
  type Range,
  type U64,
  type UserVa,
} from '../u64.ts';
import {
  allocIova,
  checkAreasAligned,
  checkIova,
  computeAlignment,
  describeReservation,
  firstReservedIn,
  removeReservedOwner,
  reserveIova,
  validIovaRanges,
  type AllocParams,
} from './iopt.ts';
import { isRefusal, refusal, type Refusal } from '../refusal.ts';
import {
  emptyIoas,
  iommufdWith,
  type DeviceObject,
  type IoasArea,
  type HwptObject,
  type IoasObject,
  type IommufdState,
  type OwnPages,
} from './state.ts';
import {
  attachedGroupDevices,
  deviceIn,
  hwptIn,
  ioasIn,
  nextObjectId,
  unitOfDevice,
  withBoundDevice,
  withGroupHwpt,
  withIommufd,
  withObjects,
  withoutObject,
} from './table.ts';
import {
  checkPins,
  newOwnPages,
  type PinCandidate,
  withArea,
  withoutAreas,
  withPagesShared,
} from './pages.ts';
import { withDomainAdded, withDomainRemoved } from './domains.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import type { RangeEntry } from '../ranges/range-map.ts';
import type { RuleName } from '../rules.ts';
import { allocPagingDomain, attachIncompatibility } from '../iommu/domain.ts';

/** iommufd ops (drivers/iommu/iommufd/, drivers/vfio/device_cdev.c for the VFIO cdev side). */

// uAPI bit values (include/uapi/linux/iommufd.h); the name tables live in the ops' entries
const MAP_FIXED = 1n;
const MAP_WRITE = 2n;
const MAP_READ = 4n;
const HWPT_DIRTY = 2n;
const HWPT_FAULT_ID = 4n;
const HWPT_NEST_PARENT = 1n;
const HWPT_KNOWN = 0xfn;

/** A plausible page-aligned user address when a scenario does not give one. */
export const DEFAULT_USER_VA = 0x7f0000000000n;

/** Flag names or raw bits to a bitmask; a name the ioctl does not know becomes a bit no kernel knows. */
function flagBits(flags: FlagList | undefined, names: Record<string, bigint>): bigint {
  const parsed = parseFlags(flags, names);
  return parsed.ok ? parsed.bits : parsed.bits | (1n << 63n);
}

function idOf(ref: ObjectRef | undefined): number | undefined {
  return typeof ref === 'number' && Number.isInteger(ref) ? ref : undefined;
}

function refText(ref: ObjectRef | undefined): string {
  return typeof ref === 'string' ? `"${ref}"` : String(ref);
}

function noIoas(
  state: EngineState,
  ref: ObjectRef | undefined,
  rule: RuleName = 'iommufd_get_ioas',
): Applied {
  return refuse(state, 'ENOENT', rule, `no IOAS with id ${refText(ref)} in this iommufd`);
}

function done(
  base: EngineState,
  next: IommufdState,
  message: MessageText,
  result?: ResultRecord,
  warnings: readonly string[] = [],
): Applied {
  return accept(withIommufd(base, next), message, result, warnings);
}

function pageSizeOf(index: PlatformIndex): U64 {
  return index.platform.kernel.kernelPageSize;
}

/** How `iopt_alloc_iova` aligns: up to a huge page when THP is on, else the base page. */
function allocParamsOf(index: PlatformIndex): AllocParams {
  const k = index.platform.kernel;
  return {
    pageSize: k.kernelPageSize,
    maxAlignment: k.CONFIG_TRANSPARENT_HUGEPAGE ? k.HPAGE_SIZE : k.kernelPageSize,
  };
}

// ---------------------------------------------------------------------------------------------
// IOAS ops (ioas.c)

function ioasAlloc(state: EngineState, a: ActionOf<'iommufd.ioas_alloc'>): Applied {
  const flags = flagBits(a.flags, {});
  if (flags !== 0n)
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_ioas_alloc_ioctl',
      `IOMMU_IOAS_ALLOC flags ${hex(flags)}: no flag is defined`,
    );
  const id = nextObjectId(state.iommufd);
  return done(state, withObjects(state.iommufd, emptyIoas(id)), `allocated IOAS ${id}`, { id });
}

interface PiecePlan {
  /** The new area's pages: its own (IOAS_MAP) or a shared pages object (IOAS_COPY). */
  readonly pages: number | OwnPages;
  readonly vaddr: UserVa;
  readonly length: U64;
  readonly writablePages: boolean;
}

/**
 * `iopt_map_pages`: place pieces (one per source pages slice) at a fixed or allocated IOVA,
 * check each with `iopt_insert_area`, fill the domains (pin) — shared by MAP and COPY.
 */
function mapPieces(
  base: EngineState,
  s: IommufdState,
  ioas: IoasObject,
  pieces: readonly PiecePlan[],
  length: U64,
  fixed: Iova | undefined,
  read: boolean,
  write: boolean,
  ruleTop: RuleName,
): { readonly state: IommufdState; readonly iova: U64 } | Refusal {
  const pageSize = pageSizeOf(base.index);
  // iopt_alloc_area_pages
  if (length % ioas.iovaAlignment !== 0n || length === 0n) {
    return refusal(
      'EINVAL',
      'iopt_alloc_area_pages',
      `length ${hex(length)} is not a multiple of IOAS ${ioas.id}'s iova_alignment ${hex(ioas.iovaAlignment)}`,
    );
  }
  let iova: U64;
  if (fixed === undefined) {
    const first = pieces[0] as PiecePlan;
    const r = allocIova(ioas, first.vaddr, length, allocParamsOf(base.index));
    if (isRefusal(r)) return r;
    iova = r;
  } else {
    const e = checkIova(ioas, fixed, length);
    if (e) return e;
    iova = fixed;
  }
  // iopt_insert_area, per piece
  let next = s;
  let at = iova;
  for (const p of pieces) {
    if (write && !p.writablePages) {
      return refusal(
        'EPERM',
        'iopt_insert_area',
        `WRITEABLE requested but the source pages (user memory at ${hex(p.vaddr)}) were pinned read-only by a mapping without WRITEABLE`,
      );
    }
    const pageOffset = p.vaddr % pageSize;
    if (pageOffset % ioas.iovaAlignment !== 0n) {
      return refusal(
        'EINVAL',
        'iopt_insert_area',
        `user address ${hex(p.vaddr)} has page offset ${hex(pageOffset)}, not a multiple of IOAS ${ioas.id}'s iova_alignment ${hex(ioas.iovaAlignment)}`,
      );
    }
    next = withArea(next, ioas.id, at, at + p.length - 1n, {
      vaddr: p.vaddr,
      read,
      write,
      pages: p.pages,
    });
    at += p.length;
  }
  // Own pages are pinned by this op exactly when the IOAS has a domain.
  const candidates: PinCandidate[] = [];
  for (const p of pieces)
    if (typeof p.pages === 'number' || ioas.hwpts.length > 0) candidates.push(p.pages);
  const pin = checkPins(base, next, candidates, ruleTop);
  if (pin) return pin;
  return { state: next, iova };
}

const mappedMessage = (m: { range: Range; uptr: UserVa; ioas: number }) =>
  `mapped ${formatRange(m.range)} (user ${hex(m.uptr)}) into IOAS ${m.ioas}`;
const unmappedMessage = (m: { bytes: U64; ioas: number }) =>
  `unmapped ${hex(m.bytes)} bytes from IOAS ${m.ioas}`;

function ioasMap(state: EngineState, a: ActionOf<'iommufd.ioas_map'>): Applied {
  const flags = flagBits(a.flags, IOAS_MAP_FLAGS);
  if (flags & ~(MAP_FIXED | MAP_WRITE | MAP_READ)) {
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_ioas_map',
      `IOMMU_IOAS_MAP flags ${hex(flags)} contain bits outside FIXED_IOVA|WRITEABLE|READABLE (0x7)`,
    );
  }
  const iova = a.iova ?? 0n;
  if (iova >= U64_MAX || a.length >= U64_MAX) {
    return refuse(
      state,
      'EOVERFLOW',
      'iommufd_ioas_map',
      `iova ${hex(iova)} or length ${hex(a.length)} is >= ULONG_MAX`,
    );
  }
  if (!(flags & (MAP_READ | MAP_WRITE))) {
    return refuse(
      state,
      'EINVAL',
      'conv_iommu_prot',
      'IOMMU_IOAS_MAP needs READABLE and/or WRITEABLE',
    );
  }
  const ioas = ioasIn(state.iommufd, idOf(a.ioas));
  if (!ioas) return noIoas(state, a.ioas);
  const pageSize = pageSizeOf(state.index);
  const uptr = asUserVa(a.user_va ?? DEFAULT_USER_VA);
  // iopt_alloc_user_pages / iopt_alloc_pages
  if (uptr + a.length > U64_MAX) {
    return refuse(
      state,
      'EOVERFLOW',
      'iopt_alloc_user_pages',
      `user_va ${hex(uptr)} + length ${hex(a.length)} overflows`,
    );
  }
  if (a.length === 0n || a.length > U64_MAX - pageSize) {
    return refuse(
      state,
      'EINVAL',
      'iopt_alloc_pages',
      `length ${hex(a.length)} must be non-zero and at most SIZE_MAX - PAGE_SIZE`,
    );
  }
  const write = (flags & MAP_WRITE) !== 0n;
  const own = newOwnPages(pageSize, uptr, a.length, write);
  const fixed = flags & MAP_FIXED ? asIova(iova) : undefined;
  const r = mapPieces(
    state,
    state.iommufd,
    ioas,
    [{ pages: own, vaddr: uptr, length: a.length, writablePages: write }],
    a.length,
    fixed,
    (flags & MAP_READ) !== 0n,
    write,
    'iopt_map_user_pages',
  );
  if (isRefusal(r)) return refuseWith(state, r);
  const range = { start: r.iova, last: r.iova + a.length - 1n };
  return done(state, r.state, lazyMessage(mappedMessage, { range, uptr, ioas: ioas.id }), {
    iova: r.iova,
  });
}

function ioasUnmap(state: EngineState, a: ActionOf<'iommufd.ioas_unmap'>): Applied {
  const ioas = ioasIn(state.iommufd, idOf(a.ioas));
  if (!ioas) return noIoas(state, a.ioas);
  let start: U64;
  let last: U64;
  const all = a.iova === 0n && a.length === U64_MAX;
  if (all) {
    start = 0n;
    last = U64_MAX;
  } else {
    if (a.iova >= U64_MAX || a.length >= U64_MAX) {
      return refuse(
        state,
        'EOVERFLOW',
        'iommufd_ioas_unmap',
        `iova ${hex(a.iova)} or length ${hex(a.length)} is >= ULONG_MAX (only iova 0 with length U64_MAX means "all")`,
      );
    }
    if (a.length === 0n) return refuse(state, 'EINVAL', 'iopt_unmap_iova', 'length 0');
    if (a.iova + a.length - 1n > U64_MAX) {
      return refuse(
        state,
        'EOVERFLOW',
        'iopt_unmap_iova',
        `iova ${hex(a.iova)} + length ${hex(a.length)} - 1 overflows 64 bits`,
      );
    }
    start = a.iova;
    last = a.iova + a.length - 1n;
  }
  // The common case, one whole area exactly (a VMM unmapping what it mapped): found and removed
  // in one descent of the area tree.
  const exact = all ? undefined : ioas.areas.taking(start);
  if (exact && exact.entry.last === last) {
    const next = withoutAreas(state.iommufd, ioas.id, [exact.entry], exact.rest);
    return done(state, next, lazyMessage(unmappedMessage, { bytes: a.length, ioas: ioas.id }), {
      length: a.length,
    });
  }
  const range = { start, last };
  // iopt_unmap_iova_range: take the lowest intersecting area until none is left; not atomic, so
  // a partly covered area met after others were removed keeps those removals.
  let removed = 0n;
  const removedAreas: RangeEntry<IoasArea>[] = [];
  let from = start;
  for (;;) {
    const area = ioas.areas.firstOverlapping({ start: from, last });
    if (!area) break;
    if (area.start < start || area.last > last) {
      const msg = `area ${formatRange(area)} is only partly inside ${formatRange(range)}; iommufd unmaps whole areas only`;
      if (removed === 0n) return refuse(state, 'ENOENT', 'iopt_unmap_iova_range', msg);
      return refusePartway(
        withIommufd(state, withoutAreas(state.iommufd, ioas.id, removedAreas)),
        refusal(
          'ENOENT',
          'iopt_unmap_iova_range',
          `${msg}; not atomic: ${removedAreas.map(formatRange).join(', ')} (${hex(removed)} bytes) were already unmapped`,
        ),
        { length: removed },
      );
    }
    removed += area.last - area.start + 1n;
    removedAreas.push(area);
    // Areas never overlap: one reaching the end of the range is the last one to look for
    // (profiled: the extra lookup was a third of an exact one-area unmap).
    if (area.last >= last) break;
    from = area.last + 1n;
  }
  if (removed === 0n && !all) {
    return refuse(
      state,
      'ENOENT',
      'iommufd_ioas_unmap',
      `nothing is mapped in ${formatRange(range)} of IOAS ${ioas.id}`,
    );
  }
  const next = withoutAreas(state.iommufd, ioas.id, removedAreas);
  return done(state, next, lazyMessage(unmappedMessage, { bytes: removed, ioas: ioas.id }), {
    length: removed,
  });
}

function ioasIovaRanges(state: EngineState, a: ActionOf<'iommufd.ioas_iova_ranges'>): Applied {
  const obj = state.iommufd.objects.get(idOf(a.ioas) ?? -1);
  if (obj?.kind !== 'ioas') return noIoas(state, a.ioas);
  const holes = validIovaRanges(obj);
  const capacity = a.num_iovas ?? Number.MAX_SAFE_INTEGER;
  const ranges = holes.slice(0, capacity).map((h) => ({ start: h.start, last: h.last }));
  const result = { num_iovas: holes.length, ranges, iova_alignment: obj.iovaAlignment };
  if (holes.length > capacity) {
    return refuse(
      state,
      'EMSGSIZE',
      'iommufd_ioas_iova_ranges',
      `IOAS ${obj.id} has ${holes.length} valid ranges but the caller provided room for ${capacity}`,
      result,
    );
  }
  return accept(state, `IOAS ${obj.id}: ${holes.map(formatRange).join(', ')}`, result);
}

function ioasAllowIovas(state: EngineState, a: ActionOf<'iommufd.ioas_allow_iovas'>): Applied {
  const ioas = ioasIn(state.iommufd, idOf(a.ioas));
  if (!ioas) return noIoas(state, a.ioas);
  // iommufd_ioas_load_iovas
  const loaded: Range[] = [];
  for (const r of a.ranges) {
    if (r.start >= r.last) {
      return refuse(
        state,
        'EINVAL',
        'iommufd_ioas_load_iovas',
        `allowed range ${formatRange(r)}: start must be below last`,
      );
    }
    const clash = loaded.find((x) => x.start <= r.last && r.start <= x.last);
    if (clash) {
      return refuse(
        state,
        'EINVAL',
        'iommufd_ioas_load_iovas',
        `allowed ranges ${formatRange(clash)} and ${formatRange(r)} overlap`,
      );
    }
    loaded.push({ start: r.start, last: r.last });
  }
  // iopt_set_allow_iova: atomic replace, refused when any range intersects a reservation
  for (const r of loaded) {
    const resv = firstReservedIn(ioas, r);
    if (resv) {
      return refuse(
        state,
        'EADDRINUSE',
        'iopt_set_allow_iova',
        `allowed range ${formatRange(r)} intersects ${describeReservation(resv)}; the old allowed list is kept`,
      );
    }
  }
  loaded.sort((x, y) => (x.start < y.start ? -1 : 1));
  const next = withObjects(state.iommufd, {
    ...ioas,
    allowed: Object.freeze(loaded.map((r) => Object.freeze(r))),
  });
  return done(
    state,
    next,
    loaded.length
      ? `IOAS ${ioas.id} allows ${loaded.map(formatRange).join(', ')}`
      : `IOAS ${ioas.id}: allowed list cleared`,
  );
}

function ioasCopy(state: EngineState, a: ActionOf<'iommufd.ioas_copy'>): Applied {
  const flags = flagBits(a.flags, IOAS_MAP_FLAGS);
  if (flags & ~(MAP_FIXED | MAP_WRITE | MAP_READ)) {
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_ioas_copy',
      `IOMMU_IOAS_COPY flags ${hex(flags)} contain bits outside FIXED_IOVA|WRITEABLE|READABLE`,
    );
  }
  const dstIova = a.dst_iova ?? 0n;
  if (a.length >= U64_MAX || a.src_iova >= U64_MAX || dstIova >= U64_MAX) {
    return refuse(
      state,
      'EOVERFLOW',
      'iommufd_ioas_copy',
      'length, src_iova or dst_iova is >= ULONG_MAX',
    );
  }
  if (!(flags & (MAP_READ | MAP_WRITE)))
    return refuse(
      state,
      'EINVAL',
      'conv_iommu_prot',
      'IOMMU_IOAS_COPY needs READABLE and/or WRITEABLE',
    );
  const src = ioasIn(state.iommufd, idOf(a.src_ioas));
  if (!src) return noIoas(state, a.src_ioas);
  // iopt_get_pages: contiguous areas covering the source range
  if (a.length === 0n) return refuse(state, 'EINVAL', 'iopt_get_pages', 'length 0');
  const srcLast = a.src_iova + a.length - 1n;
  if (srcLast > U64_MAX)
    return refuse(
      state,
      'EOVERFLOW',
      'iopt_get_pages',
      `src_iova ${hex(a.src_iova)} + length ${hex(a.length)} - 1 overflows`,
    );
  const found: RangeEntry<IoasArea>[] = [];
  let cur = a.src_iova;
  for (;;) {
    const area = src.areas.find(cur);
    if (!area || (found.length > 0 && area.start !== cur)) {
      return refuse(
        state,
        'ENOENT',
        'iopt_get_pages',
        `source ${formatRange({ start: a.src_iova, last: srcLast })} is not fully mapped in IOAS ${src.id}: nothing contiguous at ${hex(cur)}`,
      );
    }
    found.push(area);
    if (area.last >= srcLast) break;
    cur = area.last + 1n;
  }
  if (!ioasIn(state.iommufd, idOf(a.dst_ioas))) return noIoas(state, a.dst_ioas);
  // The copy shares the source's pages (iopt_get_pages takes a reference on each iopt_pages).
  const shared = withPagesShared(state.iommufd, src.id, found);
  const pieces: PiecePlan[] = shared.areas.map((area) => {
    const from = area.start > a.src_iova ? area.start : a.src_iova;
    const to = area.last < srcLast ? area.last : srcLast;
    const id = area.value.pages as number;
    return {
      pages: id,
      vaddr: asUserVa(area.value.vaddr + (from - area.start)),
      length: to - from + 1n,
      writablePages: shared.state.pages.get(id)?.writable ?? area.value.write,
    };
  });
  const dst = ioasIn(shared.state, idOf(a.dst_ioas)) as IoasObject;
  const fixed = flags & MAP_FIXED ? asIova(dstIova) : undefined;
  const r = mapPieces(
    state,
    shared.state,
    dst,
    pieces,
    a.length,
    fixed,
    (flags & MAP_READ) !== 0n,
    (flags & MAP_WRITE) !== 0n,
    'iopt_map_pages',
  );
  if (isRefusal(r)) return refuseWith(state, r);
  return done(
    state,
    r.state,
    `copied IOAS ${src.id} ${formatRange({ start: a.src_iova, last: srcLast })} to IOAS ${dst.id} at ${hex(r.iova)}`,
    { dst_iova: r.iova },
  );
}

function testAddReserved(state: EngineState, a: ActionOf<'iommufd.test_add_reserved'>): Applied {
  const ioas = ioasIn(state.iommufd, idOf(a.ioas));
  if (!ioas) return noIoas(state, a.ioas);
  // The selftest op passes start + length - 1 straight through; the model refuses the nonsense cases.
  if (a.length === 0n)
    return refuse(state, 'EINVAL', 'iommufd_test_add_reserved', 'length 0 reserves nothing');
  const last = a.start + a.length - 1n;
  if (last > U64_MAX)
    return refuse(
      state,
      'EOVERFLOW',
      'iommufd_test_add_reserved',
      `start ${hex(a.start)} + length ${hex(a.length)} - 1 overflows`,
    );
  const r = reserveIova(
    ioas,
    { start: a.start, last },
    { kind: 'test' },
    'test',
    'IOMMU_TEST_OP_ADD_RESERVED',
  );
  if (isRefusal(r)) return refuseWith(state, r);
  return done(
    state,
    withObjects(state.iommufd, r),
    `reserved ${formatRange({ start: a.start, last })} in IOAS ${ioas.id} (selftest)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Devices and HWPTs (device.c, hw_pagetable.c)

function deviceBind(state: EngineState, a: ActionOf<'iommufd.device_bind'>): Applied {
  const index = state.index;
  const dev = index.devices.get(a.device);
  if (!dev)
    return refuse(
      state,
      'ENODEV',
      'vfio_device_fops_cdev_open',
      `no device ${a.device} on this platform`,
    );
  const unit = dev.iommu !== undefined ? index.units.get(dev.iommu) : undefined;
  const group = index.groupOf.get(a.device);
  if (!unit || group === undefined) {
    return refuse(
      state,
      'ENODEV',
      'iommufd_get_group',
      `${a.device} is not behind an IOMMU: it has no iommu_group (and so no VFIO device cdev)`,
    );
  }
  // vfio_df_ioctl_bind_iommufd → vfio_device_block_group: the legacy group fd is in use
  const container = state.vfio.groups.get(group)?.container;
  if (container !== undefined) {
    return refuse(
      state,
      'EBUSY',
      'vfio_device_block_group',
      `group ${group} of ${a.device} is open through /dev/vfio/${group} and set into VFIO container ${container}; the cdev cannot be bound while the legacy group fd is in use`,
    );
  }
  const bound = state.iommufd.boundDevices.get(a.device);
  if (bound !== undefined) {
    return refuse(
      state,
      'EINVAL',
      'vfio_df_ioctl_bind_iommufd',
      `${a.device} is already bound to this iommufd as device ${bound}; one device cannot be bound twice`,
    );
  }
  // iommufd_device_bind
  if (!unit.coherent) {
    return refuse(
      state,
      'EINVAL',
      'iommufd_device_bind',
      `${unit.id} does not report IOMMU_CAP_CACHE_COHERENCY; iommufd always maps with IOMMU_CACHE`,
    );
  }
  const warnings: string[] = [];
  if (unit.kind !== 'mock' && !groupHasIsolatedMsi(index, group)) {
    const msg = `group ${group} of ${a.device} has no isolated MSI (no interrupt remapping / IRQ_DOMAIN_FLAG_ISOLATED_MSI): a DMA write could raise arbitrary interrupts`;
    if (!index.platform.moduleParams['iommufd.allow_unsafe_interrupts']) {
      return refuse(
        state,
        'EPERM',
        'iommufd_device_bind',
        `${msg}; set iommufd.allow_unsafe_interrupts=1 to accept the risk`,
      );
    }
    warnings.push(
      `MSI interrupts are not secure, they cannot be isolated by the platform (iommufd.allow_unsafe_interrupts=1): ${msg}`,
    );
  }
  // iommu_device_claim_dma_owner: shared with this ictx when a sibling is already bound
  const members = index.groups.get(group)?.devices ?? [a.device];
  const ownedHere = members.some((b) => state.iommufd.boundDevices.has(b));
  if (!ownedHere) {
    const busy = nonViableMembers(index, group);
    if (busy.length > 0) {
      return refuse(
        state,
        'EPERM',
        'iommu_device_claim_dma_owner',
        `group ${group} is in use by the kernel DMA API: ${busy.map((d) => `${d.bdf} is bound to ${d.hostDriver}`).join(', ')}`,
      );
    }
    const direct = requireDirectMembers(index, members);
    const first = direct[0];
    if (first) {
      return refuse(
        state,
        'EINVAL',
        '__iommu_device_set_domain',
        `${first.bdf} has a non-relaxable direct (1:1) region ${formatRange(first.region)}${first.region.origin ? ` (${first.region.origin})` : ''}: its group cannot take the blocking domain DMA ownership needs`,
      );
    }
  }
  const id = nextObjectId(state.iommufd);
  const next = withBoundDevice(
    withObjects(state.iommufd, { kind: 'device', id, bdf: a.device, group, hwpt: undefined }),
    a.device,
    id,
  );
  return done(state, next, `bound ${a.device} as device ${id}`, { id }, warnings);
}

/** Why the driver refuses to attach a device on `unit` to the domain of `hwpt` (EINVAL), if it does. */
function incompatibility(hwpt: HwptObject, unit: IommuUnit): string | undefined {
  return attachIncompatibility(hwpt, unit, `hwpt ${hwpt.id}'s domain`);
}

/**
 * `iopt_table_enforce_dev_resv_regions`: reserves one device's own regions (not direct-relaxable)
 * in an IOAS with the device as owner. Returns the new IOAS value or the error.
 */
function enforceDevResv(
  index: PlatformIndex,
  ioas: IoasObject,
  dev: DeviceObject,
): IoasObject | Refusal {
  const regions = (index.deviceResv.get(dev.bdf) ?? []).filter((r) => isEnforcedResv(r.type));
  let cur: IoasObject = ioas;
  for (const r of regions) {
    const next = reserveIova(
      cur,
      r,
      { kind: 'device', dev: dev.id, bdf: dev.bdf },
      r.type,
      r.origin ?? describeResvType(r.type),
      'iopt_table_enforce_dev_resv_regions',
    );
    if (isRefusal(next)) return next;
    cur = next;
  }
  const hw = regions.filter((r) => r.type === 'msi').length;
  const sw = regions.filter((r) => r.type === 'sw-msi').length;
  if ((sw > 0 && hw > 0) || sw > 1) {
    return refusal(
      'EINVAL',
      'iopt_table_enforce_dev_resv_regions',
      `${dev.bdf} reports ${sw} sw-msi and ${hw} msi regions; drivers must offer one SW-MSI window or only hardware MSI regions`,
    );
  }
  return cur;
}

/** `iommufd_hw_pagetable_attach` (not yet attached device). */
function hwptAttach(
  index: PlatformIndex,
  s: IommufdState,
  dev: DeviceObject,
  hwptId: number,
): IommufdState | Refusal {
  const hwpt = hwptIn(s, hwptId) as HwptObject;
  const groupHwpt = s.groupHwpt.get(dev.group);
  if (groupHwpt !== undefined && groupHwpt !== hwpt.id) {
    return refusal(
      'EINVAL',
      'iommufd_hw_pagetable_attach',
      `${dev.bdf}'s iommu_group ${dev.group} is attached to hwpt ${groupHwpt}; every device of a group must use the same HWPT (not hwpt ${hwpt.id})`,
    );
  }
  const ioas = ioasIn(s, hwpt.ioas);
  if (!ioas) throw new Error(`iommufd model: hwpt ${hwpt.id} without IOAS`);
  const reserved = enforceDevResv(index, ioas, dev);
  if (isRefusal(reserved)) return reserved;
  let next = s;
  if (groupHwpt === undefined) {
    const unit = unitOfDevice(index, dev.bdf);
    const why = unit ? incompatibility(hwpt, unit) : 'no IOMMU';
    if (why)
      return refusal(
        'EINVAL',
        'iommu_attach_group',
        `${dev.bdf} cannot join hwpt ${hwpt.id}: ${why}`,
      );
    next = withGroupHwpt(next, dev.group, hwpt.id);
  }
  return withObjects(
    next,
    reserved,
    { ...hwpt, devices: Object.freeze([...hwpt.devices, dev.id]) },
    { ...dev, hwpt: hwpt.id },
  );
}

/** A new paging domain for `dev`'s unit in `ioas` (`iommufd_hwpt_paging_alloc`), not yet in the IOAS. */
function withNewHwpt(
  index: PlatformIndex,
  s: IommufdState,
  dev: DeviceObject,
  ioas: IoasObject,
  auto: boolean,
  nestParent: boolean,
): { readonly state: IommufdState; readonly hwpt: HwptObject } {
  const unit = unitOfDevice(index, dev.bdf) as IommuUnit;
  const hwpt: HwptObject = Object.freeze({
    kind: 'hwpt',
    id: nextObjectId(s),
    ioas: ioas.id,
    auto,
    ...allocPagingDomain(unit),
    nestParent,
    devices: Object.freeze([]),
  });
  return { state: withObjects(s, hwpt), hwpt };
}

/** Drops one reference on a HWPT; an automatic HWPT goes with its last device. */
function putHwpt(index: PlatformIndex, s: IommufdState, hwptId: number): IommufdState {
  const hwpt = hwptIn(s, hwptId);
  return hwpt && hwpt.auto && hwpt.devices.length === 0 ? withoutHwpt(index, s, hwpt) : s;
}

function withoutHwpt(index: PlatformIndex, s: IommufdState, hwpt: HwptObject): IommufdState {
  return withoutObject(withDomainRemoved(s, pageSizeOf(index), hwpt.ioas, hwpt.id), hwpt.id);
}

/** `iommufd_device_do_replace`: moves the device's whole group to `hwpt`. */
function hwptReplace(
  index: PlatformIndex,
  s: IommufdState,
  dev: DeviceObject,
  hwptId: number,
): IommufdState | Refusal {
  const hwpt = hwptIn(s, hwptId) as HwptObject;
  const oldId = s.groupHwpt.get(dev.group);
  if (oldId === undefined || dev.hwpt === undefined)
    return refusal('EINVAL', 'iommufd_device_do_replace', `${dev.bdf} is not attached`);
  if (oldId === hwpt.id) return s;
  const old = hwptIn(s, oldId) as HwptObject;
  const members = attachedGroupDevices(s, dev.group);
  let ioas = ioasIn(s, hwpt.ioas) as IoasObject;
  if (old.ioas !== hwpt.ioas) {
    for (const m of members) {
      const next = enforceDevResv(index, ioas, m);
      if (isRefusal(next)) return next;
      ioas = next;
    }
  }
  const unit = unitOfDevice(index, dev.bdf);
  const why = unit ? incompatibility(hwpt, unit) : 'no IOMMU';
  if (why)
    return refusal(
      'EINVAL',
      'iommu_replace_group_handle',
      `${dev.bdf} cannot move to hwpt ${hwpt.id}: ${why}`,
    );
  let next = withObjects(s, ioas);
  if (old.ioas !== hwpt.ioas) {
    let oldIoas = ioasIn(next, old.ioas) as IoasObject;
    for (const m of members)
      oldIoas = removeReservedOwner(oldIoas, { kind: 'device', dev: m.id, bdf: m.bdf });
    next = withObjects(next, oldIoas);
  }
  const ids = new Set(members.map((m) => m.id));
  next = withGroupHwpt(next, dev.group, hwpt.id);
  next = withObjects(next, {
    ...old,
    devices: Object.freeze(old.devices.filter((d) => !ids.has(d))),
  });
  const target = hwptIn(next, hwpt.id) as HwptObject;
  next = withObjects(
    next,
    { ...target, devices: Object.freeze([...target.devices, ...members.map((m) => m.id)]) },
    ...members.map((m) => ({ ...m, hwpt: hwpt.id })),
  );
  return putHwpt(index, next, old.id);
}

/** Attach for a device not yet attached, replace for one that is (`iommufd_device_change_pt`). */
function attachOrReplace(
  index: PlatformIndex,
  s: IommufdState,
  dev: DeviceObject,
  hwptId: number,
): IommufdState | Refusal {
  return dev.hwpt !== undefined
    ? hwptReplace(index, s, dev, hwptId)
    : hwptAttach(index, s, dev, hwptId);
}

function deviceAttach(state: EngineState, a: ActionOf<'iommufd.device_attach'>): Applied {
  const index = state.index;
  const dev = deviceIn(state.iommufd, idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `no bound device with id ${refText(a.dev)}`,
    );
  const ptId = idOf(a.pt);
  const pt = ptId === undefined ? undefined : state.iommufd.objects.get(ptId);
  if (!pt)
    return refuse(
      state,
      'ENOENT',
      'iommufd_device_change_pt',
      `no object with id ${refText(a.pt)} to attach to`,
    );
  const replace = dev.hwpt !== undefined;
  const verb = replace ? 'moved' : 'attached';
  if (pt.kind === 'device')
    return refuse(
      state,
      'EINVAL',
      'iommufd_device_change_pt',
      `object ${pt.id} is a device, not an IOAS or HWPT`,
    );
  if (pt.kind === 'hwpt') {
    const r = attachOrReplace(index, state.iommufd, dev, pt.id);
    if (isRefusal(r)) return refuseWith(state, r);
    return done(state, r, `${verb} ${dev.bdf} to hwpt ${pt.id}`, { id: pt.id });
  }
  // iommufd_device_auto_get_domain: every auto HWPT of the IOAS first; EINVAL = incompatible
  const tried: string[] = [];
  for (const hid of pt.hwpts) {
    const hwpt = hwptIn(state.iommufd, hid);
    if (!hwpt || !hwpt.auto) continue;
    const r = attachOrReplace(index, state.iommufd, dev, hwpt.id);
    // Joining a domain of an IOAS that already has one pins nothing new: no checkPins here.
    if (!isRefusal(r)) {
      return done(
        state,
        r,
        `${verb} ${dev.bdf} to IOAS ${pt.id} through its automatic hwpt ${hwpt.id}`,
        { id: hwpt.id },
      );
    }
    if (r.errno !== 'EINVAL') return refuseWith(state, r);
    tried.push(r.message);
  }
  // A new automatic HWPT (immediate attach: attach, then iopt_table_add_domain; replace: the reverse)
  const pageSize = pageSizeOf(index);
  const made = withNewHwpt(index, state.iommufd, dev, pt, true, false);
  const hwpt = made.hwpt;
  let next: IommufdState;
  let pinned: readonly PinCandidate[];
  if (replace) {
    const add = withDomainAdded(made.state, pageSize, pt.id, hwpt.id);
    if (isRefusal(add)) return refuseWith(state, add);
    const moved = hwptReplace(index, add.state, dev, hwpt.id);
    if (isRefusal(moved)) return refuseWith(state, moved);
    next = moved;
    pinned = add.pinned;
  } else {
    const attached = hwptAttach(index, made.state, dev, hwpt.id);
    if (isRefusal(attached))
      return refuseWith(
        state,
        tried.length
          ? {
              ...attached,
              message: `${attached.message} (existing automatic domains refused too: ${tried.join('; ')})`,
            }
          : attached,
      );
    const add = withDomainAdded(attached, pageSize, pt.id, hwpt.id);
    if (isRefusal(add)) return refuseWith(state, add);
    next = add.state;
    pinned = add.pinned;
  }
  const pin = checkPins(state, next, pinned, 'iopt_table_add_domain');
  if (pin) return refuseWith(state, pin);
  return done(
    state,
    next,
    `${verb} ${dev.bdf} to IOAS ${pt.id} with a new automatic hwpt ${hwpt.id} (${hwpt.iommu})`,
    { id: hwpt.id },
  );
}

function hwptAlloc(state: EngineState, a: ActionOf<'iommufd.hwpt_alloc'>): Applied {
  const index = state.index;
  const dev = deviceIn(state.iommufd, idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `dev_id ${refText(a.dev)} is not a bound device`,
    );
  const ptId = idOf(a.pt);
  const pt = ptId === undefined ? undefined : state.iommufd.objects.get(ptId);
  if (!pt)
    return refuse(
      state,
      'EINVAL',
      'iommufd_hwpt_alloc',
      `pt_id ${refText(a.pt)} does not exist (HWPT_ALLOC reports a failed pt lookup as EINVAL)`,
    );
  const flags = flagBits(a.flags, HWPT_ALLOC_FLAGS);
  if (pt.kind === 'hwpt') {
    // iommufd_hwpt_nested_alloc: needs driver-specific user data, which this model does not carry
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_hwpt_nested_alloc',
      `pt_id ${pt.id} is a paging HWPT: a nested HWPT needs driver-specific data (data_len > 0)`,
    );
  }
  if (pt.kind !== 'ioas')
    return refuse(state, 'EINVAL', 'iommufd_hwpt_alloc', `pt_id ${pt.id} is a device, not an IOAS`);
  if (flags & ~HWPT_KNOWN)
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_hwpt_paging_alloc',
      `unknown IOMMU_HWPT_ALLOC flags ${hex(flags & ~HWPT_KNOWN)}`,
    );
  const unit = unitOfDevice(index, dev.bdf) as IommuUnit;
  if (flags & HWPT_DIRTY && unit.kind !== 'mock') {
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_hwpt_paging_alloc',
      `${unit.id} does not report IOMMU_CAP_DIRTY_TRACKING in this model`,
    );
  }
  if (flags & HWPT_FAULT_ID && flags & HWPT_NEST_PARENT) {
    return refuse(
      state,
      'EOPNOTSUPP',
      'iommufd_hwpt_paging_alloc',
      'FAULT_ID_VALID cannot be combined with NEST_PARENT: a nesting parent never reports faults',
    );
  }
  const made = withNewHwpt(index, state.iommufd, dev, pt, false, (flags & HWPT_NEST_PARENT) !== 0n);
  const add = withDomainAdded(made.state, pageSizeOf(index), pt.id, made.hwpt.id);
  if (isRefusal(add)) return refuseWith(state, add);
  const pin = checkPins(state, add.state, add.pinned, 'iopt_table_add_domain');
  if (pin) return refuseWith(state, pin);
  if (flags & HWPT_FAULT_ID)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_fault',
      'FAULT_ID_VALID given but no fault object exists (fault_id 0)',
    );
  return done(state, add.state, `allocated hwpt ${made.hwpt.id} (${unit.id}) in IOAS ${pt.id}`, {
    id: made.hwpt.id,
  });
}

/** `iommufd_hw_pagetable_detach` + put. */
function withDeviceDetached(
  index: PlatformIndex,
  s: IommufdState,
  dev: DeviceObject,
): IommufdState {
  if (dev.hwpt === undefined) return s;
  const hwpt = hwptIn(s, dev.hwpt) as HwptObject;
  let next = withObjects(
    s,
    { ...dev, hwpt: undefined },
    { ...hwpt, devices: Object.freeze(hwpt.devices.filter((d) => d !== dev.id)) },
  );
  if (attachedGroupDevices(next, dev.group).length === 0)
    next = withGroupHwpt(next, dev.group, undefined);
  const ioas = ioasIn(next, hwpt.ioas);
  if (ioas)
    next = withObjects(
      next,
      removeReservedOwner(ioas, { kind: 'device', dev: dev.id, bdf: dev.bdf }),
    );
  return putHwpt(index, next, hwpt.id);
}

function deviceDetach(state: EngineState, a: ActionOf<'iommufd.device_detach'>): Applied {
  const dev = deviceIn(state.iommufd, idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `no bound device with id ${refText(a.dev)}`,
    );
  if (dev.hwpt === undefined)
    return accept(
      state,
      `${dev.bdf} was not attached (VFIO_DEVICE_DETACH_IOMMUFD_PT does nothing)`,
    );
  const hwptId = dev.hwpt;
  const next = withDeviceDetached(state.index, state.iommufd, dev);
  const gone = !next.objects.has(hwptId);
  return done(
    state,
    next,
    `detached ${dev.bdf} from hwpt ${hwptId}${gone ? ` (automatic hwpt ${hwptId} destroyed with its last device)` : ''}`,
  );
}

function deviceUnbind(state: EngineState, a: ActionOf<'iommufd.device_unbind'>): Applied {
  const dev = deviceIn(state.iommufd, idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `no bound device with id ${refText(a.dev)}`,
    );
  const detached = withDeviceDetached(state.index, state.iommufd, dev);
  const next = withBoundDevice(withoutObject(detached, dev.id), dev.bdf, undefined);
  return done(state, next, `unbound ${dev.bdf} (device ${dev.id})`);
}

function destroy(state: EngineState, a: ActionOf<'iommufd.destroy'>): Applied {
  const id = idOf(a.id);
  const obj = id === undefined ? undefined : state.iommufd.objects.get(id);
  if (!obj)
    return refuse(state, 'ENOENT', 'iommufd_object_remove', `no object with id ${refText(a.id)}`);
  switch (obj.kind) {
    case 'device':
      return refuse(
        state,
        'EBUSY',
        'iommufd_object_remove',
        `device ${obj.id} (${obj.bdf}) is held by its VFIO cdev until unbind`,
      );
    case 'hwpt':
      if (obj.devices.length > 0) {
        const bdfs = obj.devices.map((d) => deviceIn(state.iommufd, d)?.bdf ?? String(d));
        return refuse(
          state,
          'EBUSY',
          'iommufd_object_remove',
          `hwpt ${obj.id} is attached to ${bdfs.join(', ')}`,
        );
      }
      return done(state, withoutHwpt(state.index, state.iommufd, obj), `destroyed hwpt ${obj.id}`);
    case 'ioas': {
      if (obj.hwpts.length > 0) {
        return refuse(
          state,
          'EBUSY',
          'iommufd_object_remove',
          `IOAS ${obj.id} is used by hwpt ${obj.hwpts.join(', ')}`,
        );
      }
      const next = withoutObject(withoutAreas(state.iommufd, obj.id, obj.areas.toArray()), obj.id);
      return done(
        state,
        next,
        `destroyed IOAS ${obj.id}${obj.areas.size ? ` and its ${obj.areas.size} areas` : ''}`,
      );
    }
  }
}

function option(state: EngineState, a: ActionOf<'iommufd.option'>): Applied {
  if (a.option === 'rlimit_mode') {
    // iommufd_option_rlimit_mode (the model's process is taken to hold CAP_SYS_RESOURCE)
    if (a.object_id !== undefined && a.object_id !== 0)
      return refuse(
        state,
        'EOPNOTSUPP',
        'iommufd_option_rlimit_mode',
        'RLIMIT_MODE takes object_id 0',
      );
    if (a.mode === 'get')
      return accept(state, `rlimit mode ${state.iommufd.accountMode}`, {
        val: state.iommufd.accountMode === 'mm' ? 1 : 0,
      });
    if (state.iommufd.objects.size > 0)
      return refuse(
        state,
        'EBUSY',
        'iommufd_option_rlimit_mode',
        'the accounting mode can only change while the iommufd has no objects',
      );
    if (a.val !== 0 && a.val !== 1)
      return refuse(
        state,
        'EINVAL',
        'iommufd_option_rlimit_mode',
        `val ${String(a.val)}: 0 (user) or 1 (mm)`,
      );
    const accountMode = a.val === 1 ? 'mm' : 'user';
    return done(
      state,
      iommufdWith(state.iommufd, { accountMode }),
      `pinned pages are now charged to the ${accountMode}`,
    );
  }
  const ioas = ioasIn(state.iommufd, idOf(a.object_id));
  if (!ioas) return noIoas(state, a.object_id, 'iommufd_ioas_option');
  if (a.mode === 'get')
    return accept(state, `IOAS ${ioas.id} huge pages ${ioas.disableLargePages ? 'off' : 'on'}`, {
      val: ioas.disableLargePages ? 0 : 1,
    });
  const pageSize = pageSizeOf(state.index);
  const pgsizes = ioas.hwpts.map((h) => hwptIn(state.iommufd, h)?.pgsizeBitmap ?? 1n);
  if (a.val === 1) {
    // iopt_enable_large_pages
    const next = withObjects(state.iommufd, {
      ...ioas,
      disableLargePages: false,
      iovaAlignment: computeAlignment(false, pgsizes, pageSize),
    });
    return done(state, next, `IOAS ${ioas.id}: huge pages enabled`);
  }
  if (a.val !== 0)
    return refuse(
      state,
      'EINVAL',
      'iommufd_ioas_option_huge_pages',
      `val ${String(a.val)}: 0 or 1`,
    );
  // iopt_disable_large_pages
  if (ioas.disableLargePages) return accept(state, `IOAS ${ioas.id}: huge pages already disabled`);
  if (ioas.hwpts.length > 0 && ioas.areas.size > 0) {
    return refuse(
      state,
      'EINVAL',
      'iopt_disable_large_pages',
      `IOAS ${ioas.id} already has areas mapped into its domains (hwpt ${ioas.hwpts.join(', ')}); disable huge pages before mapping`,
    );
  }
  const align = computeAlignment(true, pgsizes, pageSize);
  if (align > ioas.iovaAlignment) {
    const e = checkAreasAligned(
      ioas,
      align,
      pageSize,
      'iopt_calculate_iova_alignment',
      'disabling huge pages',
    );
    if (e) return refuseWith(state, e);
  }
  const next = withObjects(state.iommufd, {
    ...ioas,
    disableLargePages: true,
    iovaAlignment: align,
  });
  return done(state, next, `IOAS ${ioas.id}: huge pages disabled, iova_alignment ${hex(align)}`);
}

export const iommufdOps: OpTable<'iommufd'> = {
  'iommufd.ioas_alloc': ioasAlloc,
  'iommufd.ioas_map': ioasMap,
  'iommufd.ioas_unmap': ioasUnmap,
  'iommufd.ioas_iova_ranges': ioasIovaRanges,
  'iommufd.ioas_allow_iovas': ioasAllowIovas,
  'iommufd.ioas_copy': ioasCopy,
  'iommufd.test_add_reserved': testAddReserved,
  'iommufd.device_bind': deviceBind,
  'iommufd.device_attach': deviceAttach,
  'iommufd.hwpt_alloc': hwptAlloc,
  'iommufd.device_detach': deviceDetach,
  'iommufd.device_unbind': deviceUnbind,
  'iommufd.destroy': destroy,
  'iommufd.option': option,
};
