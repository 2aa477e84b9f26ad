import type { RuleName } from './rules.ts';
/**
 * What every action returns: success with an optional result and warnings, or an errno with a
 * message naming the exact addresses and objects, and `rule` naming the kernel check that fired.
 */

export type Errno =
  | 'EPERM'
  | 'ENOENT'
  | 'EINTR'
  | 'EBADF'
  | 'ENOMEM'
  | 'EFAULT'
  | 'EBUSY'
  | 'EEXIST'
  | 'ENODEV'
  | 'EINVAL'
  | 'ENOSPC'
  | 'ENOTTY'
  | 'E2BIG'
  | 'EOVERFLOW'
  | 'EBADFD'
  | 'EMSGSIZE'
  | 'EOPNOTSUPP'
  | 'EADDRINUSE';

/** The negative numbers the kernel returns, as QEMU prints them (`= -22 (Invalid argument)`). */
export const ERRNO_NUMBERS: Record<Errno, number> = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EBADF: 9,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOSPC: 28,
  ENOTTY: 25,
  E2BIG: 7,
  EOVERFLOW: 75,
  EBADFD: 77,
  EMSGSIZE: 90,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
};

export const ERRNO_TEXT: Record<Errno, string> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EINTR: 'Interrupted system call',
  EBADF: 'Bad file descriptor',
  ENOMEM: 'Cannot allocate memory',
  EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  ENOTTY: 'Inappropriate ioctl for device',
  E2BIG: 'Argument list too long',
  EOVERFLOW: 'Value too large for defined data type',
  EBADFD: 'File descriptor in bad state',
  EMSGSIZE: 'Message too long',
  EOPNOTSUPP: 'Operation not supported',
  EADDRINUSE: 'Address already in use',
};

export function errnoFromNumber(n: number): Errno | undefined {
  const abs = Math.abs(n);
  return (Object.keys(ERRNO_NUMBERS) as Errno[]).find((e) => ERRNO_NUMBERS[e] === abs);
}

/** Result fields: bigints for addresses and sizes, numbers for ids and counts. */
export type ResultValue =
  | bigint
  | number
  | string
  | boolean
  | null
  | readonly ResultValue[]
  | { readonly [key: string]: ResultValue };
export type ResultRecord = { readonly [key: string]: ResultValue };

export interface OkOutcome {
  readonly ok: true;
  readonly result?: ResultRecord;
  readonly warnings: readonly string[];
  /** A sentence saying what happened, for the log ("mapped 0x1000..0x1fff into container 1"). */
  readonly message?: string;
}

export interface FailOutcome {
  readonly ok: false;
  readonly errno: Errno;
  readonly message: string;
  /** The kernel function whose check fired, e.g. `vfio_iommu_iova_dma_valid`. */
  readonly rule: RuleName;
  readonly result?: ResultRecord;
  readonly warnings: readonly string[];
  /**
   * True when the kernel is not atomic here and the state did change before the error
   * (iommufd unmap meeting a partly covered area, kernel-semantics §5.5).
   */
  readonly partial?: boolean;
}

export type Outcome = OkOutcome | FailOutcome;
