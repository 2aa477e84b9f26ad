import { describeVaHole, walkUserVa } from '../platform/user-memory.ts';
import type { Platform } from '../platform/types.ts';
import { refusal, type Refusal } from '../refusal.ts';
import { formatRange, formatSize, hex, type UserVaRange } from '../u64.ts';

export type PinResult =
  { readonly ok: true; readonly locked: bigint; readonly pfnmap: boolean } | Refusal;

/**
 * `vfio_lock_acct`: the refusal when charging `upTo` more bytes would take the process past
 * RLIMIT_MEMLOCK. A module function rather than a closure per pin (profiled: the closure was 7%
 * of a type1 map under the CLI's TypeScript loader).
 */
function overLimit(
  limit: bigint | undefined,
  memlock: bigint | undefined,
  alreadyLocked: bigint,
  charged: bigint,
  cursor: bigint,
  upTo: bigint,
): Refusal | undefined {
  if (limit === undefined || alreadyLocked + charged + upTo <= limit) return undefined;
  const room = limit - alreadyLocked - charged;
  const at = cursor + (room > 0n ? room : 0n);
  return refusal(
    'ENOMEM',
    'vfio_lock_acct',
    `pinning user page ${hex(at)} would take locked memory past RLIMIT_MEMLOCK ${formatSize(memlock ?? 0n)} (${formatSize(alreadyLocked)} already locked by the process, ${formatSize(charged + (room > 0n ? room : 0n))} by this mapping so far)`,
  );
}

/**
 * Pins the user pages behind a mapping the way `vfio_pin_pages_remote` walks them, in address
 * order: an address nothing backs, or a write mapping of read-only memory, is EFAULT
 * (`vaddr_get_pfns` / `pin_user_pages_remote` with FOLL_WRITE); each ordinary page is charged to
 * locked_vm, and the first page that would take the process past RLIMIT_MEMLOCK is ENOMEM
 * (`vfio_lock_acct`). PFNMAP'd memory (a device BAR) is followed, not pinned, and not charged
 * (`is_invalid_reserved_pfn`). Whichever problem comes first in address order wins.
 *
 * `alreadyLocked` is what the process has charged so far (every container and iommufd): type1
 * bills a page once per container, whatever the number of domains (seed 002), but two containers
 * pinning the same page are billed twice.
 */
export function pinUserRange(
  platform: Platform,
  va: UserVaRange,
  write: boolean,
  alreadyLocked: bigint,
): PinResult {
  const page = platform.kernel.kernelPageSize;
  const memlock = platform.process.memlockLimit;
  // The kernel compares pages: locked_vm + npage > rlimit >> PAGE_SHIFT.
  const limit = memlock === undefined ? undefined : (memlock / page) * page;
  const walk = walkUserVa(platform, va);

  let cursor: bigint = va.start;
  let charged = 0n;
  let pfnmap = false;

  for (const b of walk.pieces) {
    const last = b.last < va.last ? b.last : va.last;
    const size = last - cursor + 1n;
    const label = b.name ? ` (${b.name})` : '';
    if (b.kind === 'pfnmap') {
      pfnmap = true;
    } else if (b.kind === 'readonly' && write) {
      const ovl = overLimit(limit, memlock, alreadyLocked, charged, cursor, 0n);
      if (ovl) return ovl;
      return refusal(
        'EFAULT',
        'vaddr_get_pfns',
        `user memory ${formatRange({ start: cursor, last })}${label} is read-only but the mapping asks for WRITE`,
      );
    } else {
      const ovl = overLimit(limit, memlock, alreadyLocked, charged, cursor, size);
      if (ovl) return ovl;
      charged += size;
    }
    cursor = last + 1n;
  }
  // Everything up to the hole was pinned (and charged) first; the hole itself faults.
  if (walk.hole) return refusal('EFAULT', 'vaddr_get_pfns', describeVaHole(walk.hole));
  return { ok: true, locked: charged, pfnmap };
}
