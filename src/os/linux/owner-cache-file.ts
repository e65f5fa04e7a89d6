// Socket owners remembered between pm processes (Linux). Each pm command is a fresh process,
// and finding a socket's owner means reading every fd link of every process; this file lets
// the next process confirm each owner it already knows with one readlink instead.
//
// The file is a hint, never a source of truth: every entry names the exact fd link to read
// (/proc/<pid>/fd/<fd> must still say socket:[<inode>]) and the owner's start time, and the
// resolver checks both before believing it. Anything odd about the file (corrupt, not ours,
// writable by others, not a regular file) makes pm ignore it, and any error reading or
// writing it is swallowed: the scan then simply walks /proc as if the file did not exist.
import { join } from 'node:path';
import {
  type CacheFs,
  type PrivateFileOptions,
  readPrivateFile,
  writePrivateFile,
} from '../shared/private-cache.js';

export type { CacheFs } from '../shared/private-cache.js';

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

export interface OwnerCacheFileOptions {
  /** The directory that holds the file (created 0700 on first write). */
  readonly directory: string;
  /** Effective uid the file and directory must belong to. Defaults to process.geteuid(). */
  readonly uid?: number;
  readonly fs?: CacheFs;
}

export class OwnerCacheFile implements OwnerMemory {
  readonly path: string;
  private readonly directory: string;
  private readonly options: PrivateFileOptions;

  constructor(options: OwnerCacheFileOptions) {
    this.directory = options.directory;
    this.path = join(options.directory, FILE_NAME);
    this.options = {
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.fs ? { fs: options.fs } : {}),
    };
  }

  load(): RememberedOwners | undefined {
    const bytes = readPrivateFile(this.directory, FILE_NAME, MAX_FILE_BYTES, this.options);
    return bytes === undefined ? undefined : decodeOwnerCache(bytes.toString('latin1'));
  }

  save(owners: RememberedOwners): void {
    writePrivateFile(this.directory, FILE_NAME, encodeOwnerCache(owners), this.options);
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
