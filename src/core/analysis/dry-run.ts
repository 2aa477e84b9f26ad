import type { Action } from '../actions.ts';
import { apply, createState, type EngineState } from '../engine.ts';
import type { Outcome } from '../outcome.ts';
import { canonicalBdf } from '../platform/bdf.ts';
import { normalizePlatform, type PlatformInput } from '../platform/normalize.ts';
import { indexPlatform } from '../platform/platform-index.ts';
import { isDmaApiDriver } from '../iommu/ownership.ts';

/**
 * Dry runs through the engine: the analysis never restates a kernel rule, it asks the model
 * (`engine.apply`) what the kernel would answer. A "what-if assignment" binds the non-bridge
 * members of the chosen groups to vfio-pci (what a user does before starting the VM), opens a
 * type1v2 container with those groups, and then tries the guest's MAP_DMA calls.
 */

export interface AssignmentOptions {
  /** Bind DMA-API-driven members to vfio-pci first (default true). */
  rebind?: boolean;
  /** Allow unsafe interrupts, so MSI isolation (reported on its own) does not hide the rest. */
  allowUnsafeInterrupts?: boolean;
}

export interface Assignment {
  state: EngineState;
  container: number | undefined;
  /** Groups that made it into the container. */
  attached: number[];
  /** Groups the engine refused, with its outcome. */
  refused: Array<{ group: number; outcome: Outcome & { ok: false } }>;
  /** VFIO_SET_IOMMU's outcome. */
  setIommu: Outcome | undefined;
}

const BRIDGE_TYPES = new Set(['root_port', 'upstream', 'downstream', 'pcie_to_pci_bridge']);

/**
 * The devices of `groups`, by canonical BDF. Groups come from the model (`deriveGroups`, i.e.
 * the kernel's `pci_device_group`), not from `device.group`: a scenario usually leaves it out.
 */
function membersOf(input: PlatformInput, groups: readonly number[]): Set<string> {
  let index;
  try {
    index = indexPlatform(normalizePlatform(input));
  } catch {
    return new Set();
  }
  return new Set(groups.flatMap((g) => [...(index.groups.get(g)?.devices ?? [])]));
}

export function whatIfPlatform(
  input: PlatformInput,
  groups: readonly number[],
  opts: AssignmentOptions = {},
): PlatformInput {
  const set = new Set(groups);
  const rebind = opts.rebind ?? true;
  const members = rebind ? membersOf(input, groups) : new Set<string>();
  const inGroups = (d: NonNullable<PlatformInput['devices']>[number]) =>
    members.has(canonicalBdf(d.bdf)) || (d.group !== undefined && set.has(d.group));
  return {
    ...input,
    moduleParams: {
      ...input.moduleParams,
      ...(opts.allowUnsafeInterrupts
        ? {
            'vfio_iommu_type1.allow_unsafe_interrupts': true,
            'iommufd.allow_unsafe_interrupts': true,
          }
        : {}),
    },
    devices: (input.devices ?? []).map((d) =>
      rebind &&
      inGroups(d) &&
      !BRIDGE_TYPES.has(d.pcieType ?? '') &&
      !d.class?.startsWith('0x0604') &&
      (isDmaApiDriver(d.hostDriver) || d.hostDriver === undefined || d.hostDriver === null)
        ? { ...d, hostDriver: 'vfio-pci' }
        : d,
    ),
  };
}

function step(state: EngineState, action: Action): { state: EngineState; outcome: Outcome } {
  return apply(state, action);
}

/** Opens a container and sets each group into it, then VFIO_SET_IOMMU(type1v2). */
export function assign(
  input: PlatformInput,
  groups: readonly number[],
  opts: AssignmentOptions = {},
): Assignment {
  let state = createState(normalizePlatform(whatIfPlatform(input, groups, opts)));
  const created = step(state, { op: 'vfio.container_create' });
  state = created.state;
  const id = created.outcome.ok ? created.outcome.result?.['id'] : undefined;
  const container = typeof id === 'number' ? id : undefined;
  const attached: number[] = [];
  const refused: Assignment['refused'] = [];
  if (container === undefined) return { state, container, attached, refused, setIommu: undefined };
  let setIommu: Outcome | undefined;
  for (const g of groups) {
    const r = step(state, { op: 'vfio.group_set_container', group: g, container });
    if (!r.outcome.ok) {
      refused.push({ group: g, outcome: r.outcome });
      continue;
    }
    state = r.state;
    attached.push(g);
    if (setIommu === undefined) {
      const s = step(state, { op: 'vfio.set_iommu', container, type: 'type1v2' });
      setIommu = s.outcome;
      if (!s.outcome.ok) {
        // The first group could not be attached by type1 (e.g. MSI isolation): undo and go on.
        refused.push({ group: g, outcome: s.outcome });
        attached.pop();
        const u = step(state, { op: 'vfio.group_unset_container', group: g });
        state = u.state;
        setIommu = undefined;
        continue;
      }
      state = s.state;
    }
  }
  return { state, container, attached, refused, setIommu };
}

/**
 * An engine message from a dry run, for a finding: the container the dry run opened exists only
 * there, so "container N" becomes "the container".
 */
export function dryRunMessage(message: string, container: number | undefined): string {
  if (container === undefined) return message;
  return message.replace(
    new RegExp(`\\bcontainer ${container}\\b('s)?`, 'g'),
    (_m, s: string | undefined) => `the container${s ?? ''}`,
  );
}

/** A plausible page-aligned user address for a dry-run map of `size` bytes (QEMU's RAM is mmapped high). */
export function userAddressFor(iova: bigint, size: bigint): bigint {
  // Keep the IOVA's offset within 1 GiB, as QEMU's hugepage-backed RAM would, and stay below 2^47.
  const base = 0x7f0000000000n;
  const va = base + (iova & 0x3fffffffn);
  return va + size <= 1n << 47n ? va : 0x1000n;
}
