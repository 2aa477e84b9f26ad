import type { BTree } from '../ranges/btree.ts';
import { checkUserVa, describeVaHole } from '../platform/user-memory.ts';
import type { IommuUnit } from '../platform/types.ts';
import { lockedBytes as processLockedBytes, type EngineState } from '../state.ts';
import {
  alignDown,
  alignUp,
  formatRange,
  formatSize,
  hex,
  U64_MAX,
  userVaRange,
  type U64,
  type UserVa,
} from '../u64.ts';
import {
  checkAreasAligned,
  computeAlignment,
  removeReservedOwner,
  reserveIova,
  type AllocParams,
} from './iopt.ts';
import { lowestFreeId } from '../iommu/ids.ts';
import type { RuleName } from '../rules.ts';
import { isRefusal, refusal, type Refusal } from '../refusal.ts';
import { smallestPage } from '../iommu/pgsize.ts';
import {
  type DeviceObject,
  type HwptObject,
  type IoasArea,
  type IoasObject,
  type IommufdObject,
  type IommufdState,
  type PagesObject,
} from './state.ts';

/**
 * A private working copy of the iommufd state for one op. Handlers change the copy freely and
 * either `commit()` it into a new frozen EngineState or drop it (the failed op then returns the
 * original state object untouched). Object values stay frozen; the maps are fresh copies.
 */
export class Txn {
  readonly objects: Map<number, IommufdObject>;
  readonly pages: BTree<number, PagesObject>;
  readonly boundDevices: Map<string, number>;
  readonly groupHwpt: Map<number, number>;
  lockedBytes: bigint;
  nextPagesId: number;
  accountMode: 'user' | 'mm';
  /** Pages objects that became pinned in this op (checked for EFAULT / ENOMEM before commit). */
  private readonly newlyPinned = new Set<number>();

  constructor(readonly base: EngineState) {
    const s = base.iommufd;
    this.objects = new Map(s.objects);
    this.pages = s.pages.clone();
    this.boundDevices = new Map(s.boundDevices);
    this.groupHwpt = new Map(s.groupHwpt);
    this.lockedBytes = s.lockedBytes;
    this.nextPagesId = s.nextPagesId;
    this.accountMode = s.accountMode;
  }

  get pageSize(): U64 {
    return this.base.index.platform.kernel.kernelPageSize;
  }

  get allocParams(): AllocParams {
    const k = this.base.index.platform.kernel;
    return {
      pageSize: k.kernelPageSize,
      maxAlignment: k.CONFIG_TRANSPARENT_HUGEPAGE ? k.HPAGE_SIZE : k.kernelPageSize,
    };
  }

  ioas(id: number | undefined): IoasObject | undefined {
    const o = id === undefined ? undefined : this.objects.get(id);
    return o?.kind === 'ioas' ? o : undefined;
  }

  hwpt(id: number | undefined): HwptObject | undefined {
    const o = id === undefined ? undefined : this.objects.get(id);
    return o?.kind === 'hwpt' ? o : undefined;
  }

  device(id: number | undefined): DeviceObject | undefined {
    const o = id === undefined ? undefined : this.objects.get(id);
    return o?.kind === 'device' ? o : undefined;
  }

  put(o: IommufdObject): void {
    this.objects.set(o.id, Object.freeze(o));
  }

  newId(): number {
    return lowestFreeId(this.objects);
  }

  unitOf(bdf: string): IommuUnit | undefined {
    const dev = this.base.index.devices.get(bdf);
    return dev?.iommu !== undefined ? this.base.index.units.get(dev.iommu) : undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Pages and pinning (pages.c: iopt_alloc_pages, iopt_area_fill_domains, incr_user_locked_vm)

  newPages(va: UserVa, length: U64, writable: boolean): number {
    const id = this.nextPagesId++;
    const first = alignDown(va, this.pageSize);
    const end = alignUp(va + length, this.pageSize);
    this.pages.set(
      id,
      Object.freeze({
        id,
        va,
        length,
        writable,
        users: 0,
        pinnedUsers: 0,
        chargeBytes: end - first,
      }),
    );
    return id;
  }

  private bumpPages(id: number, users: number, pinned: number): void {
    const p = this.pages.get(id);
    if (!p) throw new Error(`iommufd model: pages ${id} missing`);
    const next = { ...p, users: p.users + users, pinnedUsers: p.pinnedUsers + pinned };
    if (p.pinnedUsers === 0 && next.pinnedUsers > 0) {
      this.lockedBytes += p.chargeBytes;
      this.newlyPinned.add(id);
    } else if (p.pinnedUsers > 0 && next.pinnedUsers === 0) {
      this.lockedBytes -= p.chargeBytes;
      this.newlyPinned.delete(id);
    }
    if (next.users === 0) this.pages.delete(id);
    else this.pages.set(id, Object.freeze(next));
  }

  /** Inserts an area; its pages are pinned when the IOAS has a domain. */
  addArea(ioas: IoasObject, start: U64, last: U64, value: IoasArea): IoasObject {
    this.bumpPages(value.pages, 1, ioas.hwpts.length > 0 ? 1 : 0);
    const next = Object.freeze({
      ...ioas,
      areas: ioas.areas.with({ start, last, value: Object.freeze({ ...value }) }),
    });
    this.put(next);
    return next;
  }

  /** Removes the area starting at `start`, unpinning and releasing its pages. */
  removeArea(ioas: IoasObject, start: U64): IoasObject {
    const a = ioas.areas.at(start);
    if (!a) return ioas;
    this.bumpPages(a.value.pages, -1, ioas.hwpts.length > 0 ? -1 : 0);
    const next = Object.freeze({ ...ioas, areas: ioas.areas.without(start) });
    this.put(next);
    return next;
  }

  /** Pins (or unpins) every area of an IOAS when it gains its first / loses its last domain. */
  private pinAll(ioas: IoasObject, delta: 1 | -1): void {
    for (const a of ioas.areas.entries()) this.bumpPages(a.value.pages, 0, delta);
  }

  /**
   * What pinning the new pages costs: EFAULT when the user memory cannot be pinned (nothing
   * mapped, a PFNMAP'd BAR, read-only memory pinned for write), ENOMEM when RLIMIT_MEMLOCK is
   * exceeded (`iopt_pages_update_pinned` → `incr_user_locked_vm`).
   */
  checkPins(rule: RuleName): Refusal | undefined {
    const platform = this.base.index.platform;
    for (const id of [...this.newlyPinned].sort((a, b) => a - b)) {
      const p = this.pages.get(id);
      if (!p) continue;
      const range = userVaRange(p.va, p.length);
      const va = checkUserVa(platform, range);
      if (!va.ok) {
        return refusal(
          'EFAULT',
          'pin_user_pages',
          `cannot pin user memory ${formatRange(range)}: ${describeVaHole(va.hole)}`,
        );
      }
      if (va.kind === 'pfnmap') {
        const names = va.pieces
          .filter((x) => x.kind === 'pfnmap')
          .map((x) => x.name ?? formatRange(x));
        return refusal(
          'EFAULT',
          'pin_user_pages',
          `cannot pin user memory ${formatRange(range)}: it is a VM_PFNMAP mapping (${names.join(', ')}, e.g. an mmap'd PCI BAR); pin_user_pages refuses PFNMAP VMAs`,
        );
      }
      if (va.kind === 'readonly' && p.writable) {
        return refusal(
          'EFAULT',
          'pin_user_pages',
          `cannot pin user memory ${formatRange(range)} for write (WRITEABLE): the process maps it read-only`,
        );
      }
    }
    const limit = platform.process.memlockLimit;
    if (limit !== undefined && this.lockedBytes > this.base.iommufd.lockedBytes) {
      const total = this.base.vfio.lockedBytes + this.lockedBytes;
      if (total > limit) {
        return refusal(
          'ENOMEM',
          rule,
          `pinning ${formatSize(this.lockedBytes - this.base.iommufd.lockedBytes)} more would make the process's locked memory ` +
            `${formatSize(total)} (${hex(total)} bytes, already ${hex(processLockedBytes(this.base))}), above RLIMIT_MEMLOCK ${hex(limit)}`,
        );
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Domains in an IOAS (io_pagetable.c: iopt_table_add_domain, iopt_table_remove_domain)

  /** `iopt_table_add_domain`: alignment raise, aperture reservations, fill (pin). */
  addDomain(ioasId: number, hwpt: HwptObject): Refusal | undefined {
    const ioas = this.ioas(ioasId);
    if (!ioas) throw new Error(`iommufd model: IOAS ${ioasId} missing`);
    const minPage = smallestPage(hwpt.pgsizeBitmap);
    const newAlign = minPage > ioas.iovaAlignment ? minPage : ioas.iovaAlignment;
    if (newAlign > this.pageSize) {
      return refusal(
        'EINVAL',
        'iopt_table_add_domain',
        `hwpt ${hwpt.id}'s smallest IO page ${hex(minPage)} would make IOAS ${ioas.id}'s iova_alignment ${hex(newAlign)}, larger than PAGE_SIZE ${hex(this.pageSize)}`,
      );
    }
    if (newAlign !== ioas.iovaAlignment) {
      const e = checkAreasAligned(
        ioas,
        newAlign,
        this.pageSize,
        'iopt_check_iova_alignment',
        `adding hwpt ${hwpt.id} (${hwpt.iommu})`,
      );
      if (e) return e;
    }
    let next: IoasObject | Refusal = ioas;
    const owner = { kind: 'domain', hwpt: hwpt.id } as const;
    if (hwpt.aperture.start !== 0n) {
      next = reserveIova(
        next,
        { start: 0n, last: hwpt.aperture.start - 1n },
        owner,
        'aperture',
        `below ${hwpt.iommu}'s aperture`,
        'iopt_table_add_domain',
      );
      if (isRefusal(next)) return next;
    }
    if (hwpt.aperture.last !== U64_MAX) {
      next = reserveIova(
        next,
        { start: hwpt.aperture.last + 1n, last: U64_MAX },
        owner,
        'aperture',
        `above ${hwpt.iommu}'s aperture`,
        'iopt_table_add_domain',
      );
      if (isRefusal(next)) return next;
    }
    const final = Object.freeze({
      ...next,
      iovaAlignment: newAlign,
      hwpts: Object.freeze([...ioas.hwpts, hwpt.id]),
    });
    this.put(final);
    if (ioas.hwpts.length === 0) this.pinAll(final, 1);
    return undefined;
  }

  /** `iopt_table_remove_domain`: drops the aperture reservations, recomputes alignment, unpins with the last domain. */
  removeDomain(ioasId: number, hwptId: number): void {
    const ioas = this.ioas(ioasId);
    if (!ioas) return;
    const hwpts = ioas.hwpts.filter((h) => h !== hwptId);
    const stripped = removeReservedOwner(ioas, { kind: 'domain', hwpt: hwptId });
    const pgsizes = hwpts.map((h) => this.hwpt(h)?.pgsizeBitmap ?? 1n);
    const align = computeAlignment(ioas.disableLargePages, pgsizes, this.pageSize);
    const next = Object.freeze({ ...stripped, hwpts: Object.freeze(hwpts), iovaAlignment: align });
    this.put(next);
    if (hwpts.length === 0 && ioas.hwpts.length > 0) this.pinAll(next, -1);
  }

  commit(): EngineState {
    const iommufd: IommufdState = Object.freeze({
      boundDevices: this.boundDevices,
      lockedBytes: this.lockedBytes,
      objects: this.objects,
      pages: this.pages,
      nextPagesId: this.nextPagesId,
      groupHwpt: this.groupHwpt,
      accountMode: this.accountMode,
    });
    return Object.freeze({ ...this.base, iommufd });
  }
}
