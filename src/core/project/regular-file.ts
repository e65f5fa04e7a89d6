// Reading small files found by walking up from the working directory (.pm.toml, a worktree's
// .git file). Anyone can leave a FIFO or a device under those names; a plain read would then
// block pm forever, so the file is opened without blocking and refused unless it is regular.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type RegularRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: 'missing' | 'not-regular' | 'too-large' | 'unreadable' };

/** Larger than any hand-written manifest; a bigger file is a mistake, not a config. */
export const MAX_BYTES = 1024 * 1024;

export function readRegularFile(path: string, maxBytes = MAX_BYTES): RegularRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable',
    };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: 'not-regular' };
    if (stat.size > maxBytes) return { ok: false, reason: 'too-large' };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { ok: true, text: buffer.subarray(0, read).toString('utf8') };
  } catch {
    return { ok: false, reason: 'unreadable' };
  } finally {
    closeSync(fd);
  }
}
