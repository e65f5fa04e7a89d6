// pm's caches: the socket owners it saw (Linux) and Node's compile cache of pm's code (the bin
// turns it on: src/bin.ts). Both are hints that save time and are never trusted further than
// that, and the second is code pm runs: a cache is used only in a directory that is this
// user's, exactly 0700 and not a link, and a cache file only if it is this user's own, opened
// without following links. Anything else reads as "no cache".
//
// Every step is bounded: a directory that cannot be made (procfs, a read-only mount, a file in
// the way) is given up after one try per missing level. Node's recursive mkdir loops forever on
// procfs (mkdir there fails with ENOENT under an existing parent), so it is never used here.
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
import { dirname, isAbsolute, join } from 'node:path';
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

/** More missing levels than any real cache path has; deeper is not made. */
const MAX_MISSING_LEVELS = 8;

/**
 * Where pm's caches live: $PM_CACHE_DIR if set and absolute (the CLI refuses a relative one
 * with a usage error; the API ignores it, as a relative path would name a directory of
 * whatever checkout it runs in); else $XDG_RUNTIME_DIR/port-manager when that
 * directory exists and belongs to this user (private, and gone at logout: owners do not
 * outlive the session anyway); else the user's cache directory ($XDG_CACHE_HOME or ~/.cache),
 * or, with no home directory at all, $TMPDIR/port-manager-<uid>.
 */
export function cacheDirectory(
  env: Readonly<Record<string, string | undefined>>,
  uid: number = process.geteuid?.() ?? -1,
  fs: Pick<CacheFs, 'lstatSync'> = systemFs,
): string {
  if (env.PM_CACHE_DIR && isAbsolute(env.PM_CACHE_DIR)) return env.PM_CACHE_DIR;
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
    if (!ensurePrivateDirectory(directory, uid, fs)) return;
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

/**
 * Whether `directory` is private (see isPrivateDirectory), making it 0700 first if it is
 * missing (its missing parents too, each 0700). Never throws; every step is bounded.
 */
export function ensurePrivateDirectory(
  directory: string,
  uid: number = process.geteuid?.() ?? -1,
  fs: Pick<CacheFs, 'lstatSync' | 'mkdirSync'> = systemFs,
): boolean {
  if (!isAbsolute(directory)) return false;
  try {
    return isPrivateDirectory(directory, uid, fs);
  } catch {
    // missing (or unreadable): make it, then look again
  }
  try {
    makeDirectory(directory, MAX_MISSING_LEVELS, fs);
    return isPrivateDirectory(directory, uid, fs);
  } catch {
    return false;
  }
}

/** mkdir -p, one try per level and at most `levels` levels up. Throws when it cannot. */
function makeDirectory(directory: string, levels: number, fs: Pick<CacheFs, 'mkdirSync'>): void {
  try {
    fs.mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'EEXIST') return;
    const parent = dirname(directory);
    if (code !== 'ENOENT' || levels <= 1 || parent === directory) throw error;
    makeDirectory(parent, levels - 1, fs);
    fs.mkdirSync(directory, { mode: 0o700 });
  }
}

/**
 * This user's, a real directory (lstat: never a link), mode exactly 0700. Never on Windows,
 * which has no uid (-1) or mode to tell a private directory by. Throws when the directory
 * cannot be looked at.
 */
function isPrivateDirectory(directory: string, uid: number, fs: Pick<CacheFs, 'lstatSync'>) {
  const stat = fs.lstatSync(directory);
  if (!stat.isDirectory()) return false;
  return stat.uid === uid && (stat.mode & 0o777) === 0o700;
}
