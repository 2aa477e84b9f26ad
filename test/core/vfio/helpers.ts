import { expect } from 'vitest';
import type { Action } from '../../../src/core/actions.ts';
import { apply } from '../../../src/core/engine.ts';
import type { Outcome } from '../../../src/core/outcome.ts';
import type { PlatformInput } from '../../../src/core/platform/normalize.ts';
import { createState, type EngineState } from '../../../src/core/state.ts';

export const MSI = { start: 0xfee00000n, last: 0xfeefffffn };
export const VA = 0x7f0000000000n;

type Unit = NonNullable<PlatformInput['iommus']>[number];
type Dev = NonNullable<PlatformInput['devices']>[number];
type Resv = NonNullable<PlatformInput['reservedRegions']>[number];

export function vtd(id: string, extra: Partial<Unit> = {}): Unit {
  return {
    id,
    kind: 'vtd',
    addressWidth: 48,
    pageSizes: [0x1000n, 0x200000n, 0x40000000n],
    snoopControl: true,
    interruptRemapping: true,
    ...extra,
  };
}

/** One device per group, group N behind `units[N]` (default dmar0), each with the x86 MSI window. */
export function platform(
  opts: {
    units?: Unit[];
    groups?: Record<number, string>;
    devices?: Dev[];
    resv?: Resv[];
    msi?: boolean;
    rest?: Partial<PlatformInput>;
  } = {},
): PlatformInput {
  const units = opts.units ?? [vtd('dmar0')];
  const groups = opts.groups ?? { 10: units[0]!.id };
  const devices: Dev[] =
    opts.devices ??
    Object.entries(groups).map(([g, u], i) => ({
      bdf: `0000:${(i + 1).toString(16).padStart(2, '0')}:00.0`,
      iommu: u,
      group: Number(g),
    }));
  const groupIds = [
    ...new Set(devices.map((d) => d.group).filter((g): g is number => g !== undefined)),
  ];
  const msi: Resv[] =
    opts.msi === false ? [] : groupIds.map((g) => ({ ...MSI, type: 'msi' as const, group: g }));
  return { iommus: units, devices, reservedRegions: [...msi, ...(opts.resv ?? [])], ...opts.rest };
}

export interface Run {
  state: EngineState;
  last: Outcome;
  do(action: Action): Outcome;
  ok(action: Action): Outcome & { ok: true };
  fail(action: Action, errno: string): Outcome & { ok: false };
}

export function session(p: PlatformInput): Run {
  const run: Run = {
    state: createState(p),
    last: { ok: true, warnings: [] },
    do(action) {
      const before = run.state;
      const r = apply(before, action);
      if (!r.outcome.ok) expect(r.state).toBe(before);
      run.state = r.state;
      run.last = r.outcome;
      return r.outcome;
    },
    ok(action) {
      const o = run.do(action);
      if (!o.ok) throw new Error(`expected success for ${action.op}, got ${o.errno}: ${o.message}`);
      return o;
    },
    fail(action, errno) {
      const o = run.do(action);
      if (o.ok)
        throw new Error(`expected ${errno} for ${action.op}, got success: ${o.message ?? ''}`);
      expect(o.errno, o.message).toBe(errno);
      return o;
    },
  };
  return run;
}

/** Container 1 with the given groups set and type1v2 (or v1) on. */
export function ready(
  p: PlatformInput,
  groups: number[] = [10],
  type: 'type1' | 'type1v2' = 'type1v2',
): Run {
  const s = session(p);
  s.ok({ op: 'vfio.container_create' });
  for (const g of groups) s.ok({ op: 'vfio.group_set_container', group: g, container: 1 });
  s.ok({ op: 'vfio.set_iommu', container: 1, type });
  return s;
}

export const map = (
  iova: bigint,
  size: bigint,
  extra: { flags?: string[]; vaddr?: bigint; container?: number } = {},
): Action => ({
  op: 'vfio.map_dma',
  container: extra.container ?? 1,
  iova,
  size,
  flags: extra.flags ?? ['READ', 'WRITE'],
  vaddr: 'vaddr' in extra ? extra.vaddr : VA,
});

export const unmap = (iova: bigint, size: bigint, flags: string[] = [], container = 1): Action => ({
  op: 'vfio.unmap_dma',
  container,
  iova,
  size,
  flags,
});

export function info(
  s: Run,
  container = 1,
): { iova_pgsizes: bigint; dma_avail: number; iova_ranges: { start: bigint; last: bigint }[] } {
  const o = s.ok({ op: 'vfio.get_info', container });
  return o.result as never;
}
