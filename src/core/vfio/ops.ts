import type { ObjectRef } from '../actions.ts';
import { accept, type Applied, refuse, refuseWith } from '../op-result.ts';
import type { OpTable } from '../op-table.ts';
import { VFIO_EXTENSIONS } from '../ops/vfio.ts';
import type { ResultRecord } from '../outcome.ts';
import { kernelOlderThan } from '../platform/defaults.ts';
import { isVfioRegistered, nonViableMembers, requireDirectMembers } from '../iommu/ownership.ts';
import { engineWith, type EngineState, groupHolder, lockedBytes } from '../state.ts';
import { formatRange, formatSize, hex } from '../u64.ts';
import { attachGroup, detachGroup, openType1 } from './attach.ts';
import { mapDma, unmapDma } from './dma.ts';
import { refusal, type Refusal } from '../refusal.ts';
import { lowestFreeId } from '../iommu/ids.ts';
import type { RuleName } from '../rules.ts';
import {
  containerWithDriver,
  type Type1State,
  type VfioContainer,
  type VfioGroupState,
  type VfioState,
  withContainer,
} from './state.ts';
import { withEntry, withoutEntry } from '../frozen-map.ts';

/**
 * VFIO container, group and type1 ops (drivers/vfio/container.c, group.c, vfio_iommu_type1.c),
 * restated from kernel-semantics §3–§4 and Appendix A. Each handler runs the kernel's checks in
 * the kernel's order and returns the very same state object when one fails.
 */

/** VFIO_TYPE1_NESTING_IOMMU, now `__VFIO_RESERVED_TYPE1_NESTING_IOMMU` (opened as plain v2). */
const NESTING_TYPE = 6;

function nestingAdvertised(version: string): boolean {
  return kernelOlderThan(version, '6.13');
}

const GROUP_FLAGS_VIABLE = 1;
const GROUP_FLAGS_CONTAINER_SET = 2;
const IOMMU_INFO_PGSIZES = 1;
const IOMMU_INFO_CAPS = 2;

function vfioWith(state: EngineState, vfio: VfioState): EngineState {
  return engineWith(state, { vfio });
}

/** A container fd: an id `vfio.container_create` returned. Anything else is a bad fd. */
function lookupContainer(state: EngineState, ref: ObjectRef): VfioContainer | undefined {
  return typeof ref === 'number' ? state.vfio.containers.get(ref) : undefined;
}

function badContainer(state: EngineState, ref: ObjectRef, ioctl: RuleName): Applied {
  return refuse(
    state,
    'EBADF',
    ioctl,
    `${String(ref)} is not an open VFIO container fd (create one with vfio.container_create)`,
  );
}

/**
 * Opening /dev/vfio/N. The node exists only for an IOMMU group with a device bound to a VFIO
 * driver whose IOMMU is cache coherent (`vfio_group_find_or_alloc` refuses others), so otherwise
 * open() fails ENOENT. While a device of the group is open through its cdev (bound to iommufd),
 * `vfio_group_fops_open` refuses the group fd with EBUSY.
 */
function openGroup(state: EngineState, group: number): Refusal | undefined {
  const g = state.index.groups.get(group);
  if (!g) {
    return refusal(
      'ENOENT',
      'vfio_group_fops_open',
      `/dev/vfio/${group} does not exist: there is no IOMMU group ${group} on this platform`,
    );
  }
  const unit = state.index.units.get(g.iommu);
  if (unit && !unit.coherent) {
    return refusal(
      'ENOENT',
      'vfio_group_find_or_alloc',
      `/dev/vfio/${group} does not exist: ${g.iommu} lacks IOMMU_CAP_CACHE_COHERENCY, so VFIO never creates a group for its devices`,
    );
  }
  const vfioBound = g.devices.filter((b) => isVfioRegistered(state.index, b));
  if (vfioBound.length === 0) {
    return refusal(
      'ENOENT',
      'vfio_group_find_or_alloc',
      `/dev/vfio/${group} does not exist: no device of group ${group} (${g.devices.join(', ')}) is bound to a VFIO driver`,
    );
  }
  const holder = groupHolder(state, group);
  if (holder?.kind === 'iommufd') {
    return refusal(
      'EBUSY',
      'vfio_group_fops_open',
      `group ${group} is in use through the device cdev of ${holder.devices.join(', ')} (bound to iommufd); its group fd cannot be opened`,
    );
  }
  return undefined;
}

function groupState(state: EngineState, group: number): VfioGroupState {
  return state.vfio.groups.get(group) ?? { container: undefined, openDeviceFds: 0 };
}

function driverName(d: Type1State): string {
  return d.v2 ? 'VFIO_TYPE1v2_IOMMU' : 'VFIO_TYPE1_IOMMU';
}

/** Locked memory of the whole process except this container (iommufd and other containers). */
function lockedOutside(state: EngineState, container: VfioContainer): bigint {
  return lockedBytes(state) - (container.driver?.lockedBytes ?? 0n);
}

function noDriver(state: EngineState, c: VfioContainer, what: string): Applied {
  return refuse(
    state,
    'EINVAL',
    'vfio_fops_unl_ioctl',
    `${what} on container ${c.id}, which has no IOMMU driver yet: set a group into it and call VFIO_SET_IOMMU first`,
  );
}

export const vfioOps: OpTable<'vfio'> = {
  'vfio.container_create': (state) => {
    const id = lowestFreeId(state.vfio.containers);
    const container: VfioContainer = Object.freeze({
      id,
      groups: Object.freeze([]),
      driver: undefined,
    });
    return accept(
      vfioWith(state, withContainer(state.vfio, container)),
      `opened /dev/vfio/vfio as container ${id}`,
      { id },
    );
  },

  'vfio.group_set_container': (state, a) => {
    const open = openGroup(state, a.group);
    if (open) return refuseWith(state, open);
    const c = lookupContainer(state, a.container);
    if (!c) return badContainer(state, a.container, 'vfio_group_ioctl_set_container');
    const gs = groupState(state, a.group);
    if (gs.container !== undefined) {
      return refuse(
        state,
        'EINVAL',
        'vfio_group_ioctl_set_container',
        `group ${a.group} is already set into container ${gs.container}`,
      );
    }
    // `vfio_container_attach_group` → `iommu_group_claim_dma_owner`.
    const blockers = nonViableMembers(state.index, a.group);
    if (blockers.length > 0) {
      const list = blockers.map((d) => `${d.bdf} is bound to ${d.hostDriver ?? '?'}`).join(', ');
      return refuse(
        state,
        'EPERM',
        'iommu_group_claim_dma_owner',
        `group ${a.group} is not viable: ${list} (a kernel DMA-API driver); unbind it or bind it to vfio-pci`,
      );
    }
    const members = state.index.groups.get(a.group)?.devices ?? [];
    if (!kernelOlderThan(state.index.platform.kernel.version, '6.6')) {
      const direct = requireDirectMembers(state.index, members);
      const first = direct[0];
      if (first) {
        return refuse(
          state,
          'EINVAL',
          '__iommu_device_set_domain',
          `device ${first.bdf} of group ${a.group} has a non-relaxable direct-mapped region ${formatRange(first.region)}${first.region.origin ? ` (${first.region.origin})` : ''}: firmware requires a 1:1 mapping, so the group cannot be switched to the blocking domain`,
        );
      }
    }
    let driver = c.driver;
    const warnings: string[] = [];
    let note = '';
    if (driver) {
      const r = attachGroup(state.index, driver, a.group, lockedOutside(state, c));
      if (!r.ok) return refuseWith(state, r);
      driver = r.driver;
      warnings.push(...r.warnings);
      note = `; ${r.message}`;
    }
    const container: VfioContainer = {
      id: c.id,
      groups: Object.freeze([...c.groups, a.group]),
      driver,
    };
    const groups = withEntry(
      state.vfio.groups,
      a.group,
      Object.freeze({ container: c.id, openDeviceFds: 0 }),
    );
    return accept(
      vfioWith(state, withContainer(state.vfio, container, groups)),
      `group ${a.group} set into container ${c.id}${note}`,
      undefined,
      warnings,
    );
  },

  'vfio.group_unset_container': (state, a) => {
    const open = openGroup(state, a.group);
    if (open) return refuseWith(state, open);
    const gs = groupState(state, a.group);
    const c = gs.container !== undefined ? state.vfio.containers.get(gs.container) : undefined;
    if (!c)
      return refuse(
        state,
        'EINVAL',
        'vfio_group_ioctl_unset_container',
        `group ${a.group} is not set into any container`,
      );
    if (gs.openDeviceFds > 0) {
      return refuse(
        state,
        'EBUSY',
        'vfio_group_ioctl_unset_container',
        `group ${a.group} still has ${gs.openDeviceFds} open device fd(s); close them before unsetting the container`,
      );
    }
    const groupsLeft = c.groups.filter((g) => g !== a.group);
    let driver = c.driver;
    let note = '';
    if (driver) {
      if (groupsLeft.length === 0) {
        // `vfio_group_detach_container`: the last group releases the IOMMU driver and all its state.
        const n = driver.dma.size;
        note = `; last group: ${driverName(driver)} released with ${n} mapping(s)${driver.lockedBytes > 0n ? ` and ${formatSize(driver.lockedBytes)} locked` : ''}`;
        driver = undefined;
      } else {
        const d = detachGroup(state.index, driver, a.group);
        driver = d.driver;
        note = `; ${d.note}`;
      }
    }
    const container: VfioContainer = { id: c.id, groups: Object.freeze(groupsLeft), driver };
    const groups = withoutEntry(state.vfio.groups, a.group);
    return accept(
      vfioWith(state, withContainer(state.vfio, container, groups)),
      `group ${a.group} removed from container ${c.id}${note}`,
    );
  },

  'vfio.group_get_status': (state, a) => {
    const open = openGroup(state, a.group);
    if (open) return refuseWith(state, open);
    const gs = groupState(state, a.group);
    const containerSet = gs.container !== undefined;
    const viable = containerSet || nonViableMembers(state.index, a.group).length === 0;
    const flags =
      (viable ? GROUP_FLAGS_VIABLE : 0) | (containerSet ? GROUP_FLAGS_CONTAINER_SET : 0);
    return accept(
      state,
      `group ${a.group}: ${viable ? 'viable' : 'not viable'}${containerSet ? `, set into container ${gs.container}` : ', no container'}`,
      { flags, viable, container_set: containerSet },
    );
  },

  'vfio.group_get_device_fd': (state, a) => {
    const open = openGroup(state, a.group);
    if (open) return refuseWith(state, open);
    const members = state.index.groups.get(a.group)?.devices ?? [];
    if (!members.includes(a.device) || !isVfioRegistered(state.index, a.device)) {
      const why = members.includes(a.device)
        ? `is bound to ${state.index.devices.get(a.device)?.hostDriver ?? '?'}, not to a VFIO driver`
        : 'is not a member of it';
      return refuse(
        state,
        'ENODEV',
        'vfio_device_get_from_name',
        `group ${a.group} has no VFIO device ${a.device}: it ${why}`,
      );
    }
    const gs = groupState(state, a.group);
    const c = gs.container !== undefined ? state.vfio.containers.get(gs.container) : undefined;
    if (!c)
      return refuse(
        state,
        'EINVAL',
        'vfio_df_group_open',
        `group ${a.group} is not set into a container`,
      );
    if (!c.driver) {
      return refuse(
        state,
        'EINVAL',
        'vfio_group_use_container',
        `container ${c.id} of group ${a.group} has no IOMMU driver: call VFIO_SET_IOMMU first`,
      );
    }
    const id = lowestFreeId(state.vfio.deviceFds);
    const vfio: VfioState = Object.freeze({
      ...state.vfio,
      deviceFds: withEntry(
        state.vfio.deviceFds,
        id,
        Object.freeze({ id, group: a.group, device: a.device }),
      ),
      groups: withEntry(
        state.vfio.groups,
        a.group,
        Object.freeze({ ...gs, openDeviceFds: gs.openDeviceFds + 1 }),
      ),
    });
    return accept(
      vfioWith(state, vfio),
      `opened device ${a.device} of group ${a.group} as fd ${id}`,
      { id },
    );
  },

  'vfio.device_close': (state, a) => {
    const fd = typeof a.fd === 'number' ? state.vfio.deviceFds.get(a.fd) : undefined;
    if (!fd)
      return refuse(
        state,
        'EBADF',
        'vfio_device_fops_release',
        `${String(a.fd)} is not an open VFIO device fd`,
      );
    const gs = groupState(state, fd.group);
    const vfio: VfioState = Object.freeze({
      ...state.vfio,
      deviceFds: withoutEntry(state.vfio.deviceFds, fd.id),
      groups: withEntry(
        state.vfio.groups,
        fd.group,
        Object.freeze({ ...gs, openDeviceFds: Math.max(0, gs.openDeviceFds - 1) }),
      ),
    });
    return accept(vfioWith(state, vfio), `closed device fd ${fd.id} (${fd.device})`);
  },

  'vfio.set_iommu': (state, a) => {
    const c = lookupContainer(state, a.container);
    if (!c) return badContainer(state, a.container, 'vfio_ioctl_set_iommu');
    if (c.groups.length === 0) {
      return refuse(
        state,
        'EINVAL',
        'vfio_ioctl_set_iommu',
        `container ${c.id} has no group: set a group into it before VFIO_SET_IOMMU`,
      );
    }
    if (c.driver) {
      return refuse(
        state,
        'EINVAL',
        'vfio_ioctl_set_iommu',
        `container ${c.id} already has an IOMMU driver (${driverName(c.driver)})`,
      );
    }
    const type =
      typeof a.type === 'number'
        ? a.type
        : a.type === 'type1'
          ? 1
          : a.type === 'type1v2'
            ? 3
            : (VFIO_EXTENSIONS[a.type] ?? -1);
    // `vfio_ioctl_set_iommu` asks each driver `CHECK_EXTENSION(type)` with NULL data and opens the
    // first that answers > 0; only type1 is registered in the model.
    const version = state.index.platform.kernel.version;
    if (type1CheckExtension(undefined, type, version) <= 0) {
      return refuse(
        state,
        'ENODEV',
        'vfio_ioctl_set_iommu',
        `no IOMMU driver accepts type ${String(a.type)} (type1 accepts 1 = VFIO_TYPE1_IOMMU and 3 = VFIO_TYPE1v2_IOMMU)`,
      );
    }
    // `vfio_iommu_type1_open` only knows the IOMMU types; an extension number that CHECK_EXTENSION
    // merely advertises (VFIO_UNMAP_ALL = 9) makes open() fail with -EINVAL, which SET_IOMMU returns.
    if (type !== 1 && type !== 3 && type !== NESTING_TYPE) {
      return refuse(
        state,
        'EINVAL',
        'vfio_iommu_type1_open',
        `type ${String(a.type)} is an extension type1 advertises, not an IOMMU type it can open (use 1 = VFIO_TYPE1_IOMMU or 3 = VFIO_TYPE1v2_IOMMU)`,
      );
    }
    // `__vfio_container_attach_groups`: every group already in the container, newest first.
    let driver = openType1(state.index, type !== 1, type === NESTING_TYPE);
    const warnings: string[] = [];
    const notes: string[] = [];
    for (const g of [...c.groups].reverse()) {
      const r = attachGroup(state.index, driver, g, lockedOutside(state, c));
      if (!r.ok)
        return refuse(
          state,
          r.errno,
          r.rule,
          `${r.message}; container ${c.id} keeps no IOMMU driver`,
        );
      driver = r.driver;
      warnings.push(...r.warnings);
      notes.push(r.message);
    }
    const container: VfioContainer = { id: c.id, groups: c.groups, driver };
    return accept(
      vfioWith(state, withContainer(state.vfio, container)),
      `container ${c.id} uses ${driverName(driver)}: ${notes.join('; ')}`,
      undefined,
      warnings,
    );
  },

  'vfio.map_dma': (state, a) => {
    const c = lookupContainer(state, a.container);
    if (!c) return badContainer(state, a.container, 'vfio_fops_unl_ioctl');
    if (!c.driver) return noDriver(state, c, 'VFIO_IOMMU_MAP_DMA');
    const r = mapDma(state.index, c, c.driver, a, lockedBytes(state));
    if (!r.ok) return refuseWith(state, r);
    const container = containerWithDriver(c, r.driver);
    return accept(vfioWith(state, withContainer(state.vfio, container)), r.message);
  },

  'vfio.unmap_dma': (state, a) => {
    const c = lookupContainer(state, a.container);
    if (!c) return badContainer(state, a.container, 'vfio_fops_unl_ioctl');
    if (!c.driver) return noDriver(state, c, 'VFIO_IOMMU_UNMAP_DMA');
    const r = unmapDma(state.index, c, c.driver, a);
    if (!r.ok) return refuseWith(state, r);
    const container = containerWithDriver(c, r.driver);
    return accept(vfioWith(state, withContainer(state.vfio, container)), r.message, {
      size: r.size ?? 0n,
    });
  },

  'vfio.get_info': (state, a) => {
    const c = lookupContainer(state, a.container);
    if (!c) return badContainer(state, a.container, 'vfio_fops_unl_ioctl');
    const d = c.driver;
    if (!d) return noDriver(state, c, 'VFIO_IOMMU_GET_INFO');
    // The migration and DMA_AVAIL capabilities are always present, so CAPS is always set.
    const result: ResultRecord = {
      flags: IOMMU_INFO_PGSIZES | IOMMU_INFO_CAPS,
      iova_pgsizes: d.pgsizeBitmap,
      dma_avail: d.dmaAvail,
      iova_ranges: d.iovaList.map((r) => ({ start: r.start, last: r.last })),
    };
    return accept(
      state,
      `container ${c.id}: iova_pgsizes ${hex(d.pgsizeBitmap)}, dma_avail ${d.dmaAvail}, ${d.iovaList.length} valid range(s): ${d.iovaList.map(formatRange).join(', ')}`,
      result,
    );
  },

  'vfio.check_extension': (state, a) => {
    const c = lookupContainer(state, a.container);
    if (!c) return badContainer(state, a.container, 'vfio_fops_unl_ioctl');
    const ext =
      typeof a.extension === 'number'
        ? a.extension
        : (VFIO_EXTENSIONS[a.extension] ?? parseRaw(a.extension));
    const value = type1CheckExtension(c.driver, ext, state.index.platform.kernel.version);
    const how = c.driver
      ? `${driverName(c.driver)} of container ${c.id}`
      : 'the registered drivers (no driver set, NULL iommu data)';
    return accept(state, `${String(a.extension)} (${ext}) → ${value}, answered by ${how}`, {
      value,
    });
  },
};

function parseRaw(text: string): number {
  const t = text.trim();
  return /^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t) ? Number(t) : -1;
}

/**
 * `vfio_iommu_type1_check_extension` (with NULL data when no driver is set yet; the noiommu driver
 * is not loaded in the model). DMA_CC is 1 only when every domain enforces cache coherency.
 */
function type1CheckExtension(driver: Type1State | undefined, ext: number, version: string): number {
  switch (ext) {
    case 1:
    case 3:
    case 9:
      return 1;
    case NESTING_TYPE:
      // VFIO_TYPE1_NESTING_IOMMU was advertised until 35890f85573c (v6.13) reserved the number.
      return nestingAdvertised(version) ? 1 : 0;
    case 10:
      return driver ? 1 : 0;
    case 4:
      if (!driver) return 0;
      return driver.domains.every((d) => d.enforceCacheCoherency) ? 1 : 0;
    default:
      return 0;
  }
}
