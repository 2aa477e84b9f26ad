import type { Action } from '../../../src/core/actions.ts';
import { apply, createState, type EngineState } from '../../../src/core/engine.ts';
import type { Outcome } from '../../../src/core/outcome.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';

export const KERNEL = {
  kernelPageSize: 0x1000n,
  CONFIG_TRANSPARENT_HUGEPAGE: true,
  HPAGE_SIZE: 0x200000n,
};
export const MSI = { start: 0xfee00000n, last: 0xfeefffffn };

/** One or more VT-d units, devices in their own groups with the x86 MSI window. */
export function vtdPlatform(extra: Partial<PlatformInput> = {}): PlatformInput {
  return {
    kernel: KERNEL,
    iommus: [
      {
        id: 'dmar0',
        kind: 'vtd',
        addressWidth: 48,
        pageSizes: [0x1000n, 0x200000n, 0x40000000n],
        snoopControl: true,
        interruptRemapping: true,
      },
    ],
    devices: [
      { bdf: '0000:01:00.0', iommu: 'dmar0', group: 10 },
      { bdf: '0000:02:00.0', iommu: 'dmar0', group: 11 },
    ],
    reservedRegions: [
      { ...MSI, type: 'msi', group: 10 },
      { ...MSI, type: 'msi', group: 11 },
    ],
    ...extra,
  };
}

export function mockPlatform(extra: Partial<PlatformInput> = {}): PlatformInput {
  return {
    kernel: KERNEL,
    iommus: [
      {
        id: 'mock0',
        kind: 'mock',
        aperture: { start: 0x1000000n, last: 0x7fffffffn },
        pageSizes: [0x800n],
        snoopControl: false,
        interruptRemapping: true,
      },
    ],
    devices: [{ bdf: 'mock:0', iommu: 'mock0', group: 1 }],
    reservedRegions: [],
    ...extra,
  };
}

export const bare = (): EngineState => createState({ kernel: KERNEL });

/** Applies actions in order; returns the final state and every outcome. */
export function run(
  state: EngineState,
  actions: readonly Action[],
): { state: EngineState; outcomes: Outcome[] } {
  const outcomes: Outcome[] = [];
  let s = state;
  for (const a of actions) {
    const r = apply(s, a);
    s = r.state;
    outcomes.push(r.outcome);
  }
  return { state: s, outcomes };
}

/** Applies one action and insists it succeeds, returning state and result id. */
export function ok(
  state: EngineState,
  action: Action,
): { state: EngineState; id: number; outcome: Outcome } {
  const r = apply(state, action);
  if (!r.outcome.ok)
    throw new Error(`${action.op} failed: ${r.outcome.errno} ${r.outcome.message}`);
  return {
    state: r.state,
    id: (r.outcome.result?.id as number | undefined) ?? -1,
    outcome: r.outcome,
  };
}

export function errnoOf(o: Outcome): string {
  return o.ok ? 'ok' : o.errno;
}

export const RW = ['READABLE', 'WRITEABLE'];
export const FIXED_RW = ['FIXED_IOVA', 'READABLE', 'WRITEABLE'];
