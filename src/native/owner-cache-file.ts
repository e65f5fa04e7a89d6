// Socket owners remembered between pm processes (Linux). Each pm command is a fresh process,
// and finding a socket's owner means reading every fd link of every process; this file lets
// the next process confirm each owner it already knows with one readlink instead.
//
// The file is a hint, never a source of truth: every entry names the exact fd link to read
// (/proc/<pid>/fd/<fd> must still say socket:[<inode>]) and the owner's start time, and the
// resolver checks both before believing it. Anything odd about the file (corrupt, not ours,
// writable by others, not a regular file) makes pm ignore it, and any error reading or
// writing it is swallowed: the scan then simply walks /proc as if the file did not exist.
import * as nodeFs from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** One socket's owner as last seen: enough to re-check it with a single readlink. */
export interface RememberedOwner {
  readonly inode: number;
  readonly pid: number;
  /** The fd number in /proc/<pid>/fd that linked to socket:[inode]. */
  readonly fd: number;
  /** /proc/<pid>/stat field 22: tells a reused pid apart from the process seen. */
  readonly startTime: string;
}

/**
 * Sockets that a complete walk of /proc found in no readable process (e.g. a root-owned
 * process whose fd table is hidden even from root), with the pids that walk covered: a
 * later process need only look in processes born since.
 */
export interface UnresolvedSockets {
  readonly inodes: readonly number[];
  readonly pids: readonly number[];
  /** Date.now() of that walk: the knowledge expires (see UNRESOLVED_TTL_MS). */
  readonly walkedAt: number;
}

export interface RememberedOwners {
  readonly owners: readonly RememberedOwner[];
  readonly unresolved?: UnresolvedSockets;
}

/** What the resolver needs from the file: both calls never throw. */
export interface OwnerMemory {
  load(): RememberedOwners | undefined;
  save(owners: RememberedOwners): void;
}

/** At most this many owners are kept (more sockets than that are walked for each time). */
export const MAX_REMEMBERED_OWNERS = 4096;
/** At most this many pids accompany unresolved sockets; a busier machine walks again. */
export const MAX_REMEMBERED_PIDS = 8192;
/** How long "no process holds it" is believed before a full walk checks again. */
export const UNRESOLVED_TTL_MS = 10 * 60 * 1000;
/** A larger file is not ours to read (MAX_REMEMBERED_* lines fit in far less). */
const MAX_FILE_BYTES = 1024 * 1024;

const HEADER = 'pm socket owners 1';
const FILE_NAME = 'socket-owners';

/** The parts of node:fs the file uses; tests replace fstatSync to fake another owner. */
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
>;

export interface OwnerCacheFileOptions {
  /** The directory that holds the file (created 0700 on first write). */
  readonly directory: string;
  /** Effective uid the file and directory must belong to. Defaults to process.geteuid(). */
  readonly uid?: number;
  readonly fs?: CacheFs;
}

/**
 * Where the owner cache lives: $PM_CACHE_DIR if set; else $XDG_RUNTIME_DIR/port-manager when
 * that directory exists and belongs to this user (private, and gone at logout: owners do not
 * outlive the session anyway); else the user's cache directory ($XDG_CACHE_HOME or ~/.cache).
 */
export function ownerCacheDirectory(
  env: NodeJS.ProcessEnv = process.env,
  uid: number = process.geteuid?.() ?? -1,
  fs: Pick<CacheFs, 'lstatSync'> = nodeFs,
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
  const cacheHome =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'port-manager');
}

export class OwnerCacheFile implements OwnerMemory {
  readonly path: string;
  private readonly directory: string;
  private readonly uid: number;
  private readonly fs: CacheFs;

  constructor(options: OwnerCacheFileOptions) {
    this.directory = options.directory;
    this.path = join(options.directory, FILE_NAME);
    this.uid = options.uid ?? process.geteuid?.() ?? -1;
    this.fs = options.fs ?? nodeFs;
  }

  load(): RememberedOwners | undefined {
    try {
      if (!this.directoryIsPrivate()) return undefined;
      const text = this.readTrusted();
      return text === undefined ? undefined : decodeOwnerCache(text);
    } catch {
      return undefined;
    }
  }

  save(owners: RememberedOwners): void {
    const temp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      this.fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });
      if (!this.directoryIsPrivate()) return;
      // 'wx': never write through a file or link someone else put at the temp name.
      this.fs.writeFileSync(temp, encodeOwnerCache(owners), { mode: 0o600, flag: 'wx' });
      this.fs.renameSync(temp, this.path);
    } catch {
      try {
        this.fs.unlinkSync(temp);
      } catch {
        // never created
      }
    }
  }

  /**
   * Ours, a real directory, and not writable by others. A directory pm did not create (one
   * named by PM_CACHE_DIR) is never chmod-ed: if it is open to others, the cache is not used.
   */
  private directoryIsPrivate(): boolean {
    const stat = this.fs.lstatSync(this.directory);
    return stat.isDirectory() && stat.uid === this.uid && (stat.mode & 0o022) === 0;
  }

  /**
   * The file's text, if it is a regular file owned by this user that no one else may write.
   * Opened without following a link and without blocking (a FIFO planted at the path would
   * otherwise hang pm), then checked on the open descriptor, so it cannot be swapped between
   * the check and the read.
   */
  private readTrusted(): string | undefined {
    const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = nodeFs.constants;
    let fd: number;
    try {
      fd = this.fs.openSync(this.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch {
      return undefined;
    }
    try {
      const stat = this.fs.fstatSync(fd);
      if (!stat.isFile() || stat.uid !== this.uid || (stat.mode & 0o022) !== 0) return undefined;
      if (stat.size > MAX_FILE_BYTES) return undefined;
      const buffer = Buffer.allocUnsafe(stat.size);
      let length = 0;
      while (length < buffer.length) {
        const read = this.fs.readSync(fd, buffer, length, buffer.length - length, length);
        if (read === 0) break;
        length += read;
      }
      return buffer.toString('latin1', 0, length);
    } finally {
      this.fs.closeSync(fd);
    }
  }
}

// --- format --------------------------------------------------------------------------------
//
//   pm socket owners 1
//   o <inode> <pid> <fd> <start time>          one line per remembered owner
//   u <walked at ms> <inode,...> <pid,...>     at most once: sockets no walk could attribute
//
// Decimal integers only. Any line that does not parse makes the whole file corrupt.

export function encodeOwnerCache(owners: RememberedOwners): string {
  const lines = [HEADER];
  for (const owner of owners.owners.slice(0, MAX_REMEMBERED_OWNERS)) {
    lines.push(`o ${owner.inode} ${owner.pid} ${owner.fd} ${owner.startTime}`);
  }
  const unresolved = owners.unresolved;
  if (
    unresolved &&
    unresolved.inodes.length > 0 &&
    unresolved.inodes.length <= MAX_REMEMBERED_OWNERS &&
    unresolved.pids.length <= MAX_REMEMBERED_PIDS
  ) {
    lines.push(
      `u ${unresolved.walkedAt} ${unresolved.inodes.join(',')} ${unresolved.pids.join(',') || '-'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const INTEGER = /^(0|[1-9]\d{0,15})$/;

/** The file's content, or undefined if any part of it is not what encodeOwnerCache writes. */
export function decodeOwnerCache(text: string): RememberedOwners | undefined {
  const lines = text.split('\n');
  if (lines[0] !== HEADER || lines.at(-1) !== '') return undefined;
  const owners: RememberedOwner[] = [];
  let unresolved: UnresolvedSockets | undefined;
  for (let i = 1; i < lines.length - 1; i++) {
    const fields = lines[i]!.split(' ');
    if (fields[0] === 'o' && fields.length === 5 && owners.length < MAX_REMEMBERED_OWNERS) {
      const [, inode, pid, fd, startTime] = fields as [string, string, string, string, string];
      if (![inode, pid, fd, startTime].every((field) => INTEGER.test(field))) return undefined;
      owners.push({ inode: Number(inode), pid: Number(pid), fd: Number(fd), startTime });
    } else if (fields[0] === 'u' && fields.length === 4 && unresolved === undefined) {
      const walkedAt = fields[1]!;
      const inodes = integerList(fields[2]!, MAX_REMEMBERED_OWNERS);
      const pids = fields[3] === '-' ? [] : integerList(fields[3]!, MAX_REMEMBERED_PIDS);
      if (!INTEGER.test(walkedAt) || !inodes || !pids) return undefined;
      unresolved = { inodes, pids, walkedAt: Number(walkedAt) };
    } else {
      return undefined;
    }
  }
  return unresolved ? { owners, unresolved } : { owners };
}

function integerList(text: string, max: number): number[] | undefined {
  const parts = text.split(',');
  if (parts.length > max || !parts.every((part) => INTEGER.test(part))) return undefined;
  return parts.map(Number);
}
