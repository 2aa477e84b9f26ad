import { closeSync, openSync, readSync } from 'node:fs';
import type { CliIo } from './command.ts';

/**
 * Reads a FILE argument (or standard input for "-") whole, up to a size cap. Host text and
 * scenario files are kilobytes to a few megabytes; the cap keeps a wrong argument — /dev/zero, a
 * disk image, a pipe that never ends — from growing the process without bound: reading stops one
 * chunk past the cap and the command says why.
 */
export const INPUT_LIMIT = 64 * 1024 * 1024;

const CHUNK = 1024 * 1024;

export function readInput(
  file: string,
  io: CliIo,
  command: string,
  limit = INPUT_LIMIT,
): string | undefined {
  const fail = (why: string): undefined => {
    io.err(`iova-explorer ${command}: cannot read ${file}: ${why}\n`);
    return undefined;
  };
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (e) {
    return fail(reason(e));
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
      const n = readChunk(fd, chunk);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > limit)
        return fail(
          `it holds more than ${formatLimit(limit)}, the most an input may hold (a host bundle is a few hundred KB)`,
        );
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (e) {
    return fail(reason(e));
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** One read; a non-blocking standard input (a terminal, some pipes) says EAGAIN until data comes. */
function readChunk(fd: number, into: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, into, 0, into.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  return (e as Error).message;
}

function formatLimit(limit: number): string {
  return limit % (1024 * 1024) === 0 ? `${limit / (1024 * 1024)} MiB` : `${limit} bytes`;
}
