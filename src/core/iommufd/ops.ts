import type { ActionOf, FlagList, ObjectRef } from '../actions.ts';
import { accept, refuse, refusePartway, refuseWith, type Applied } from '../op-result.ts';
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
} from './iopt.ts';
import { isRefusal, refusal, type Refusal } from '../refusal.ts';
import { emptyIoas, type DeviceObject, type HwptObject, type IoasObject } from './state.ts';
import { Txn } from './txn.ts';
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
  txn: Txn,
  message: string,
  result?: ResultRecord,
  warnings: readonly string[] = [],
): Applied {
  return accept(txn.commit(), message, result, warnings);
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
  const txn = new Txn(state);
  const id = txn.newId();
  txn.put(emptyIoas(id));
  return done(txn, `allocated IOAS ${id}`, { id });
}

interface PiecePlan {
  readonly pages: number;
  readonly vaddr: UserVa;
  readonly length: U64;
  readonly writablePages: boolean;
}

/**
 * `iopt_map_pages`: place pieces (one per source pages slice) at a fixed or allocated IOVA,
 * check each with `iopt_insert_area`, fill the domains (pin) — shared by MAP and COPY.
 */
function mapPieces(
  txn: Txn,
  ioas: IoasObject,
  pieces: readonly PiecePlan[],
  length: U64,
  fixed: Iova | undefined,
  read: boolean,
  write: boolean,
  ruleTop: RuleName,
): U64 | Refusal {
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
    const r = allocIova(ioas, first.vaddr, length, txn.allocParams);
    if (isRefusal(r)) return r;
    iova = r;
  } else {
    const e = checkIova(ioas, fixed, length);
    if (e) return e;
    iova = fixed;
  }
  // iopt_insert_area, per piece
  let cur = ioas;
  let at = iova;
  for (const p of pieces) {
    if (write && !p.writablePages) {
      return refusal(
        'EPERM',
        'iopt_insert_area',
        `WRITEABLE requested but the source pages (user memory at ${hex(p.vaddr)}) were pinned read-only by a mapping without WRITEABLE`,
      );
    }
    const pageOffset = p.vaddr % txn.pageSize;
    if (pageOffset % ioas.iovaAlignment !== 0n) {
      return refusal(
        'EINVAL',
        'iopt_insert_area',
        `user address ${hex(p.vaddr)} has page offset ${hex(pageOffset)}, not a multiple of IOAS ${ioas.id}'s iova_alignment ${hex(ioas.iovaAlignment)}`,
      );
    }
    cur = txn.addArea(cur, at, at + p.length - 1n, { vaddr: p.vaddr, read, write, pages: p.pages });
    at += p.length;
  }
  const pin = txn.checkPins(ruleTop);
  if (pin) return pin;
  return iova;
}

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
  const txn = new Txn(state);
  const ioas = txn.ioas(idOf(a.ioas));
  if (!ioas) return noIoas(state, a.ioas);
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
  if (a.length === 0n || a.length > U64_MAX - txn.pageSize) {
    return refuse(
      state,
      'EINVAL',
      'iopt_alloc_pages',
      `length ${hex(a.length)} must be non-zero and at most SIZE_MAX - PAGE_SIZE`,
    );
  }
  const write = (flags & MAP_WRITE) !== 0n;
  const pages = txn.newPages(uptr, a.length, write);
  const fixed = flags & MAP_FIXED ? asIova(iova) : undefined;
  const r = mapPieces(
    txn,
    ioas,
    [{ pages, vaddr: uptr, length: a.length, writablePages: write }],
    a.length,
    fixed,
    (flags & MAP_READ) !== 0n,
    write,
    'iopt_map_user_pages',
  );
  if (isRefusal(r)) return refuseWith(state, r);
  const range = { start: r, last: r + a.length - 1n };
  return done(txn, `mapped ${formatRange(range)} (user ${hex(uptr)}) into IOAS ${ioas.id}`, {
    iova: r,
  });
}

function ioasUnmap(state: EngineState, a: ActionOf<'iommufd.ioas_unmap'>): Applied {
  const txn = new Txn(state);
  let ioas = txn.ioas(idOf(a.ioas));
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
  const range = { start, last };
  // iopt_unmap_iova_range: take the lowest intersecting area until none is left; not atomic.
  let removed = 0n;
  const removedRanges: Range[] = [];
  for (;;) {
    const area = ioas.areas.firstOverlapping(range);
    if (!area) break;
    if (area.start < start || area.last > last) {
      const msg = `area ${formatRange(area)} is only partly inside ${formatRange(range)}; iommufd unmaps whole areas only`;
      if (removed === 0n) return refuse(state, 'ENOENT', 'iopt_unmap_iova_range', msg);
      return refusePartway(
        txn.commit(),
        refusal(
          'ENOENT',
          'iopt_unmap_iova_range',
          `${msg}; not atomic: ${removedRanges.map(formatRange).join(', ')} (${hex(removed)} bytes) were already unmapped`,
        ),
        { length: removed },
      );
    }
    ioas = txn.removeArea(ioas, area.start);
    removed += area.last - area.start + 1n;
    removedRanges.push({ start: area.start, last: area.last });
    // Areas never overlap: one reaching the end of the range is the last one to look for
    // (profiled: the extra lookup was a third of an exact one-area unmap).
    if (area.last >= last) break;
  }
  if (removed === 0n && !all) {
    return refuse(
      state,
      'ENOENT',
      'iommufd_ioas_unmap',
      `nothing is mapped in ${formatRange(range)} of IOAS ${ioas.id}`,
    );
  }
  return done(txn, `unmapped ${hex(removed)} bytes from IOAS ${ioas.id}`, { length: removed });
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
  const txn = new Txn(state);
  const ioas = txn.ioas(idOf(a.ioas));
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
  txn.put({ ...ioas, allowed: Object.freeze(loaded.map((r) => Object.freeze(r))) });
  return done(
    txn,
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
  const txn = new Txn(state);
  const src = txn.ioas(idOf(a.src_ioas));
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
  const pieces: PiecePlan[] = [];
  let cur = a.src_iova;
  for (;;) {
    const area = src.areas.find(cur);
    if (!area || (pieces.length > 0 && area.start !== cur)) {
      return refuse(
        state,
        'ENOENT',
        'iopt_get_pages',
        `source ${formatRange({ start: a.src_iova, last: srcLast })} is not fully mapped in IOAS ${src.id}: nothing contiguous at ${hex(cur)}`,
      );
    }
    const pieceLast = area.last < srcLast ? area.last : srcLast;
    const pages = state.iommufd.pages.get(area.value.pages);
    pieces.push({
      pages: area.value.pages,
      vaddr: asUserVa(area.value.vaddr + (cur - area.start)),
      length: pieceLast - cur + 1n,
      writablePages: pages?.writable ?? area.value.write,
    });
    if (pieceLast === srcLast) break;
    cur = pieceLast + 1n;
  }
  const dst = txn.ioas(idOf(a.dst_ioas));
  if (!dst) return noIoas(state, a.dst_ioas);
  const fixed = flags & MAP_FIXED ? asIova(dstIova) : undefined;
  const r = mapPieces(
    txn,
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
    txn,
    `copied IOAS ${src.id} ${formatRange({ start: a.src_iova, last: srcLast })} to IOAS ${dst.id} at ${hex(r)}`,
    { dst_iova: r },
  );
}

function testAddReserved(state: EngineState, a: ActionOf<'iommufd.test_add_reserved'>): Applied {
  const txn = new Txn(state);
  const ioas = txn.ioas(idOf(a.ioas));
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
  txn.put(r);
  return done(
    txn,
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
  const txn = new Txn(state);
  const id = txn.newId();
  txn.put({ kind: 'device', id, bdf: a.device, group, hwpt: undefined });
  txn.boundDevices.set(a.device, id);
  return done(txn, `bound ${a.device} as device ${id}`, { id }, warnings);
}

/** Why the driver refuses to attach a device on `unit` to the domain of `hwpt` (EINVAL), if it does. */
function incompatibility(hwpt: HwptObject, unit: IommuUnit): string | undefined {
  return attachIncompatibility(hwpt, unit, `hwpt ${hwpt.id}'s domain`);
}

/**
 * `iopt_table_enforce_dev_resv_regions`: reserves one device's own regions (not direct-relaxable)
 * in an IOAS with the device as owner. Returns the new IOAS value or the error.
 */
function enforceDevResv(txn: Txn, ioas: IoasObject, dev: DeviceObject): IoasObject | Refusal {
  const regions = (txn.base.index.deviceResv.get(dev.bdf) ?? []).filter((r) =>
    isEnforcedResv(r.type),
  );
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
function hwptAttach(txn: Txn, dev: DeviceObject, hwpt: HwptObject): Refusal | undefined {
  const groupHwpt = txn.groupHwpt.get(dev.group);
  if (groupHwpt !== undefined && groupHwpt !== hwpt.id) {
    return refusal(
      'EINVAL',
      'iommufd_hw_pagetable_attach',
      `${dev.bdf}'s iommu_group ${dev.group} is attached to hwpt ${groupHwpt}; every device of a group must use the same HWPT (not hwpt ${hwpt.id})`,
    );
  }
  const ioas = txn.ioas(hwpt.ioas);
  if (!ioas) throw new Error(`iommufd model: hwpt ${hwpt.id} without IOAS`);
  const reserved = enforceDevResv(txn, ioas, dev);
  if (isRefusal(reserved)) return reserved;
  if (groupHwpt === undefined) {
    const unit = txn.unitOf(dev.bdf);
    const why = unit ? incompatibility(hwpt, unit) : 'no IOMMU';
    if (why)
      return refusal(
        'EINVAL',
        'iommu_attach_group',
        `${dev.bdf} cannot join hwpt ${hwpt.id}: ${why}`,
      );
    txn.groupHwpt.set(dev.group, hwpt.id);
  }
  txn.put(reserved);
  txn.put({ ...hwpt, devices: Object.freeze([...hwpt.devices, dev.id]) });
  txn.put({ ...dev, hwpt: hwpt.id });
  return undefined;
}

/** A new paging domain for `dev`'s unit in `ioas` (`iommufd_hwpt_paging_alloc`), not yet in the IOAS. */
function newHwpt(
  txn: Txn,
  dev: DeviceObject,
  ioas: IoasObject,
  auto: boolean,
  nestParent: boolean,
): HwptObject {
  const unit = txn.unitOf(dev.bdf) as IommuUnit;
  const hwpt: HwptObject = Object.freeze({
    kind: 'hwpt',
    id: txn.newId(),
    ioas: ioas.id,
    auto,
    ...allocPagingDomain(unit),
    nestParent,
    devices: Object.freeze([]),
  });
  txn.put(hwpt);
  return hwpt;
}

/** Devices of `group` attached to the group's HWPT (`igroup->device_list`). */
function attachedGroupDevices(txn: Txn, group: number): DeviceObject[] {
  const out: DeviceObject[] = [];
  for (const o of txn.objects.values())
    if (o.kind === 'device' && o.group === group && o.hwpt !== undefined) out.push(o);
  return out;
}

/** Drops one reference on a HWPT; an automatic HWPT goes with its last device. */
function putHwpt(txn: Txn, hwptId: number): void {
  const hwpt = txn.hwpt(hwptId);
  if (hwpt && hwpt.auto && hwpt.devices.length === 0) destroyHwpt(txn, hwpt);
}

function destroyHwpt(txn: Txn, hwpt: HwptObject): void {
  txn.removeDomain(hwpt.ioas, hwpt.id);
  txn.objects.delete(hwpt.id);
}

/** `iommufd_device_do_replace`: moves the device's whole group to `hwpt`. */
function hwptReplace(txn: Txn, dev: DeviceObject, hwpt: HwptObject): Refusal | undefined {
  const oldId = txn.groupHwpt.get(dev.group);
  if (oldId === undefined || dev.hwpt === undefined)
    return refusal('EINVAL', 'iommufd_device_do_replace', `${dev.bdf} is not attached`);
  if (oldId === hwpt.id) return undefined;
  const old = txn.hwpt(oldId) as HwptObject;
  const members = attachedGroupDevices(txn, dev.group);
  let ioas = txn.ioas(hwpt.ioas) as IoasObject;
  if (old.ioas !== hwpt.ioas) {
    for (const m of members) {
      const next = enforceDevResv(txn, ioas, m);
      if (isRefusal(next)) return next;
      ioas = next;
    }
  }
  const unit = txn.unitOf(dev.bdf);
  const why = unit ? incompatibility(hwpt, unit) : 'no IOMMU';
  if (why)
    return refusal(
      'EINVAL',
      'iommu_replace_group_handle',
      `${dev.bdf} cannot move to hwpt ${hwpt.id}: ${why}`,
    );
  txn.put(ioas);
  if (old.ioas !== hwpt.ioas) {
    let oldIoas = txn.ioas(old.ioas) as IoasObject;
    for (const m of members)
      oldIoas = removeReservedOwner(oldIoas, { kind: 'device', dev: m.id, bdf: m.bdf });
    txn.put(oldIoas);
  }
  const ids = new Set(members.map((m) => m.id));
  txn.groupHwpt.set(dev.group, hwpt.id);
  txn.put({ ...old, devices: Object.freeze(old.devices.filter((d) => !ids.has(d))) });
  const target = txn.hwpt(hwpt.id) as HwptObject;
  txn.put({ ...target, devices: Object.freeze([...target.devices, ...members.map((m) => m.id)]) });
  for (const m of members) txn.put({ ...m, hwpt: hwpt.id });
  putHwpt(txn, old.id);
  return undefined;
}

function deviceAttach(state: EngineState, a: ActionOf<'iommufd.device_attach'>): Applied {
  const txn = new Txn(state);
  const dev = txn.device(idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `no bound device with id ${refText(a.dev)}`,
    );
  const ptId = idOf(a.pt);
  const pt = ptId === undefined ? undefined : txn.objects.get(ptId);
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
    const e = replace ? hwptReplace(txn, dev, pt) : hwptAttach(txn, dev, pt);
    if (e) return refuseWith(state, e);
    return done(txn, `${verb} ${dev.bdf} to hwpt ${pt.id}`, { id: pt.id });
  }
  // iommufd_device_auto_get_domain: every auto HWPT of the IOAS first; EINVAL = incompatible
  const tried: string[] = [];
  for (const hid of pt.hwpts) {
    const hwpt = txn.hwpt(hid);
    if (!hwpt || !hwpt.auto) continue;
    const trial = new Txn(txn.commit());
    const e = replace ? hwptReplace(trial, dev, hwpt) : hwptAttach(trial, dev, hwpt);
    if (!e) {
      const pin = trial.checkPins('iopt_table_add_domain');
      if (pin) return refuseWith(state, pin);
      return accept(
        trial.commit(),
        `${verb} ${dev.bdf} to IOAS ${pt.id} through its automatic hwpt ${hwpt.id}`,
        { id: hwpt.id },
      );
    }
    if (e.errno !== 'EINVAL') return refuseWith(state, e);
    tried.push(e.message);
  }
  // A new automatic HWPT (immediate attach: attach, then iopt_table_add_domain; replace: the reverse)
  const hwpt = newHwpt(txn, dev, pt, true, false);
  if (replace) {
    const add = txn.addDomain(pt.id, hwpt);
    if (add) return refuseWith(state, add);
    const e = hwptReplace(txn, dev, txn.hwpt(hwpt.id) as HwptObject);
    if (e) return refuseWith(state, e);
  } else {
    const e = hwptAttach(txn, dev, hwpt);
    if (e)
      return refuseWith(
        state,
        tried.length
          ? {
              ...e,
              message: `${e.message} (existing automatic domains refused too: ${tried.join('; ')})`,
            }
          : e,
      );
    const add = txn.addDomain(pt.id, txn.hwpt(hwpt.id) as HwptObject);
    if (add) return refuseWith(state, add);
  }
  const pin = txn.checkPins('iopt_table_add_domain');
  if (pin) return refuseWith(state, pin);
  return done(
    txn,
    `${verb} ${dev.bdf} to IOAS ${pt.id} with a new automatic hwpt ${hwpt.id} (${hwpt.iommu})`,
    { id: hwpt.id },
  );
}

function hwptAlloc(state: EngineState, a: ActionOf<'iommufd.hwpt_alloc'>): Applied {
  const txn = new Txn(state);
  const dev = txn.device(idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `dev_id ${refText(a.dev)} is not a bound device`,
    );
  const ptId = idOf(a.pt);
  const pt = ptId === undefined ? undefined : txn.objects.get(ptId);
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
  const unit = txn.unitOf(dev.bdf) as IommuUnit;
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
  const hwpt = newHwpt(txn, dev, pt, false, (flags & HWPT_NEST_PARENT) !== 0n);
  const add = txn.addDomain(pt.id, hwpt);
  if (add) return refuseWith(state, add);
  const pin = txn.checkPins('iopt_table_add_domain');
  if (pin) return refuseWith(state, pin);
  if (flags & HWPT_FAULT_ID)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_fault',
      'FAULT_ID_VALID given but no fault object exists (fault_id 0)',
    );
  return done(txn, `allocated hwpt ${hwpt.id} (${unit.id}) in IOAS ${pt.id}`, { id: hwpt.id });
}

/** `iommufd_hw_pagetable_detach` + put. */
function detachDevice(txn: Txn, dev: DeviceObject): void {
  if (dev.hwpt === undefined) return;
  const hwpt = txn.hwpt(dev.hwpt) as HwptObject;
  txn.put({ ...dev, hwpt: undefined });
  txn.put({ ...hwpt, devices: Object.freeze(hwpt.devices.filter((d) => d !== dev.id)) });
  if (attachedGroupDevices(txn, dev.group).length === 0) txn.groupHwpt.delete(dev.group);
  const ioas = txn.ioas(hwpt.ioas);
  if (ioas) txn.put(removeReservedOwner(ioas, { kind: 'device', dev: dev.id, bdf: dev.bdf }));
  putHwpt(txn, hwpt.id);
}

function deviceDetach(state: EngineState, a: ActionOf<'iommufd.device_detach'>): Applied {
  const txn = new Txn(state);
  const dev = txn.device(idOf(a.dev));
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
  detachDevice(txn, dev);
  const gone = !txn.objects.has(hwptId);
  return done(
    txn,
    `detached ${dev.bdf} from hwpt ${hwptId}${gone ? ` (automatic hwpt ${hwptId} destroyed with its last device)` : ''}`,
  );
}

function deviceUnbind(state: EngineState, a: ActionOf<'iommufd.device_unbind'>): Applied {
  const txn = new Txn(state);
  const dev = txn.device(idOf(a.dev));
  if (!dev)
    return refuse(
      state,
      'ENOENT',
      'iommufd_get_device',
      `no bound device with id ${refText(a.dev)}`,
    );
  detachDevice(txn, dev);
  txn.objects.delete(dev.id);
  txn.boundDevices.delete(dev.bdf);
  return done(txn, `unbound ${dev.bdf} (device ${dev.id})`);
}

function destroy(state: EngineState, a: ActionOf<'iommufd.destroy'>): Applied {
  const txn = new Txn(state);
  const id = idOf(a.id);
  const obj = id === undefined ? undefined : txn.objects.get(id);
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
        const bdfs = obj.devices.map((d) => txn.device(d)?.bdf ?? String(d));
        return refuse(
          state,
          'EBUSY',
          'iommufd_object_remove',
          `hwpt ${obj.id} is attached to ${bdfs.join(', ')}`,
        );
      }
      destroyHwpt(txn, obj);
      return done(txn, `destroyed hwpt ${obj.id}`);
    case 'ioas': {
      if (obj.hwpts.length > 0) {
        return refuse(
          state,
          'EBUSY',
          'iommufd_object_remove',
          `IOAS ${obj.id} is used by hwpt ${obj.hwpts.join(', ')}`,
        );
      }
      let ioas = obj;
      for (const area of obj.areas.toArray()) ioas = txn.removeArea(ioas, area.start);
      txn.objects.delete(obj.id);
      return done(
        txn,
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
    const txn = new Txn(state);
    txn.accountMode = a.val === 1 ? 'mm' : 'user';
    return done(txn, `pinned pages are now charged to the ${txn.accountMode}`);
  }
  const txn = new Txn(state);
  const ioas = txn.ioas(idOf(a.object_id));
  if (!ioas) return noIoas(state, a.object_id, 'iommufd_ioas_option');
  if (a.mode === 'get')
    return accept(state, `IOAS ${ioas.id} huge pages ${ioas.disableLargePages ? 'off' : 'on'}`, {
      val: ioas.disableLargePages ? 0 : 1,
    });
  if (a.val === 1) {
    // iopt_enable_large_pages
    const pgsizes = ioas.hwpts.map((h) => txn.hwpt(h)?.pgsizeBitmap ?? 1n);
    txn.put({
      ...ioas,
      disableLargePages: false,
      iovaAlignment: computeAlignment(false, pgsizes, txn.pageSize),
    });
    return done(txn, `IOAS ${ioas.id}: huge pages enabled`);
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
  const pgsizes = ioas.hwpts.map((h) => txn.hwpt(h)?.pgsizeBitmap ?? 1n);
  const align = computeAlignment(true, pgsizes, txn.pageSize);
  if (align > ioas.iovaAlignment) {
    const e = checkAreasAligned(
      ioas,
      align,
      txn.pageSize,
      'iopt_calculate_iova_alignment',
      'disabling huge pages',
    );
    if (e) return refuseWith(state, e);
  }
  txn.put({ ...ioas, disableLargePages: true, iovaAlignment: align });
  return done(txn, `IOAS ${ioas.id}: huge pages disabled, iova_alignment ${hex(align)}`);
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
