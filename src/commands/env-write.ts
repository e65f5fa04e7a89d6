// `pm env --write FILE`: pm's fenced block in a user's env file, replaced atomically and only
// when it says something new. The file comes with the repository, so a committed .env may be
// a link to ~/.bashrc or to pm's own registry, a FIFO or a device; and other writers (another
// pm, an editor appending a line) may change it while pm writes.
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PmError } from '../core/errors.js';
import { updateFence } from '../core/model/env-file.js';
import { isInside } from '../core/model/registry.js';
import {
  openRegular,
  type RefusedRead,
  readOpenRegular,
  refusalText,
} from '../core/project/regular-file.js';
import { errnoOf, ioError, systemFs } from '../core/store/fs.js';
import { ownerToKeep } from '../core/store/keep-owner.js';
import { acquireLock } from '../core/store/lock.js';
import { currentPlatform } from '../os/index.js';
import { syncDirectory } from '../os/shared/sync-directory.js';
import { tempPathFor } from '../os/shared/temp-file.js';

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export interface EnvFileGuard {
  /** The project's directory: a file named inside it must really be inside it. */
  readonly root?: string | undefined;
  /** Files an env file must never be: pm's registry and its backup. */
  readonly protect?: readonly string[];
  readonly staleMs?: number;
  readonly timeoutMs?: number;
}

/** Far more than any env file; a bigger one is not one (or is /dev/zero's copy). */
export const MAX_ENV_BYTES = 4 * 1024 * 1024;
/** Rounds in which someone else changed the file between pm's read and its rename. */
const ATTEMPTS = 20;

function refused(message: string, hint: string): PmError {
  return new PmError('ENV_FILE_REFUSED', message, hint);
}

/** Where writing `path` really lands: links followed, a dangling one to the file it names. */
function realTarget(path: string): string {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let info: Stats;
    try {
      info = lstatSync(current);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw ioError('read', path, error);
      try {
        return join(realpathSync(dirname(current)), basename(current));
      } catch (inner) {
        // Say the directory is missing, not which temp file failed.
        if (errnoOf(inner) === 'ENOENT' || errnoOf(inner) === 'ENOTDIR') {
          throw new PmError(
            'IO',
            `cannot write ${path}: the directory ${dirname(current)} does not exist`,
            'create the directory first, or write the file somewhere that exists',
          );
        }
        throw ioError('write', path, inner);
      }
    }
    if (!info.isSymbolicLink()) return realpathSync(current);
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw ioError(
    'read',
    path,
    Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' }),
  );
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function refuseTarget(named: string, target: string, guard: EnvFileGuard): void {
  for (const protectedPath of guard.protect ?? []) {
    if (target === realOrResolved(protectedPath))
      throw refused(
        `${named} leads to ${target}, pm's registry file; pm never writes it as an env file`,
        'write the variables to another file (remove the link first)',
      );
  }
  const root =
    guard.root !== undefined && isInside(named, resolve(guard.root)) ? guard.root : dirname(named);
  const realRoot = realOrResolved(root);
  if (!isInside(target, realRoot))
    throw refused(
      `${named} is a symbolic link to ${target}, outside ${realRoot}; pm writes an env file only inside the directory it is named in`,
      'remove the link, or name the file it points to',
    );
}

function refusedRead(named: string, reason: RefusedRead['reason']): PmError {
  return refused(
    `${named}: ${refusalText(reason, MAX_ENV_BYTES)}; pm did not change it`,
    'name a regular env file (e.g. .env)',
  );
}

/**
 * Sets the project's block in `file`, leaving every other byte as it was. Nothing is written
 * when the block already says the same (the file's mtime stays), so watchers of the file
 * (compose, dev servers) are not woken for nothing. A symlinked file is updated where it
 * points (inside the project), not replaced by a regular file.
 */
export async function writeEnvFile(
  file: string,
  project: string,
  lines: readonly string[],
  guard: EnvFileGuard = {},
): Promise<WriteOutcome> {
  const named = resolve(file);
  const target = realTarget(named);
  refuseTarget(named, target, guard);
  const staleMs = guard.staleMs ?? 10_000;
  // Other pm processes writing the same file wait here (a lock directory beside it).
  const release = await acquireLock(
    target,
    {
      fs: systemFs(),
      platform: currentPlatform().store.platform,
      probe: currentPlatform().store.probe,
      staleMs,
      timeoutMs: guard.timeoutMs ?? staleMs + 5000,
      displayPath: target,
    },
    () => undefined,
  );
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const outcome = await replaceOnce(named, target, project, lines);
      if (outcome !== 'changed-meanwhile') return outcome;
    }
    throw refused(
      `${named} kept changing while pm wrote it (${ATTEMPTS} tries); pm did not change it`,
      'run the command again when nothing else is writing the file',
    );
  } finally {
    await release();
  }
}

async function replaceOnce(
  named: string,
  target: string,
  project: string,
  lines: readonly string[],
): Promise<WriteOutcome | 'changed-meanwhile'> {
  const fd = openRegular(target);
  if (typeof fd !== 'number' && fd.reason !== 'missing') throw refusedRead(named, fd.reason);
  try {
    let before: { data: Buffer; stat: Stats } | undefined;
    if (typeof fd === 'number') {
      const read = readOpenRegular(fd, MAX_ENV_BYTES);
      if (!read.ok) throw refusedRead(named, read.reason);
      before = read;
    }
    // latin1 maps each byte to one character and back, so bytes outside the block survive
    // whatever their encoding.
    const update = updateFence(before?.data.toString('latin1'), project, lines, named);
    if (!update.changed) return 'unchanged';
    const temp = tempPathFor(target);
    try {
      writeTemp(
        temp,
        Buffer.from(update.text, 'latin1'),
        before?.stat ?? statSync(dirname(target)),
        before?.stat,
      );
      // Someone rewrote the file since it was read: their change would be lost; read again.
      // Lines only appended to it (an editor, a logger) are carried over after the rename
      // instead: a steady appender would otherwise never let pm in.
      if (changeSince(target, fd, before) === 'rewritten') return 'changed-meanwhile';
      renameSync(temp, target);
    } catch (error) {
      if (error instanceof PmError) throw error;
      throw ioError('write', named, error);
    } finally {
      try {
        unlinkSync(temp);
      } catch {
        // renamed, as it should be
      }
    }
    syncDirectory(dirname(target));
    if (typeof fd === 'number' && before)
      await keepLateAppends(fd, before.data.length, target, before.stat);
    return before ? 'updated' : 'created';
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}

function writeTemp(temp: string, data: Buffer, ownerOf: Stats, existing: Stats | undefined): void {
  const mode = existing ? existing.mode & 0o7777 : 0o644;
  const out = openSync(temp, 'wx', mode);
  try {
    // The umask would narrow the mode of a file pm replaces; keep the one it had.
    fchmodSync(out, mode);
    const owner = ownerToKeep(ownerOf);
    if (owner) fchownSync(out, owner.uid, owner.gid);
    let offset = 0;
    while (offset < data.length) offset += writeSync(out, data, offset, data.length - offset);
    fsyncSync(out);
  } finally {
    closeSync(out);
  }
}

/** What happened to the file at `target` since pm read it through `fd`. */
function changeSince(
  target: string,
  fd: number | RefusedRead,
  read: { data: Buffer; stat: Stats } | undefined,
): 'none' | 'appended' | 'rewritten' {
  const atPath = statSync(target, { throwIfNoEntry: false });
  if (read === undefined || typeof fd !== 'number')
    return atPath === undefined ? 'none' : 'rewritten';
  if (atPath?.ino !== read.stat.ino) return 'rewritten';
  const now = fstatSync(fd);
  if (now.size === read.stat.size && now.mtimeMs === read.stat.mtimeMs) return 'none';
  if (now.size < read.stat.size) return 'rewritten';
  // Grown: an append when the bytes pm read are still the file's first bytes.
  return bytesAt(fd, 0, read.data.length).equals(read.data) ? 'appended' : 'rewritten';
}

/** Up to `length` bytes of `fd` from `position` (fewer at its end). */
function bytesAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buffer, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

/** How long the old file must stay still after the rename before pm stops watching it. */
const QUIET_MS = 20;
/** The longest pm watches the old file of a writer that keeps appending to it. */
const WATCH_MS = 200;
/** A file written this recently has a writer at work: watch it longer than an idle one. */
const BUSY_MS = 2000;

/**
 * A writer that opened the file just before the rename appends to the old file, which no
 * name leads to any more: those bytes are appended to the new one, so no line is lost. A
 * writer is seen between its open and its write only by waiting: an idle file gets three
 * quick looks, a busy one (written in the last BUSY_MS, or grown while pm wrote) is watched
 * until it has been still for QUIET_MS (at most WATCH_MS). A writer that holds the file open
 * for longer writes to the old file after that, as it would after any editor's save.
 */
async function keepLateAppends(
  fd: number,
  known: number,
  target: string,
  readAt: Stats,
): Promise<void> {
  let size = known;
  const started = Date.now();
  const busy = started - readAt.mtimeMs < BUSY_MS || fstatSync(fd).size > known;
  let stillSince = started;
  for (let look = 0; ; look++) {
    const now = fstatSync(fd).size;
    if (now > size) {
      const tail = bytesAt(fd, size, now - size);
      const out = openSync(target, 'a');
      try {
        writeSync(out, tail);
      } finally {
        closeSync(out);
      }
      size += tail.length;
      stillSince = Date.now();
    }
    if (!busy) {
      if (look >= 2) return;
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    const at = Date.now();
    if (at - stillSince >= QUIET_MS || at - started >= WATCH_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
