import type { VfioMapDma, VfioUnmapDma } from '../actions.ts';
import { kernelOlderThan } from '../platform/defaults.ts';
import type { PlatformIndex } from '../platform/platform-index.ts';
import { describeResvType } from '../platform/resv-regions.ts';
import type { RangeEntry } from '../ranges/range-map.ts';
import {
  asUserVa,
  formatRange,
  formatSize,
  hex,
  lastOf,
  userVaRange,
  type Range,
  type U64,
  U64_MAX,
} from '../u64.ts';
import { describeKnown, MAP_FLAGS, parseFlags, UNMAP_FLAGS } from './flags.ts';
import { enforcedRegions, inOneNode, listSpan } from './iova-list.ts';
import { pinUserRange } from './pinning.ts';
import { smallestPage } from '../iommu/pgsize.ts';
import { lazyMessage, type MessageText } from '../op-result.ts';
import { refusal, type Refusal } from '../refusal.ts';
import { type1With, type Type1State, type VfioContainer, type VfioMapping } from './state.ts';

/**
 * VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA (`vfio_dma_do_map`, `vfio_dma_do_unmap`),
 * kernel-semantics §4.6–§4.8, §4.10, §4.11. Every lookup is O(log n) in the number of mappings;
 * an unmap costs O(log n + k) for the k mappings it removes.
 */

export type DmaResult =
  | {
      readonly ok: true;
      readonly driver: Type1State;
      readonly message: MessageText;
      readonly size?: U64;
    }
  | Refusal;

/**
 * What MAP_DMA's argument checks read. The checks are module functions, not closures made per
 * call: profiled, creating four closures per map was a tenth of a type1 map under the CLI's
 * TypeScript loader (which names each one).
 */
interface MapArgs {
  readonly read: boolean;
  readonly write: boolean;
  readonly setVaddr: boolean;
  readonly iova: U64;
  readonly size: U64;
  readonly vaddr: U64;
  readonly pgsize: U64;
  readonly driver: Type1State;
  readonly legacy: boolean;
  readonly index: PlatformIndex;
}

function protError(m: MapArgs): DmaResult | undefined {
  if ((m.read || m.write) && m.setVaddr)
    return refusal(
      'EINVAL',
      'vfio_dma_do_map',
      'VFIO_DMA_MAP_FLAG_VADDR cannot be combined with READ or WRITE',
    );
  if (!m.read && !m.write && !m.setVaddr)
    return refusal(
      'EINVAL',
      'vfio_dma_do_map',
      'a mapping needs READ and/or WRITE (or VADDR to update a host address)',
    );
  return undefined;
}

function sizeZero(): DmaResult {
  return refusal('EINVAL', 'vfio_dma_do_map', 'size 0 maps nothing');
}

function alignError(m: MapArgs): DmaResult | undefined {
  const { iova, size, vaddr, pgsize } = m;
  const bad = (size | iova | vaddr) & (pgsize - 1n);
  if (bad === 0n) return undefined;
  const which = [
    (iova & (pgsize - 1n)) !== 0n ? `iova ${hex(iova)}` : '',
    (size & (pgsize - 1n)) !== 0n ? `size ${hex(size)}` : '',
    (vaddr & (pgsize - 1n)) !== 0n ? `vaddr ${hex(vaddr)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return refusal(
    'EINVAL',
    'vfio_dma_do_map',
    `${which} not aligned to the container's minimum page size ${hex(pgsize)} (iova_pgsizes ${hex(m.driver.pgsizeBitmap)})`,
  );
}

function wrapError(m: MapArgs): DmaResult | undefined {
  const { iova, size, vaddr } = m;
  // The usual answer without the two lastOf records (callers have refused size 0 already).
  const top = size - 1n;
  if (iova + top <= U64_MAX && vaddr + top <= U64_MAX) return undefined;
  const i = lastOf(iova, size);
  const v = lastOf(vaddr, size);
  if (!i.overflow && !v.overflow) return undefined;
  const what = i.overflow
    ? `iova ${hex(iova)} + size ${hex(size)} - 1`
    : `vaddr ${hex(vaddr)} + size ${hex(size)} - 1`;
  return m.legacy
    ? refusal(
        'EINVAL',
        'vfio_dma_do_map',
        `${what} wraps past 0xffffffffffffffff (kernel ${m.index.platform.kernel.version} returns EINVAL; 6.18+ EOVERFLOW)`,
      )
    : refusal('EOVERFLOW', 'vfio_dma_do_map', `${what} overflows 64 bits (check_add_overflow)`);
}

/** The kernel behaviour before the late-2025 overflow series (EINVAL instead of EOVERFLOW, §9). */
export function legacyOverflow(index: PlatformIndex): boolean {
  return kernelOlderThan(index.platform.kernel.version, '6.18');
}

/**
 * The user address used when a map action gives none: the conventional x86-64 mmap area
 * 0x7f00_0000_0000, lowered (page aligned) just enough that `vaddr + size - 1` cannot wrap, so a
 * missing vaddr never causes an error of its own. Deterministic: depends only on the size.
 */
export function defaultVaddr(size: U64, pageSize: U64): U64 {
  const preferred = 0x7f0000000000n;
  if (size === 0n) return preferred;
  const highest = U64_MAX - (size - 1n);
  const v = highest < preferred ? highest : preferred;
  return v - (v % pageSize);
}

function prot(m: { read: boolean; write: boolean }): string {
  return m.read && m.write ? 'RW' : m.write ? 'W' : 'R';
}

/** Why a range fails `vfio_iommu_iova_dma_valid`, naming the object that carved the gap. */
function explainInvalid(
  index: PlatformIndex,
  container: VfioContainer,
  driver: Type1State,
  r: Range,
): string {
  for (const d of driver.domains) {
    for (const g of d.groups) {
      for (const region of enforcedRegions(index.groups.get(g)?.resvRegions ?? [])) {
        if (region.start <= r.last && r.start <= region.last) {
          return `iova ${formatRange(r)} overlaps group ${g}'s ${describeResvType(region.type)} ${formatRange(region)}`;
        }
      }
    }
  }
  const span = listSpan(driver.iovaList);
  if (span && (r.start < span.start || r.last > span.last)) {
    const narrow = driver.domains.find(
      (d) => r.start < d.aperture.start || r.last > d.aperture.last,
    );
    const who = narrow
      ? ` (domain ${narrow.id} on ${narrow.iommu} translates ${formatRange(narrow.aperture)})`
      : '';
    return `iova ${formatRange(r)} is outside container ${container.id}'s IOMMU aperture ${formatRange(span)}${who}`;
  }
  const ranges =
    driver.iovaList.length <= 6
      ? driver.iovaList.map(formatRange).join(', ')
      : `${driver.iovaList.length} ranges`;
  return `iova ${formatRange(r)} does not fit inside one valid IOVA range of container ${container.id} (${ranges})`;
}

export function mapDma(
  index: PlatformIndex,
  container: VfioContainer,
  driver: Type1State,
  a: VfioMapDma,
  processLocked: bigint,
): DmaResult {
  const page = index.platform.kernel.kernelPageSize;
  const legacy = legacyOverflow(index);
  const flags = parseFlags(a.flags, MAP_FLAGS);
  if (!flags.ok) {
    return refusal(
      'EINVAL',
      'vfio_iommu_type1_map_dma',
      `unknown map flag "${flags.bad}" (known: ${describeKnown(MAP_FLAGS)})`,
    );
  }
  const unknown = flags.bits & ~(MAP_FLAGS.READ | MAP_FLAGS.WRITE | MAP_FLAGS.VADDR);
  if (unknown !== 0n) {
    return refusal(
      'EINVAL',
      'vfio_iommu_type1_map_dma',
      `unknown map flag bits ${hex(unknown)} (known: ${describeKnown(MAP_FLAGS)})`,
    );
  }
  const read = (flags.bits & MAP_FLAGS.READ) !== 0n;
  const write = (flags.bits & MAP_FLAGS.WRITE) !== 0n;
  const setVaddr = (flags.bits & MAP_FLAGS.VADDR) !== 0n;
  const { iova, size } = a;
  const vaddr = asUserVa(a.vaddr ?? defaultVaddr(size, page));
  const pgsize = smallestPage(driver.pgsizeBitmap);

  const m: MapArgs = { read, write, setVaddr, iova, size, vaddr, pgsize, driver, legacy, index };

  if (legacy) {
    // Pre-6.18 order: prot, then size 0 / alignment, then wrap (all EINVAL).
    const e = protError(m) ?? (size === 0n ? sizeZero() : alignError(m)) ?? wrapError(m);
    if (e) return e;
  } else {
    if (size === 0n) return sizeZero();
    const e = wrapError(m) ?? protError(m) ?? alignError(m);
    if (e) return e;
  }

  const r: Range = { start: iova, last: iova + size - 1n };
  const found = driver.dma.conflicting(r);
  if (setVaddr) {
    if (!found)
      return refusal(
        'ENOENT',
        'vfio_dma_do_map',
        `VADDR update: no mapping at iova ${formatRange(r)}`,
      );
    if (!found.value.vaddrInvalid || found.start !== iova || found.last !== r.last) {
      const why = !found.value.vaddrInvalid
        ? `mapping ${formatRange(found)} still has a valid vaddr (invalidate it with VFIO_DMA_UNMAP_FLAG_VADDR first)`
        : `the update must name exactly mapping ${formatRange(found)}, not ${formatRange(r)}`;
      return refusal('EINVAL', 'vfio_dma_do_map', `VADDR update refused: ${why}`);
    }
    const value: VfioMapping = Object.freeze({ ...found.value, vaddr, vaddrInvalid: false });
    return {
      ok: true,
      message: `mapping ${formatRange(found)} of container ${container.id} now uses vaddr ${hex(vaddr)}`,
      driver: type1With(driver, {
        dma: driver.dma.with({ start: found.start, last: found.last, value }),
        vaddrInvalidCount: driver.vaddrInvalidCount - 1,
      }),
    };
  }
  if (found) {
    return refusal(
      'EEXIST',
      'vfio_dma_do_map',
      `iova ${formatRange(r)} overlaps existing mapping ${formatRange(found)} of container ${container.id}`,
    );
  }
  if (driver.dmaAvail <= 0) {
    return refusal(
      'ENOSPC',
      'vfio_dma_do_map',
      `container ${container.id} has no DMA entries left (vfio_iommu_type1.dma_entry_limit = ${index.platform.moduleParams['vfio_iommu_type1.dma_entry_limit']} mappings)`,
    );
  }
  if (!inOneNode(driver.iovaList, r)) {
    return refusal(
      'EINVAL',
      'vfio_iommu_iova_dma_valid',
      explainInvalid(index, container, driver, r),
    );
  }
  const pin = pinUserRange(index.platform, userVaRange(vaddr, size), write, processLocked);
  if (!pin.ok)
    return refusal(
      pin.errno,
      pin.rule,
      `mapping iova ${formatRange(r)} from vaddr ${hex(vaddr)}: ${pin.message}`,
    );

  const value: VfioMapping = Object.freeze({
    vaddr,
    read,
    write,
    vaddrInvalid: false,
    locked: pin.locked,
    pfnmap: pin.pfnmap,
  });
  return {
    ok: true,
    message: lazyMessage(mappedMessage, {
      r,
      value,
      defaultVaddr: a.vaddr === undefined,
      container: container.id,
      domains: driver.domains.length,
    }),
    driver: type1With(driver, {
      dma: driver.dma.with({ start: r.start, last: r.last, value }),
      dmaAvail: driver.dmaAvail - 1,
      lockedBytes: driver.lockedBytes + pin.locked,
    }),
  };
}

interface Mapped {
  readonly r: Range;
  readonly value: VfioMapping;
  readonly defaultVaddr: boolean;
  readonly container: number;
  readonly domains: number;
}

function mappedMessage({ r, value, defaultVaddr, container, domains }: Mapped): string {
  const vaNote = defaultVaddr ? ' (default vaddr)' : '';
  return (
    `mapped iova ${formatRange(r)} (${formatSize(r.last - r.start + 1n)}, ${prot(value)}) from vaddr ${hex(value.vaddr)}${vaNote} into container ${container}` +
    ` (${domains} domain${domains === 1 ? '' : 's'}${value.pfnmap ? ', PFNMAP: not pinned' : `, ${formatSize(value.locked)} locked`})`
  );
}

export function unmapDma(
  index: PlatformIndex,
  container: VfioContainer,
  driver: Type1State,
  a: VfioUnmapDma,
): DmaResult {
  const legacy = legacyOverflow(index);
  const flags = parseFlags(a.flags, UNMAP_FLAGS);
  if (!flags.ok) {
    return refusal(
      'EINVAL',
      'vfio_iommu_type1_unmap_dma',
      `unknown unmap flag "${flags.bad}" (known: ${describeKnown(UNMAP_FLAGS)})`,
    );
  }
  const unknown =
    flags.bits & ~(UNMAP_FLAGS.GET_DIRTY_BITMAP | UNMAP_FLAGS.ALL | UNMAP_FLAGS.VADDR);
  if (unknown !== 0n) {
    return refusal(
      'EINVAL',
      'vfio_iommu_type1_unmap_dma',
      `unknown unmap flag bits ${hex(unknown)} (known: ${describeKnown(UNMAP_FLAGS)})`,
    );
  }
  const all = (flags.bits & UNMAP_FLAGS.ALL) !== 0n;
  const setVaddr = (flags.bits & UNMAP_FLAGS.VADDR) !== 0n;
  if ((flags.bits & UNMAP_FLAGS.GET_DIRTY_BITMAP) !== 0n) {
    if (all || setVaddr) {
      return refusal(
        'EINVAL',
        'vfio_iommu_type1_unmap_dma',
        'GET_DIRTY_BITMAP cannot be combined with ALL or VADDR',
      );
    }
    return refusal(
      'EINVAL',
      'vfio_iommu_type1_unmap_dma',
      `GET_DIRTY_BITMAP needs dirty page tracking, which is not started on container ${container.id}`,
    );
  }
  const { iova, size } = a;
  const pgsize = smallestPage(driver.pgsizeBitmap);
  if ((iova & (pgsize - 1n)) !== 0n) {
    return refusal(
      'EINVAL',
      'vfio_dma_do_unmap',
      `iova ${hex(iova)} is not aligned to the minimum page size ${hex(pgsize)}`,
    );
  }
  let r: Range;
  if (all) {
    if (iova !== 0n || size !== 0n) {
      return refusal(
        'EINVAL',
        'vfio_dma_do_unmap',
        `VFIO_DMA_UNMAP_FLAG_ALL needs iova 0 and size 0 (got iova ${hex(iova)}, size ${hex(size)})`,
      );
    }
    r = { start: 0n, last: U64_MAX };
  } else {
    if (size === 0n || (size & (pgsize - 1n)) !== 0n) {
      const why =
        size === 0n
          ? 'size 0'
          : `size ${hex(size)} is not a multiple of the minimum page size ${hex(pgsize)}`;
      return refusal(
        'EINVAL',
        'vfio_dma_do_unmap',
        `${why} (use VFIO_DMA_UNMAP_FLAG_ALL with iova 0, size 0 to unmap everything)`,
      );
    }
    const l = lastOf(iova, size);
    if (l.overflow) {
      const what = `iova ${hex(iova)} + size ${hex(size)} - 1`;
      return legacy
        ? refusal(
            'EINVAL',
            'vfio_dma_do_unmap',
            `${what} wraps past 0xffffffffffffffff (kernel ${index.platform.kernel.version} returns EINVAL; 6.18+ EOVERFLOW)`,
          )
        : refusal(
            'EOVERFLOW',
            'vfio_dma_do_unmap',
            `${what} overflows 64 bits (check_add_overflow)`,
          );
    }
    r = { start: iova, last: l.last };
  }

  // Pre-fix kernels computed the exclusive end iova + size in u64: a mapping ending at
  // 0xffffffffffffffff had an "end" of 0 and was invisible to the lookups (§4.7 last bullet).
  const hidden = (m: RangeEntry<VfioMapping>): boolean => legacy && m.last === U64_MAX;

  // The common case, one whole mapping exactly (a VMM unmapping what it mapped): found and
  // removed in one descent of the tree. No bisection is possible, and the walk would find it alone.
  if (!all && !setVaddr) {
    const exact = driver.dma.taking(r.start);
    if (exact && exact.entry.last === r.last && !hidden(exact.entry))
      return unmapped(container, driver, r, false, [exact.entry], exact.rest);
  }

  // One lookup finds the mapping holding r.start; it is also the tail when it reaches r.last, and
  // the first overlapping one when it exists (profiled: the repeated lookups were a third of an
  // exact one-page unmap on a 100k-mapping container).
  const head = all ? undefined : driver.dma.find(r.start);
  if (driver.v2 && !all) {
    if (head && head.start < r.start && !hidden(head)) {
      return refusal(
        'EINVAL',
        'vfio_dma_do_unmap',
        `unmap ${formatRange(r)} would bisect mapping ${formatRange(head)} (its first byte is below ${hex(r.start)})`,
      );
    }
    const tail = head && head.last >= r.last ? head : driver.dma.find(r.last);
    if (tail && tail.last > r.last && !hidden(tail)) {
      return refusal(
        'EINVAL',
        'vfio_dma_do_unmap',
        `unmap ${formatRange(r)} would bisect mapping ${formatRange(tail)} (it ends after ${hex(r.last)})`,
      );
    }
  }

  // The mappings the walk visits, in IOVA order.
  const victims: RangeEntry<VfioMapping>[] = [];
  const endWrapped = legacy && !all && r.last === U64_MAX;
  if (!endWrapped) {
    let first = head ?? driver.dma.firstOverlapping(r);
    if (first && hidden(first)) first = undefined; // legacy: the first-node search skips it
    const stopAt = legacy && all ? U64_MAX - 1n : r.last; // legacy ALL: exclusive end U64_MAX
    if (first && !(!driver.v2 && first.start < r.start)) {
      // A first mapping reaching the end is the only one (mappings never overlap): no walk.
      if (first.last >= stopAt) victims.push(first);
      else
        for (const m of driver.dma.entries(first.start)) {
          if (m.start > stopAt) break;
          victims.push(m);
        }
    }
  }

  if (setVaddr) {
    const already = victims.find((m) => m.value.vaddrInvalid);
    if (already) {
      return refusal(
        'EINVAL',
        'vfio_dma_do_unmap',
        `mapping ${formatRange(already)}'s vaddr is already invalidated; nothing changed`,
      );
    }
    let total = 0n;
    const dma = driver.dma.edit((draft) => {
      for (const m of victims) {
        draft.set({
          start: m.start,
          last: m.last,
          value: Object.freeze({ ...m.value, vaddrInvalid: true }),
        });
        total += m.last - m.start + 1n;
      }
    });
    return {
      ok: true,
      size: total & U64_MAX,
      message: `invalidated the vaddr of ${victims.length} mapping(s) (${formatSize(total)}) in ${formatRange(r)} of container ${container.id}; IOMMU mappings kept`,
      driver: type1With(driver, {
        dma,
        vaddrInvalidCount: driver.vaddrInvalidCount + victims.length,
      }),
    };
  }

  const dma =
    victims.length === 0
      ? driver.dma
      : driver.dma.edit((draft) => victims.forEach((m) => draft.delete(m.start)));
  return unmapped(container, driver, r, all, victims, dma);
}

interface Unmapped {
  readonly r: Range;
  readonly all: boolean;
  readonly count: number;
  readonly total: U64;
  readonly container: number;
  readonly wholeV1: boolean;
}

function unmappedMessage({ r, all, count, total, container, wholeV1 }: Unmapped): string {
  const what = all ? 'everything' : formatRange(r);
  if (count === 0) return `nothing mapped in ${what} of container ${container}; unmapped 0 bytes`;
  const extra = wholeV1 ? ' (type1 v1 removes whole mappings)' : '';
  return `unmapped ${count} mapping(s), ${formatSize(total)}, in ${what} of container ${container}${extra}`;
}

/** The unmap of `victims` (found in `r`), `dma` being the mappings without them. */
function unmapped(
  container: VfioContainer,
  driver: Type1State,
  r: Range,
  all: boolean,
  victims: readonly RangeEntry<VfioMapping>[],
  dma: Type1State['dma'],
): DmaResult {
  let total = 0n;
  let unlocked = 0n;
  let invalid = 0;
  for (const m of victims) {
    total += m.last - m.start + 1n;
    unlocked += m.value.locked;
    if (m.value.vaddrInvalid) invalid++;
  }
  return {
    ok: true,
    // The uAPI `size` is a u64: unmapping all 2^64 bytes would wrap to 0, as in the kernel.
    size: total & U64_MAX,
    message: lazyMessage(unmappedMessage, {
      r,
      all,
      count: victims.length,
      total,
      container: container.id,
      wholeV1: !driver.v2 && victims.some((m) => m.last > r.last),
    }),
    driver: type1With(driver, {
      dma,
      dmaAvail: driver.dmaAvail + victims.length,
      lockedBytes: driver.lockedBytes - unlocked,
      vaddrInvalidCount: driver.vaddrInvalidCount - invalid,
    }),
  };
}
