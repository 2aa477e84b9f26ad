import { expect } from 'vitest';
import type { EngineState } from '../../../src/core/engine.ts';
import { smallestPage } from '../../../src/core/iommu/pgsize.ts';
import { computeAlignment } from '../../../src/core/iommufd/iopt.ts';
import type { IoasObject } from '../../../src/core/iommufd/state.ts';
import { describeIommufd } from '../../../src/core/iommufd/view.ts';
import { isEnforcedResv } from '../../../src/core/platform/resv-regions.ts';

/**
 * What must hold after every step of either uAPI model, whatever came before: the checks the
 * property suites run after each random op.
 */

const U64_MAX = (1n << 64n) - 1n;

export function checkVfioInvariants(state: EngineState): void {
  const params = state.index.platform.moduleParams;
  let total = 0n;
  for (const c of state.vfio.containers.values()) {
    for (const g of c.groups) expect(state.vfio.groups.get(g)?.container).toBe(c.id);
    const d = c.driver;
    if (!d) continue;
    expect(c.groups.length).toBeGreaterThan(0);
    expect(d.domains.flatMap((x) => x.groups).sort()).toEqual([...c.groups].sort());
    const enforced = d.domains
      .flatMap((x) => x.groups)
      .flatMap((g) =>
        (state.index.groups.get(g)?.resvRegions ?? []).filter((r) => isEnforcedResv(r.type)),
      );
    let prevLast = -1n;
    let locked = 0n;
    let invalid = 0;
    for (const m of d.dma.entries()) {
      // no two mappings overlap
      expect(m.start > prevLast).toBe(true);
      expect(m.last >= m.start && m.last <= U64_MAX).toBe(true);
      prevLast = m.last;
      // inside one valid node, away from every enforced reserved region
      expect(d.iovaList.some((n) => n.start <= m.start && m.last <= n.last)).toBe(true);
      for (const r of enforced) expect(r.start <= m.last && m.start <= r.last).toBe(false);
      // expressible in every domain's page sizes (vfio_iommu_replay / iommu_map alignment)
      for (const dom of d.domains) {
        const min = smallestPage(dom.pgsizeBitmap);
        expect(
          ((m.start | (m.last - m.start + 1n)) & (min - 1n)) === 0n,
          `mapping ${m.start.toString(16)} vs domain ${dom.id}`,
        ).toBe(true);
      }
      expect(m.value.locked).toBe(m.value.pfnmap ? 0n : m.last - m.start + 1n);
      locked += m.value.locked;
      if (m.value.vaddrInvalid) invalid++;
    }
    expect(d.lockedBytes).toBe(locked);
    expect(d.vaddrInvalidCount).toBe(invalid);
    expect(d.dmaAvail + d.dma.size).toBe(params['vfio_iommu_type1.dma_entry_limit']);
    total += locked;
  }
  expect(state.vfio.lockedBytes).toBe(total);
  const memlock = state.index.platform.process.memlockLimit;
  if (memlock !== undefined) expect(total <= memlock).toBe(true);
  let fds = 0;
  for (const g of state.vfio.groups.values()) fds += g.openDeviceFds;
  expect(fds).toBe(state.vfio.deviceFds.size);
}

function ioasList(s: EngineState): IoasObject[] {
  return [...s.iommufd.objects.values()].filter((o): o is IoasObject => o.kind === 'ioas');
}

export function checkIommufdInvariants(s: EngineState): void {
  const st = s.iommufd;
  const pinned = new Map<number, number>();
  const users = new Map<number, number>();
  let ownCharged = 0n;
  for (const ioas of ioasList(s)) {
    let prevLast: bigint | undefined;
    for (const a of ioas.areas.entries()) {
      expect(a.start <= a.last).toBe(true);
      if (prevLast !== undefined) expect(a.start > prevLast).toBe(true);
      prevLast = a.last;
      const hit = ioas.reserved.find((r) => r.start <= a.last && a.start <= r.last);
      expect(hit, `area ${a.start.toString(16)} covers a reserved IOVA`).toBeUndefined();
      // expressible in every domain's page sizes (iopt_table_add_domain alignment)
      for (const h of ioas.hwpts) {
        const hw = st.objects.get(h);
        const min = hw?.kind === 'hwpt' ? smallestPage(hw.pgsizeBitmap) : 1n;
        const pageSize = s.index.platform.kernel.kernelPageSize;
        const need = min > pageSize ? pageSize : min;
        expect((a.start & (need - 1n)) === 0n).toBe(true);
      }
      const pages = a.value.pages;
      if (typeof pages === 'number') {
        users.set(pages, (users.get(pages) ?? 0) + 1);
        if (ioas.hwpts.length > 0) pinned.set(pages, (pinned.get(pages) ?? 0) + 1);
      } else if (ioas.hwpts.length > 0) {
        // An area's own pages are charged exactly while its IOAS has a domain.
        ownCharged += pages.chargeBytes;
      }
    }
    for (const h of ioas.hwpts) {
      const hw = st.objects.get(h);
      expect(hw?.kind).toBe('hwpt');
      if (hw?.kind === 'hwpt') expect(hw.ioas).toBe(ioas.id);
    }
    for (const r of ioas.reserved) {
      if (r.owner.kind === 'domain') expect(ioas.hwpts).toContain(r.owner.hwpt);
      if (r.owner.kind === 'device') {
        const d = st.objects.get(r.owner.dev);
        expect(d?.kind).toBe('device');
        if (d?.kind === 'device') {
          const hw = d.hwpt === undefined ? undefined : st.objects.get(d.hwpt);
          expect(hw?.kind === 'hwpt' && hw.ioas).toBe(ioas.id);
        }
      }
    }
    const pgsizes = ioas.hwpts.map((h) => {
      const hw = st.objects.get(h);
      return hw?.kind === 'hwpt' ? hw.pgsizeBitmap : 0n;
    });
    expect(ioas.iovaAlignment).toBe(computeAlignment(ioas.disableLargePages, pgsizes, 0x1000n));
  }
  let charged = ownCharged;
  for (const p of st.pages.values()) {
    expect(p.users).toBe(users.get(p.id) ?? 0);
    expect(p.pinnedUsers).toBe(pinned.get(p.id) ?? 0);
    if (p.pinnedUsers > 0) charged += p.chargeBytes;
  }
  for (const pid of users.keys()) expect(st.pages.has(pid)).toBe(true);
  expect(st.lockedBytes).toBe(charged);
  for (const o of st.objects.values()) {
    if (o.kind === 'hwpt') {
      expect(st.objects.get(o.ioas)?.kind).toBe('ioas');
      if (o.auto) expect(o.devices.length).toBeGreaterThan(0);
      for (const d of o.devices) {
        const dev = st.objects.get(d);
        expect(dev?.kind === 'device' && dev.hwpt).toBe(o.id);
      }
    }
    if (o.kind === 'device') {
      expect(st.boundDevices.get(o.bdf)).toBe(o.id);
      if (o.hwpt !== undefined) {
        const hw = st.objects.get(o.hwpt);
        expect(hw?.kind === 'hwpt' && hw.devices.includes(o.id)).toBe(true);
        expect(st.groupHwpt.get(o.group)).toBe(o.hwpt);
      }
    }
  }
  for (const [bdf, devId] of st.boundDevices) {
    const d = st.objects.get(devId);
    expect(d?.kind === 'device' && d.bdf).toBe(bdf);
  }
  // The view is built without copying the trees.
  const view = describeIommufd(st);
  for (const v of view.ioas) expect(v.areas).toBe((st.objects.get(v.id) as IoasObject).areas);
}
