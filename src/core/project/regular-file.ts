// Reading the files pm did not write (.pm.toml, a worktree's .git file, package.json, a
// user's .env). Anyone can leave a FIFO or a device under those names, or a link to
// /dev/zero; a plain read would then block pm forever (SIGINT no longer works in a blocking
// read) or fill memory, so every such file is opened without blocking and refused unless it
// is a regular file of a bounded size, checked with fstat before a byte is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type RefusedRead = {
  readonly ok: false;
  readonly reason: 'missing' | 'not-regular' | 'too-large' | 'unreadable';
};

export type RegularRead = { readonly ok: true; readonly text: string } | RefusedRead;

export type RegularBytes =
  | { readonly ok: true; readonly data: Buffer; readonly stat: Stats }
  | RefusedRead;

/** Larger than any hand-written manifest; a bigger file is a mistake, not a config. */
export const MAX_BYTES = 1024 * 1024;

/** Opens without blocking (a FIFO with no writer returns at once); undefined or the reason. */
export function openRegular(path: string): number | RefusedRead {
  try {
    return openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable',
    };
  }
}

/** The whole of an open file, refused unless regular and at most `maxBytes`. */
export function readOpenRegular(fd: number, maxBytes = MAX_BYTES): RegularBytes {
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: 'not-regular' };
    if (stat.size > maxBytes) return { ok: false, reason: 'too-large' };
    // Read to the end, not to fstat's size: a file that grows while read (an editor appending)
    // would otherwise be cut inside a line. One byte past the limit tells a file that grew
    // past it.
    let buffer = Buffer.alloc(Math.min(stat.size + 1, maxBytes + 1));
    let read = 0;
    for (;;) {
      if (read === buffer.length) {
        if (buffer.length > maxBytes) break;
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, read);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read > maxBytes) return { ok: false, reason: 'too-large' };
    return { ok: true, data: buffer.subarray(0, read), stat };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}

export function readRegularBytes(path: string, maxBytes = MAX_BYTES): RegularBytes {
  const fd = openRegular(path);
  if (typeof fd !== 'number') return fd;
  try {
    return readOpenRegular(fd, maxBytes);
  } finally {
    closeSync(fd);
  }
}

export function readRegularFile(path: string, maxBytes = MAX_BYTES): RegularRead {
  const read = readRegularBytes(path, maxBytes);
  return read.ok ? { ok: true, text: read.data.toString('utf8') } : read;
}

/** Why a file was refused, for messages ("it is ..."). */
export function refusalText(reason: RefusedRead['reason'], maxBytes = MAX_BYTES): string {
  return {
    missing: 'it does not exist',
    'not-regular': 'it is not a regular file (a directory, FIFO or device)',
    'too-large': `it is larger than ${maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MiB` : `${maxBytes} bytes`}`,
    unreadable: 'it cannot be read (permissions?)',
  }[reason];
}
