// Reading registry.toml without ever blocking: a FIFO, socket or device in its place would
// hang a plain read (under the lock, locking everyone out, or in the dashboard). The file is
// opened non-blocking and checked with fstat before a byte is read, and its size is checked
// before parsing, so a huge file cannot stall the event loop (and with it the lock refresh).

import { constants } from 'node:fs';
import { PmError } from '../errors.js';
import { errnoOf, ioError, type StoreFs } from './fs.js';

/**
 * Far beyond any real registry: 100,000 allocations at 100 bytes each (a project header, a
 * path and a port line apiece) fit. Parsing a file this size takes about 1.1 s on a loaded
 * 2-core VM (docs/reliability.md).
 */
export const MAX_REGISTRY_BYTES: number = 10 * 1024 * 1024;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** What a non-regular file is, by its mode's type bits (a stat never blocks). */
function kindOf(mode: number): string {
  switch (mode & constants.S_IFMT) {
    case constants.S_IFIFO:
      return 'a FIFO (named pipe)';
    case constants.S_IFSOCK:
      return 'a socket';
    case constants.S_IFDIR:
      return 'a directory';
    case constants.S_IFCHR:
    case constants.S_IFBLK:
      return 'a device';
    default:
      return 'not a regular file';
  }
}

/** Refuses a path that exists and is not a regular file, from a stat (which never blocks). */
export async function refuseNonRegular(
  fs: StoreFs,
  path: string,
  shownPath: string,
): Promise<void> {
  const info = await fs.stat(path).catch(() => undefined);
  if (info === undefined) return;
  if ((info.mode & constants.S_IFMT) === constants.S_IFREG) return;
  throw notRegular(shownPath, kindOf(info.mode));
}

export function notRegular(path: string, kind: string): PmError {
  return new PmError(
    'IO',
    `registry path ${path} is ${kind}, not a regular file; pm refuses to read or replace it`,
    [{ kind: 'text', text: 'move it away' }, { kind: 'other-registry' }],
  );
}

export function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}

async function unreadable(fs: StoreFs, path: string, error: unknown): Promise<PmError> {
  const mode = await fs.stat(path).then(
    (info) => info.mode,
    () => undefined,
  );
  if (mode === undefined) return ioError('read', path, error);
  return new PmError(
    'IO',
    `cannot read ${path}: permission denied (the file's mode is ${modeText(mode)})`,
    `give its owner read and write access (chmod 600 ${path}); a restore would fail the same way`,
    { cause: error },
  );
}

function tooLarge(shownPath: string, size: number): PmError {
  return new PmError(
    'IO',
    `registry ${shownPath} is ${(size / 1024 / 1024).toFixed(1)} MiB, more than the ${MAX_REGISTRY_BYTES / 1024 / 1024} MiB pm reads (100,000 allocations fit in far less); it was not parsed`,
    [
      { kind: 'text', text: 'this is not a registry pm wrote: move it away' },
      { kind: 'other-registry' },
    ],
  );
}

/** The file's text, or undefined when it does not exist. */
export async function readRegistryText(
  fs: StoreFs,
  path: string,
  shownPath: string = path,
): Promise<string | undefined> {
  let handle: Awaited<ReturnType<StoreFs['open']>>;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') return undefined;
    if (code === 'ENXIO') throw notRegular(shownPath, 'a socket'); // sockets cannot be opened
    if (code === 'EISDIR') throw notRegular(shownPath, 'a directory');
    if (code === 'EACCES' || code === 'EPERM') throw await unreadable(fs, path, error);
    throw ioError('read', shownPath, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegular(shownPath, kindOf(info.mode));
    if (info.size > MAX_REGISTRY_BYTES) throw tooLarge(shownPath, info.size);
    return await readAll(handle, info.size, shownPath);
  } catch (error) {
    if (error instanceof PmError) throw error;
    throw ioError('read', shownPath, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The whole file, in one read when it still has the size fstat gave (FileHandle.readFile
 * stats it again and reads until a read returns nothing: three trips to the thread pool
 * instead of one, on every registry read). A file that grew meanwhile is read to its end,
 * within the same size limit.
 */
async function readAll(
  handle: Awaited<ReturnType<StoreFs['open']>>,
  size: number,
  shownPath: string,
): Promise<string> {
  // One byte more than expected: getting it means the file grew.
  let buffer = Buffer.allocUnsafe(size + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    length += bytesRead;
    if (bytesRead === 0 || length <= size) {
      if (bytesRead === 0 || length === size) break;
      continue; // a short read before the size fstat gave: not the end yet
    }
    if (length === buffer.length) {
      if (buffer.length > MAX_REGISTRY_BYTES) throw tooLarge(shownPath, buffer.length);
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
  }
  return buffer.toString('utf8', 0, length);
}
