import type { Errno } from '../outcome.ts';
import type { Platform, VaBacking } from '../platform/types.ts';
import { formatRange, formatSize, hex, type Range } from '../u64.ts';

/** A refusal before it becomes an outcome. */
export interface Refusal {
  readonly errno: Errno;
  readonly rule: string;
  readonly message: string;
}

export type PinResult =
  | { readonly ok: true; readonly locked: bigint; readonly pfnmap: boolean }
  | ({ readonly ok: false } & Refusal);

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
  va: Range,
  write: boolean,
  alreadyLocked: bigint,
): PinResult {
  const page = platform.kernel.kernelPageSize;
  const memlock = platform.process.memlockLimit;
  // The kernel compares pages: locked_vm + npage > rlimit >> PAGE_SHIFT.
  const limit = memlock === undefined ? undefined : (memlock / page) * page;
  const backing: readonly VaBacking[] = platform.process.vaBacking
    ? [...platform.process.vaBacking].sort((a, b) =>
        a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
      )
    : [{ start: 0n, last: (1n << 64n) - 1n, kind: 'anonymous', name: undefined }];

  let cursor = va.start;
  let charged = 0n;
  let pfnmap = false;
  const overLimit = (upTo: bigint): PinResult | undefined => {
    if (limit === undefined) return undefined;
    if (alreadyLocked + charged + upTo <= limit) return undefined;
    const room = limit - alreadyLocked - charged;
    const at = cursor + (room > 0n ? room : 0n);
    return {
      ok: false,
      errno: 'ENOMEM',
      rule: 'vfio_lock_acct',
      message: `pinning user page ${hex(at)} would take locked memory past RLIMIT_MEMLOCK ${formatSize(memlock ?? 0n)} (${formatSize(alreadyLocked)} already locked by the process, ${formatSize(charged + (room > 0n ? room : 0n))} by this mapping so far)`,
    };
  };

  for (const b of backing) {
    if (cursor > va.last) break;
    if (b.last < cursor) continue;
    if (b.start > cursor) break;
    const last = b.last < va.last ? b.last : va.last;
    const size = last - cursor + 1n;
    const label = b.name ? ` (${b.name})` : '';
    if (b.kind === 'pfnmap') {
      pfnmap = true;
    } else if (b.kind === 'readonly' && write) {
      const ovl = overLimit(0n);
      if (ovl) return ovl;
      return {
        ok: false,
        errno: 'EFAULT',
        rule: 'vaddr_get_pfns',
        message: `user memory ${formatRange({ start: cursor, last })}${label} is read-only but the mapping asks for WRITE`,
      };
    } else {
      const ovl = overLimit(size);
      if (ovl) return ovl;
      charged += size;
    }
    if (last === va.last) return { ok: true, locked: charged, pfnmap };
    cursor = last + 1n;
  }
  // Everything up to the hole was pinned (and charged) first; the hole itself faults.
  let holeLast = va.last;
  for (const b of backing) if (b.start > cursor && b.start - 1n < holeLast) holeLast = b.start - 1n;
  return {
    ok: false,
    errno: 'EFAULT',
    rule: 'vaddr_get_pfns',
    message: `no memory is mapped in the process at user address ${formatRange({ start: cursor, last: holeLast })}`,
  };
}
