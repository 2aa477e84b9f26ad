import { kernelOlderThan } from '../platform/defaults.ts';
import { groupHasIsolatedMsi, type PlatformIndex } from '../platform/platform-index.ts';
import { describeResvType, type ResvRegion } from '../platform/resv-regions.ts';
import type { IommuUnit } from '../platform/types.ts';
import {
  asPgsizeBitmap,
  formatRange,
  formatSize,
  hex,
  userVaRange,
  type PgsizeBitmap,
  type Range,
} from '../u64.ts';
import {
  aperConflict,
  excludeRegions,
  expandToApertures,
  refreshFromRegions,
  resizeToAperture,
  resvConflict,
} from './iova-list.ts';
import { allocPagingDomain, attachIncompatibility } from '../iommu/domain.ts';
import { misalignment, PAGE_MASK_OF, smallestPage } from '../iommu/pgsize.ts';
import { pinUserRange } from './pinning.ts';
import { refusal, type Refusal } from '../refusal.ts';
import { type1With, type Type1State, type VfioDomain, type VfioMapping } from './state.ts';
import { RangeMap } from '../ranges/range-map.ts';

/**
 * Group attach and detach inside type1 (`vfio_iommu_type1_attach_group`,
 * `vfio_iommu_type1_detach_group`), kernel-semantics §4.3–§4.5. Both are pure: they return a new
 * `Type1State` or a refusal, never touching the one they were given.
 */

export function groupUnit(index: PlatformIndex, group: number): IommuUnit | undefined {
  const g = index.groups.get(group);
  return g ? index.units.get(g.iommu) : undefined;
}

export function groupRegions(index: PlatformIndex, group: number): readonly ResvRegion[] {
  return index.groups.get(group)?.resvRegions ?? [];
}

/** A fresh `struct vfio_iommu` (`vfio_iommu_type1_open`). */
export function openType1(index: PlatformIndex, v2: boolean, nestingType = false): Type1State {
  const page = index.platform.kernel.kernelPageSize;
  return Object.freeze({
    v2,
    // Since 35890f85573c (v6.13) the reserved nesting id is opened as plain v2.
    nesting: nestingType && kernelOlderThan(index.platform.kernel.version, '6.13'),
    domains: Object.freeze([]),
    nextDomainId: 1,
    iovaList: Object.freeze([]),
    dma: RangeMap.empty<VfioMapping>(),
    dmaAvail: index.platform.moduleParams['vfio_iommu_type1.dma_entry_limit'],
    vaddrInvalidCount: 0,
    pgsizeBitmap: asPgsizeBitmap(PAGE_MASK_OF(page)),
    lockedBytes: 0n,
  });
}

/**
 * `vfio_update_pgsize_bitmap`: AND of every domain's sizes; sizes below PAGE_SIZE are hidden and
 * PAGE_SIZE is offered instead (a mock IOMMU's 2 KiB pages show up as 4 KiB).
 */
export function pgsizeOfDomains(domains: readonly VfioDomain[], pageSize: bigint): PgsizeBitmap {
  let bits = (1n << 64n) - 1n;
  for (const d of domains) bits &= d.pgsizeBitmap;
  if ((bits & (pageSize - 1n)) !== 0n) bits = (bits & PAGE_MASK_OF(pageSize)) | pageSize;
  return asPgsizeBitmap(bits);
}

export interface AttachDone {
  readonly ok: true;
  readonly driver: Type1State;
  readonly warnings: readonly string[];
  readonly message: string;
}

export type AttachResult = AttachDone | Refusal;

/**
 * `vfio_iommu_type1_attach_group`, checks in the kernel's order (kernel-semantics §4.3): vaddr
 * invalid EBUSY, driver attach, aperture conflict EINVAL, reserved conflict EINVAL, empty list
 * EINVAL, MSI isolation EPERM (after the IOVA checks), then domain reuse or a new domain with the
 * existing mappings replayed into it.
 */
export function attachGroup(
  index: PlatformIndex,
  driver: Type1State,
  group: number,
  lockedElsewhere: bigint,
): AttachResult {
  const platform = index.platform;
  const unit = groupUnit(index, group);
  if (!unit)
    return refusal('ENODEV', 'vfio_iommu_type1_attach_group', `group ${group} has no IOMMU unit`);

  if (driver.vaddrInvalidCount !== 0) {
    return refusal(
      'EBUSY',
      'vfio_iommu_type1_attach_group',
      `group ${group} cannot attach while ${driver.vaddrInvalidCount} mapping(s) have an invalidated vaddr (VFIO_DMA_UNMAP_FLAG_VADDR); update them with VFIO_DMA_MAP_FLAG_VADDR first`,
    );
  }

  // Before ~6.6 the core did not refuse require_direct devices at claim time; VT-d instead refused
  // the attach of an RMRR-locked device (`intel_iommu_attach_device`, kernel-semantics §9). Its
  // `device_is_rmrr_locked` walks the firmware's RMRRs only: the ISA bridge range is not one.
  if (kernelOlderThan(platform.kernel.version, '6.6') && unit.kind === 'vtd') {
    const members = index.groups.get(group)?.devices ?? [];
    for (const bdf of members) {
      const rmrr = (index.deviceResv.get(bdf) ?? []).find(
        (r) => r.type === 'direct' && r.source !== 'isa-floppy-wa',
      );
      if (rmrr) {
        return refusal(
          'EPERM',
          'intel_iommu_attach_device',
          `device ${bdf} of group ${group} is ineligible for IOMMU domain attach due to platform RMRR requirement (${formatRange(rmrr)}); kernel ${platform.kernel.version}`,
        );
      }
    }
  }

  // Pre-6.13 VFIO_TYPE1_NESTING_IOMMU: `iommu_enable_nesting` on the freshly allocated domain,
  // before it is attached. Only the SMMU drivers had `enable_nesting`; others answer -EINVAL.
  // SMMUv3 refuses with -EPERM once the domain is finalised, which `domain_alloc_paging` does.
  if (driver.nesting) {
    return unit.kind === 'smmuv3'
      ? refusal(
          'EPERM',
          'arm_smmu_enable_nesting',
          `group ${group}: the ${unit.id} paging domain is already finalised, so nesting cannot be enabled (VFIO_TYPE1_NESTING_IOMMU, kernel ${platform.kernel.version})`,
        )
      : refusal(
          'EINVAL',
          'iommu_enable_nesting',
          `group ${group}: ${unit.id} (${unit.kind}) domains have no enable_nesting op (VFIO_TYPE1_NESTING_IOMMU, kernel ${platform.kernel.version})`,
        );
  }

  const aperture = unit.aperture;
  const conflict = aperConflict(driver.iovaList, driver.dma, aperture);
  if (conflict) {
    if (conflict.kind === 'disjoint') {
      return refusal(
        'EINVAL',
        'vfio_iommu_aper_conflict',
        `group ${group}'s ${unit.id} aperture ${formatRange(aperture)} does not intersect the container's IOVA span ${formatRange(conflict.span)}`,
      );
    }
    return refusal(
      'EINVAL',
      'vfio_iommu_aper_conflict',
      `existing mapping ${formatRange(conflict.mapping)} lies outside group ${group}'s ${unit.id} aperture ${formatRange(aperture)}`,
    );
  }

  const regions = groupRegions(index, group);
  const resv = resvConflict(driver.dma, regions);
  if (resv) {
    return refusal(
      'EINVAL',
      'vfio_iommu_resv_conflict',
      `existing mapping ${formatRange(resv.mapping)} overlaps group ${group}'s ${describeResvType(resv.region.type)} ${formatRange(resv.region)}`,
    );
  }

  const newList = excludeRegions(resizeToAperture(driver.iovaList, aperture), regions);
  if (newList.length === 0) {
    return refusal(
      'EINVAL',
      'vfio_iommu_resv_exclude',
      `no valid IOVA would remain: group ${group}'s reserved regions cover all of ${formatRange(aperture)} ∩ the container's list`,
    );
  }

  const warnings: string[] = [];
  if (!groupHasIsolatedMsi(index, group)) {
    if (!platform.moduleParams['vfio_iommu_type1.allow_unsafe_interrupts']) {
      return refusal(
        'EPERM',
        'vfio_iommu_type1_attach_group',
        `group ${group} has no isolated MSI (no interrupt remapping on ${unit.id}); set vfio_iommu_type1.allow_unsafe_interrupts=1 to allow it`,
      );
    }
    warnings.push(
      `group ${group}: no interrupt remapping support; attached only because vfio_iommu_type1.allow_unsafe_interrupts is set (MSI writes from the device are not isolated)`,
    );
  }

  // The new domain (`iommu_paging_domain_alloc` + `enforce_cache_coherency`), shared rules.
  const fresh = allocPagingDomain(unit);
  const frozenList = Object.freeze(newList.map((r) => Object.freeze(r)));

  // Domain reuse (§4.3 step 12): same ops (same kind) and same coherency, and the driver accepts.
  const refusals: string[] = [];
  for (const d of driver.domains) {
    if (d.driver !== fresh.driver) continue;
    if (d.enforceCacheCoherency !== fresh.enforceCacheCoherency) {
      refusals.push(
        `domain ${d.id} ${d.enforceCacheCoherency ? 'enforces' : 'does not enforce'} cache coherency`,
      );
      continue;
    }
    const why = attachIncompatibility(d, unit, `domain ${d.id}`);
    if (why) {
      refusals.push(why);
      continue;
    }
    const joined: VfioDomain = Object.freeze({ ...d, groups: Object.freeze([...d.groups, group]) });
    return {
      ok: true,
      warnings,
      message: `group ${group} joined domain ${d.id} (${d.iommu})`,
      driver: type1With(driver, {
        domains: Object.freeze(driver.domains.map((x) => (x.id === d.id ? joined : x))),
        iovaList: frozenList,
      }),
    };
  }

  // New domain: replay the existing mappings into it (`vfio_iommu_replay`), in IOVA order. Pages
  // already pinned for an existing IOMMU domain are reused; with no IOMMU domain yet each mapping
  // is pinned first. `iommu_map` then refuses an IOVA or size that is not a multiple of the new
  // domain's smallest page (-EINVAL), and the attach fails with it.
  let dma = driver.dma;
  let locked = driver.lockedBytes;
  const repin = driver.domains.length === 0;
  const minPage = smallestPage(fresh.pgsizeBitmap);
  const repinned: VfioMapping[] = [];
  let extra = 0n;
  for (const m of dma.entries()) {
    if (repin) {
      const pin = pinUserRange(
        platform,
        userVaRange(m.value.vaddr, m.last - m.start + 1n),
        m.value.write,
        lockedElsewhere + extra,
      );
      if (!pin.ok)
        return refusal(
          pin.errno,
          'vfio_iommu_replay',
          `replaying mapping ${formatRange(m)}: ${pin.message}`,
        );
      extra += pin.locked;
      repinned.push({ ...m.value, locked: pin.locked, pfnmap: pin.pfnmap });
    }
    const size = m.last - m.start + 1n;
    if (misalignment(m, minPage)) {
      return refusal(
        'EINVAL',
        'vfio_iommu_replay',
        `replaying mapping ${formatRange(m)} (${formatSize(size)}) into a new domain on ${unit.id} for group ${group}: iommu_map needs the IOVA and size aligned to the domain's smallest page ${formatSize(minPage)} (page sizes ${hex(fresh.pgsizeBitmap)})`,
      );
    }
  }
  if (repin && dma.size > 0) {
    const entries = Array.from(dma.entries());
    dma = dma.edit((draft) => {
      entries.forEach((e, i) =>
        draft.set({
          start: e.start,
          last: e.last,
          value: Object.freeze(repinned[i] as VfioMapping),
        }),
      );
    });
    locked = extra;
  }

  const domain: VfioDomain = Object.freeze({
    ...fresh,
    id: driver.nextDomainId,
    groups: Object.freeze([group]),
  });
  const domains = Object.freeze([...driver.domains, domain]);
  const why = refusals.length > 0 ? ` (${refusals.join('; ')})` : '';
  const replayed =
    driver.dma.size > 0 ? `, ${driver.dma.size} existing mapping(s) replayed into it` : '';
  return {
    ok: true,
    warnings,
    message: `group ${group} attached to new domain ${domain.id} on ${unit.id}${why}${replayed}`,
    driver: type1With(driver, {
      domains,
      nextDomainId: driver.nextDomainId + 1,
      iovaList: frozenList,
      dma,
      lockedBytes: locked,
      pgsizeBitmap: pgsizeOfDomains(domains, platform.kernel.kernelPageSize),
    }),
  };
}

/**
 * `vfio_iommu_type1_detach_group` (§4.5): leave the domain; an emptied domain is freed (with every
 * mapping when it was the only one), the list's ends grow back to the remaining apertures, and the
 * list is rebuilt minus the remaining groups' reserved regions (kept as is if that leaves nothing).
 */
export function detachGroup(
  index: PlatformIndex,
  driver: Type1State,
  group: number,
): { driver: Type1State; note: string } {
  const domain = driver.domains.find((d) => d.groups.includes(group));
  if (!domain) return { driver, note: '' };
  let domains = driver.domains;
  let dma = driver.dma;
  let dmaAvail = driver.dmaAvail;
  let locked = driver.lockedBytes;
  let vaddrInvalid = driver.vaddrInvalidCount;
  let list: readonly Range[] = driver.iovaList;
  let pgsize = driver.pgsizeBitmap;
  let note: string;
  const remaining = domain.groups.filter((g) => g !== group);
  if (remaining.length > 0) {
    domains = domains.map((d) =>
      d.id === domain.id ? Object.freeze({ ...d, groups: Object.freeze(remaining) }) : d,
    );
    note = `group ${group} left domain ${domain.id}`;
  } else {
    if (domains.length === 1) {
      // `vfio_iommu_unmap_unpin_all`: the last IOMMU domain takes every mapping with it.
      dmaAvail += dma.size;
      dma = RangeMap.empty<VfioMapping>();
      locked = 0n;
      vaddrInvalid = 0;
    }
    domains = domains.filter((d) => d.id !== domain.id);
    list = expandToApertures(
      list,
      domains.map((d) => d.aperture),
    );
    pgsize = pgsizeOfDomains(domains, index.platform.kernel.kernelPageSize);
    note = `group ${group} left; domain ${domain.id} freed`;
  }
  const regions = domains.flatMap((d) => d.groups.flatMap((g) => groupRegions(index, g)));
  // `vfio_iommu_resv_refresh` works on a copy; if it fails the original list stays in place.
  const rebuilt = refreshFromRegions(list, regions);
  list = rebuilt ?? driver.iovaList;
  return {
    note,
    driver: type1With(driver, {
      domains: Object.freeze(domains),
      dma,
      dmaAvail,
      lockedBytes: locked,
      vaddrInvalidCount: vaddrInvalid,
      iovaList: Object.freeze(list.map((r) => Object.freeze({ start: r.start, last: r.last }))),
      pgsizeBitmap: pgsize,
    }),
  };
}
