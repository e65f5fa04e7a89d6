// pm's caches: the socket owners it saw (Linux) and V8's compiled code of its
// bundles. Both are hints that save time and are never trusted further than that, and
// the second is code pm runs: a cache file is used only if this user's own, in a directory
// nobody else may write, opened without following links. Anything else reads as "no cache".
import type * as nodeFs from 'node:fs';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { homeDirectory } from './home.js';
import { isDeadWritersTemp, tempPathFor } from './temp-file.js';

/** The parts of node:fs the caches use; tests replace fstatSync to fake another owner. */
export type CacheFs = Pick<
  typeof nodeFs,
  | 'openSync'
  | 'fstatSync'
  | 'readSync'
  | 'closeSync'
  | 'lstatSync'
  | 'mkdirSync'
  | 'writeFileSync'
  | 'renameSync'
  | 'unlinkSync'
  | 'readdirSync'
>;

/** Named, not `import * as`: a CommonJS bundle would copy all of node:fs for that. */
const systemFs: CacheFs = {
  openSync,
  fstatSync,
  readSync,
  closeSync,
  lstatSync,
  mkdirSync,
  writeFileSync,
  renameSync,
  unlinkSync,
  readdirSync,
};

export interface PrivateFileOptions {
  /** Effective uid the file and directory must belong to. Defaults to process.geteuid(). */
  readonly uid?: number;
  readonly fs?: CacheFs;
}

/**
 * Where pm's caches live: $PM_CACHE_DIR if set; else $XDG_RUNTIME_DIR/port-manager when that
 * directory exists and belongs to this user (private, and gone at logout: owners do not
 * outlive the session anyway); else the user's cache directory ($XDG_CACHE_HOME or ~/.cache),
 * or, with no home directory at all, $TMPDIR/port-manager-<uid>.
 */
export function cacheDirectory(
  env: Readonly<Record<string, string | undefined>>,
  uid: number = process.geteuid?.() ?? -1,
  fs: Pick<CacheFs, 'lstatSync'> = systemFs,
): string {
  if (env.PM_CACHE_DIR) return env.PM_CACHE_DIR;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime)) {
    try {
      const stat = fs.lstatSync(runtime);
      if (stat.isDirectory() && stat.uid === uid) return join(runtime, 'port-manager');
    } catch {
      // unset in practice: fall through to the cache directory
    }
  }
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) {
    return join(env.XDG_CACHE_HOME, 'port-manager');
  }
  const home = homeDirectory(env);
  // No home at all (a container's arbitrary uid): a directory of this uid in the temp dir; one
  // someone else made there is not private, so it is never used.
  return home === undefined
    ? join(tmpdir(), `port-manager-${uid}`)
    : join(home, '.cache', 'port-manager');
}

/**
 * The file's bytes, if the directory is private and the file is a regular file owned by
 * this user that no one else may write, at most `maxBytes` long. Opened without following a
 * link and without blocking (a FIFO planted at the path would otherwise hang pm), then
 * checked on the open descriptor, so it cannot be swapped between the check and the read.
 * Never throws.
 */
export function readPrivateFile(
  directory: string,
  name: string,
  maxBytes: number,
  options: PrivateFileOptions = {},
): Buffer | undefined {
  const fs = options.fs ?? systemFs;
  const uid = options.uid ?? process.geteuid?.() ?? -1;
  try {
    if (!isPrivateDirectory(directory, uid, fs)) return undefined;
    const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = constants;
    const fd = fs.openSync(join(directory, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile() || stat.uid !== uid || (stat.mode & 0o022) !== 0) return undefined;
      if (stat.size > maxBytes) return undefined;
      const buffer = Buffer.allocUnsafe(stat.size);
      let length = 0;
      while (length < buffer.length) {
        const read = fs.readSync(fd, buffer, length, buffer.length - length, length);
        if (read === 0) break;
        length += read;
      }
      return buffer.subarray(0, length);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Replaces the file atomically (a private temp file renamed over it), creating the
 * directory 0700 if need be. Does nothing in a directory that is not private (one named by
 * PM_CACHE_DIR is never chmod-ed); `data` may be a function, then called only when the file
 * will be written. Temp files of this name left by a pm that died mid-write are removed.
 * Never throws: a cache that cannot be written is no cache.
 */
export function writePrivateFile(
  directory: string,
  name: string,
  data: string | Uint8Array | (() => string | Uint8Array),
  options: PrivateFileOptions = {},
): void {
  const fs = options.fs ?? systemFs;
  const uid = options.uid ?? process.geteuid?.() ?? -1;
  const temp = tempPathFor(join(directory, name));
  try {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (!isPrivateDirectory(directory, uid, fs)) return;
    // 'wx': never write through a file or link someone else put at the temp name.
    fs.writeFileSync(temp, typeof data === 'function' ? data() : data, {
      mode: 0o600,
      flag: 'wx',
    });
    fs.renameSync(temp, join(directory, name));
    sweepDeadTemps(directory, name, fs);
  } catch {
    try {
      fs.unlinkSync(temp);
    } catch {
      // never created
    }
  }
}

/** Temp files of this cache left by a pm that died mid-write: nobody will rename them. */
function sweepDeadTemps(directory: string, name: string, fs: CacheFs): void {
  for (const entry of fs.readdirSync(directory)) {
    if (!isDeadWritersTemp(entry, name)) continue;
    try {
      fs.unlinkSync(join(directory, entry));
    } catch {
      // another pm swept it first
    }
  }
}

/** Ours, a real directory, and not writable by others. */
function isPrivateDirectory(directory: string, uid: number, fs: Pick<CacheFs, 'lstatSync'>) {
  const stat = fs.lstatSync(directory);
  return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0;
}
