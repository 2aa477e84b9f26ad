import type { Changes } from '../frozen-map.ts';
import type { PagingDomain } from '../iommu/domain.ts';
import { BTree } from '../ranges/btree.ts';
import { RangeMap } from '../ranges/range-map.ts';
import type { ResvType } from '../platform/types.ts';
import type { Range, U64, UserVa } from '../u64.ts';
import type { MappingValue } from '../view-types.ts';

/**
 * iommufd state: the objects of one iommufd context (`struct iommufd_ctx`), by id. The iommufd
 * module owns this file; other modules read only the shared fields `boundDevices` (bdf of every
 * bound device, used for group ownership) and `lockedBytes`.
 *
 * Every value is frozen and replaced, never mutated: an op builds the next state from copies and
 * returns the very same object when it fails (except the non-atomic unmap, kernel-semantics §5.5).
 */

/** An IOAS area (`struct iopt_area`): a slice of a pinned-pages object placed at an IOVA. */
export interface IoasArea extends MappingValue {
  /**
   * The `iopt_pages` the area takes its pages from: its own while no other area uses them (what
   * IOAS_MAP makes), or the id of a shared pages object in `IommufdState.pages` (IOAS_COPY
   * shares them). Own pages are pinned exactly while the area's IOAS has a domain, so they need
   * no use counts and no entry of their own: a map or unmap updates one tree, not two.
   */
  readonly pages: number | OwnPages;
}

/** The pages of one area only (`iopt_pages` with one user). */
export interface OwnPages {
  /** User VA of the first byte and the length in bytes. */
  readonly va: UserVa;
  readonly length: U64;
  readonly writable: boolean;
  /** Bytes charged to RLIMIT_MEMLOCK while pinned (whole pages, PAGE_SIZE units). */
  readonly chargeBytes: U64;
}

/** Who holds a reservation in an IOAS's `reserved_itree` (the `owner` pointer in the kernel). */
export type ReservationOwner =
  | { readonly kind: 'domain'; readonly hwpt: number }
  | { readonly kind: 'device'; readonly dev: number; readonly bdf: string }
  | { readonly kind: 'test' };

export interface Reservation extends Range {
  readonly owner: ReservationOwner;
  /** The reserved-region type for device regions; `aperture` for a domain; `test` for the selftest op. */
  readonly type: ResvType | 'aperture' | 'test';
  readonly origin?: string;
}

export interface IoasObject {
  readonly kind: 'ioas';
  readonly id: number;
  /** `area_itree`: user mappings, never overlapping. */
  readonly areas: RangeMap<IoasArea>;
  /** `reserved_itree`: may overlap each other; small, kept sorted by (start, owner). */
  readonly reserved: readonly Reservation[];
  /** `allowed_itree` (IOMMU_IOAS_ALLOW_IOVAS), sorted, non-overlapping; empty = no restriction. */
  readonly allowed: readonly Range[];
  /** `iova_alignment`: 1 for a fresh IOAS (`iopt_init_table`). */
  readonly iovaAlignment: U64;
  /** IOMMU_OPTION_HUGE_PAGES = 0 (`disable_large_pages`). */
  readonly disableLargePages: boolean;
  /** Paging HWPTs whose domain is in this IOAS (`ioas->hwpt_list`), in list order. */
  readonly hwpts: readonly number[];
}

/** A paging HWPT: the iommufd object holding one IOMMU paging domain. */
export interface HwptObject extends PagingDomain {
  readonly kind: 'hwpt';
  readonly id: number;
  readonly ioas: number;
  /** Created by attach-to-IOAS (`auto_domain`); destroyed with its last device. */
  readonly auto: boolean;
  readonly nestParent: boolean;
  /** Attached device ids, in attach order. */
  readonly devices: readonly number[];
}

export interface DeviceObject {
  readonly kind: 'device';
  readonly id: number;
  readonly bdf: string;
  readonly group: number;
  /** The HWPT the device is attached to. */
  readonly hwpt: number | undefined;
}

export type IommufdObject = IoasObject | HwptObject | DeviceObject;

/**
 * An `iopt_pages` shared by several areas (the user memory behind one IOAS_MAP, once IOAS_COPY
 * shared it), by id in `IommufdState.pages`.
 */
export interface PagesObject extends OwnPages {
  readonly id: number;
  /** Areas referencing these pages. */
  readonly users: number;
  /** Areas referencing these pages that live in an IOAS with at least one domain (pinned). */
  readonly pinnedUsers: number;
}

export interface IommufdState {
  /** bdf -> device object id, for every device bound with VFIO_DEVICE_BIND_IOMMUFD. */
  readonly boundDevices: ReadonlyMap<string, number>;
  /** Bytes pinned and charged to the process's locked_vm by iommufd (shared field). */
  readonly lockedBytes: bigint;
  /** `ictx->objects`: every IOAS, HWPT and device by id. */
  readonly objects: ReadonlyMap<number, IommufdObject>;
  /**
   * Shared pages objects (IOAS_COPY) by internal id, on a copy-on-write B+ tree (O(1) clone) so
   * an op never copies one entry per mapping. Treat as read-only: ops clone it before changing it.
   * `lockedBytes` counts these while pinned and every area's own pages while its IOAS has a domain.
   */
  readonly pages: BTree<number, PagesObject>;
  /** Internal id source for pages objects (never shown to userspace). */
  readonly nextPagesId: number;
  /** `igroup->hwpt`: the HWPT each iommu_group with attached devices is attached to. */
  readonly groupHwpt: ReadonlyMap<number, number>;
  /** IOMMU_OPTION_RLIMIT_MODE: charge the user (0, default) or the mm (1). */
  readonly accountMode: 'user' | 'mm';
}

export const EMPTY_IOMMUFD_STATE: IommufdState = Object.freeze({
  boundDevices: new Map(),
  lockedBytes: 0n,
  objects: new Map(),
  pages: new BTree<number, PagesObject>(),
  nextPagesId: 1,
  groupHwpt: new Map(),
  accountMode: 'user',
});

export function emptyIoas(id: number): IoasObject {
  return Object.freeze({
    kind: 'ioas',
    id,
    areas: RangeMap.empty<IoasArea>(),
    reserved: Object.freeze([]),
    allowed: Object.freeze([]),
    iovaAlignment: 1n,
    disableLargePages: false,
    hwpts: Object.freeze([]),
  });
}

export function ownerKey(o: ReservationOwner): string {
  switch (o.kind) {
    case 'domain':
      return `hwpt:${o.hwpt}`;
    case 'device':
      return `dev:${o.dev}`;
    case 'test':
      return 'test';
  }
}

export function sameOwner(a: ReservationOwner, b: ReservationOwner): boolean {
  return ownerKey(a) === ownerKey(b);
}

export function describeOwner(o: ReservationOwner): string {
  switch (o.kind) {
    case 'domain':
      return `hwpt ${o.hwpt} aperture`;
    case 'device':
      return `device ${o.bdf}`;
    case 'test':
      return 'selftest';
  }
}

/** Inserts keeping the (start, owner) order; returns a new frozen array. */
export function insertReservation(
  list: readonly Reservation[],
  r: Reservation,
): readonly Reservation[] {
  const out = [...list, Object.freeze({ ...r })];
  out.sort((a, b) =>
    a.start < b.start
      ? -1
      : a.start > b.start
        ? 1
        : ownerKey(a.owner).localeCompare(ownerKey(b.owner)),
  );
  return Object.freeze(out);
}

/** `s` with `change` applied, field by field (see `Changes`). */
export function iommufdWith(s: IommufdState, change: Changes<IommufdState>): IommufdState {
  const next: IommufdState = {
    boundDevices: change.boundDevices ?? s.boundDevices,
    lockedBytes: change.lockedBytes ?? s.lockedBytes,
    objects: change.objects ?? s.objects,
    pages: change.pages ?? s.pages,
    nextPagesId: change.nextPagesId ?? s.nextPagesId,
    groupHwpt: change.groupHwpt ?? s.groupHwpt,
    accountMode: change.accountMode ?? s.accountMode,
  };
  return Object.freeze(next);
}

/** `ioas` with `change` applied, field by field (see `Changes`); frozen by `withObjects`. */
export function ioasWith(ioas: IoasObject, change: Changes<IoasObject>): IoasObject {
  return {
    kind: 'ioas',
    id: ioas.id,
    areas: change.areas ?? ioas.areas,
    reserved: change.reserved ?? ioas.reserved,
    allowed: change.allowed ?? ioas.allowed,
    iovaAlignment: change.iovaAlignment ?? ioas.iovaAlignment,
    disableLargePages: change.disableLargePages ?? ioas.disableLargePages,
    hwpts: change.hwpts ?? ioas.hwpts,
  };
}
