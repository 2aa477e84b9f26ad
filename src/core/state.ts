import { EMPTY_IOMMUFD_STATE, type IommufdState } from './iommufd/state.ts';
import { normalizePlatform, type PlatformInput } from './platform/normalize.ts';
import { indexPlatform, type PlatformIndex } from './platform/platform-index.ts';
import type { Platform } from './platform/types.ts';
import type { Changes } from './frozen-map.ts';
import { EMPTY_VFIO_STATE, type VfioState } from './vfio/state.ts';

/**
 * The whole engine state: the platform (fixed for a scenario) and the two uAPI models on it.
 * Immutable: every op returns a new state sharing all it did not change; a failed op returns the
 * very same object.
 */
export interface EngineState {
  readonly index: PlatformIndex;
  readonly vfio: VfioState;
  readonly iommufd: IommufdState;
}

/** `state` with `change` applied, field by field (see `Changes`). */
export function engineWith(state: EngineState, change: Changes<EngineState>): EngineState {
  const next: EngineState = {
    index: change.index ?? state.index,
    vfio: change.vfio ?? state.vfio,
    iommufd: change.iommufd ?? state.iommufd,
  };
  return Object.freeze(next);
}

export function createState(platform: Platform | PlatformInput): EngineState {
  const normalized = isPlatform(platform) ? platform : normalizePlatform(platform);
  return Object.freeze({
    index: indexPlatform(normalized),
    vfio: EMPTY_VFIO_STATE,
    iommufd: EMPTY_IOMMUFD_STATE,
  });
}

function isPlatform(p: Platform | PlatformInput): p is Platform {
  return (
    Object.isFrozen(p) &&
    (p as Platform).process !== undefined &&
    (p as Platform).kernel?.version !== undefined
  );
}

export function platformOf(state: EngineState): Platform {
  return state.index.platform;
}

/** Who holds a group's DMA ownership, across VFIO containers and iommufd (kernel-semantics §3.1, §5.9). */
export type GroupHolder =
  | { readonly kind: 'vfio-container'; readonly container: number }
  | { readonly kind: 'iommufd'; readonly devices: readonly string[] }
  | undefined;

export function groupHolder(state: EngineState, group: number): GroupHolder {
  const container = state.vfio.groups.get(group)?.container;
  if (container !== undefined) return { kind: 'vfio-container', container };
  const members = state.index.groups.get(group)?.devices ?? [];
  const bound = members.filter((b) => state.iommufd.boundDevices.has(b));
  if (bound.length > 0) return { kind: 'iommufd', devices: bound };
  return undefined;
}

/** Bytes charged to RLIMIT_MEMLOCK by the whole process (VFIO containers and iommufd alike). */
export function lockedBytes(state: EngineState): bigint {
  return state.vfio.lockedBytes + state.iommufd.lockedBytes;
}
