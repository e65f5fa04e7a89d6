// The cross-process lock: a proper-lockfile directory beside the registry holding owner.json,
// which names the holder (pid, start time, boot, host, command). A waiter takes the lock over
// only when that holder is dead: a live holder keeps it however long it stalls (a stopped job,
// a sleeping laptop), because taking it over lets two writers interleave and lose an update.
// A waiter keeps waiting while the lock changes hands, and gives up only when one holder
// keeps it without progress for the whole timeout, and then names it.
import type * as nodeFs from 'node:fs';
import {
  existsSync,
  promises as fsPromises,
  mkdir,
  realpath,
  rename,
  rmdir,
  rmdirSync,
  stat,
  unlink,
  utimes,
  writeFile,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { PmError } from '../errors.js';
import type { Liveness, ProcessIdentity, ProcessProbe } from '../ports.js';
import { errnoOf, ioError, type StoreFs, sleep } from './fs.js';

export const LOCK_SUFFIX = '.lock';
export const LOCK_OWNER_FILE = 'owner.json';

/** proper-lockfile must never judge staleness itself (it only sees mtimes): ~24 days. */
const NEVER_STALE_MS = 2 ** 31 - 1;
/** A waiter says who it waits for once one holder has kept the lock this long. */
const NOTICE_AFTER_MS = 2000;

export interface LockOwner extends ProcessIdentity {
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Tells two takings of the lock apart (a recovered lock, a pid taken twice). */
  readonly nonce: string;
}

export interface LockOptions {
  readonly fs: StoreFs;
  readonly platform: NodeJS.Platform;
  /**
   * How long a lock without a readable owner on this host (one from another machine on a
   * shared disk, or one whose holder died while creating it) may go unrefreshed before it is
   * taken over. Holders refresh it every staleMs / 4.
   */
  readonly staleMs: number;
  /** How long one holder may keep the lock without progress before a waiter gives up. */
  readonly timeoutMs: number;
  /** The registry path as the user named it, for messages. */
  readonly displayPath: string;
  readonly onNotice?: (message: string) => void;
  readonly probe: ProcessProbe;
}

export type LockState =
  | { readonly state: 'free' }
  | {
      readonly state: 'held' | 'stale';
      readonly ageMs: number;
      readonly staleMs: number;
      readonly owner?: LockOwner;
      /** Set when the lock directory belongs to another user. */
      readonly foreignUid?: number;
    };

function commandLine(): string {
  const [, script, ...args] = process.argv;
  const name = script ? basename(script).replace(/\.(c|m)?js$/, '') : 'node';
  return [name === 'cli' ? 'pm' : name, ...args].join(' ').slice(0, 200);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    if (typeof value.nonce !== 'string' || typeof value.since !== 'string') return undefined;
    return { command: '', ...value } as LockOwner;
  } catch {
    return undefined;
  }
}

export function describeOwner(owner: LockOwner): string {
  const command = owner.command ? ` (${owner.command})` : '';
  return `pid ${owner.pid}${command} on ${owner.host} since ${owner.since}`;
}

interface Seen {
  readonly owner?: LockOwner;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly uid?: number;
}

async function look(fs: StoreFs, lockPath: string): Promise<Seen | undefined> {
  let info: Awaited<ReturnType<StoreFs['stat']>>;
  try {
    info = await fs.stat(lockPath);
  } catch {
    return undefined;
  }
  const text = await fs.readFile(join(lockPath, LOCK_OWNER_FILE), 'utf8').catch(() => undefined);
  const owner = text === undefined ? undefined : parseOwner(text);
  return { mtimeMs: info.mtimeMs, ino: info.ino, ...(owner ? { owner } : {}), uid: info.uid };
}

function verdict(seen: Seen, probe: ProcessProbe, staleMs: number): Liveness {
  const { owner } = seen;
  if (owner && owner.host === hostname()) return probe.liveness(owner);
  // Another machine's holder (or none recorded): only its refreshes show it is alive.
  return Date.now() - seen.mtimeMs > staleMs ? 'dead' : 'alive';
}

function foreignUid(uid: number | undefined): number | undefined {
  const mine = process.getuid?.();
  return uid !== undefined && mine !== undefined && uid !== mine ? uid : undefined;
}

/** What `pm doctor` reports about the lock. Never changes anything. */
export async function inspectLock(
  fs: StoreFs,
  lockPath: string,
  staleMs: number,
  probe: ProcessProbe,
): Promise<LockState> {
  const seen = await look(fs, lockPath);
  if (!seen) return { state: 'free' };
  const uid = foreignUid(seen.uid);
  return {
    state: verdict(seen, probe, staleMs) === 'dead' ? 'stale' : 'held',
    ageMs: Date.now() - seen.mtimeMs,
    staleMs,
    ...(seen.owner ? { owner: seen.owner } : {}),
    ...(uid !== undefined ? { foreignUid: uid } : {}),
  };
}

/**
 * Removes a dead holder's lock without ever removing a live one. A dead holder never touches
 * its lock again, so once recoverers are serialised (a second mkdir lock beside the first)
 * the one that finds the same dead owner still in place can remove it safely. Judging from
 * a single look is not enough: a holder that released and exited looks dead too, and its
 * directory may already be a new, live holder's.
 */
async function recover(
  fs: StoreFs,
  lockPath: string,
  dead: Seen,
  probe: ProcessProbe,
  staleMs: number,
): Promise<boolean> {
  const guard = `${lockPath}.recover`;
  try {
    await fsPromises.mkdir(guard);
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw error;
    // Recovery takes milliseconds; a guard older than the stale time was left by a crash.
    const age = await fs.stat(guard).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    if (age > staleMs) await fsPromises.rmdir(guard).catch(() => undefined);
    return false;
  }
  try {
    const now = await look(fs, lockPath);
    if (!now) return false;
    const same = now.owner ? now.owner.nonce === dead.owner?.nonce : now.ino === dead.ino;
    if (!same || verdict(now, probe, staleMs) !== 'dead') return false;
    await fs.unlink(join(lockPath, LOCK_OWNER_FILE)).catch(() => undefined);
    await fsPromises.rmdir(lockPath);
    return true;
  } finally {
    await fsPromises.rmdir(guard).catch(() => undefined);
  }
}

/**
 * proper-lockfile creates the lock with `mkdir`; this one creates it complete: a temp
 * directory holding owner.json, renamed to the lock's name. A lock directory therefore never
 * exists without its owner record, so a holder stopped while taking the lock (SIGSTOP, a
 * debugger) cannot be mistaken for one that died without recording itself and be taken
 * over. The rename fails (ENOTEMPTY/EEXIST) when the lock exists; that is reported to
 * proper-lockfile as the EEXIST of its mkdir. The rename would replace an empty directory
 * (an older pm's lock before its owner record): that is checked just before it, which
 * leaves only an older pm's mkdir in that instant unseen.
 */
function ownedLockFs(owner: LockOwner): LockfileFs {
  return {
    // What proper-lockfile calls (lib/lockfile.js, lib/mtime-precision.js), named: a spread of
    // `import * as fs` would make the CommonJS bundle copy all of node:fs on every start.
    realpath,
    stat,
    utimes,
    rmdirSync,
    mkdir: ((path: string, callback: (error: NodeJS.ErrnoException | null) => void) => {
      // Named as os/shared/temp-file.ts names temp files (<name>.<pid>.<random>.tmp), so the
      // directory of a taker that died here is swept with the registry's temp files.
      const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
      const discard = (then: () => void) =>
        unlink(join(temp, LOCK_OWNER_FILE), () => rmdir(temp, () => then()));
      mkdir(temp, (error) => {
        if (error) return callback(error);
        writeFile(
          join(temp, LOCK_OWNER_FILE),
          `${JSON.stringify(owner)}\n`,
          { flag: 'wx', mode: 0o644 },
          (writeError) => {
            if (writeError) return discard(() => callback(writeError));
            // rename replaces an empty directory: one an older pm (or another tool using
            // proper-lockfile) holds without an owner record is a held lock too.
            if (existsSync(path))
              return discard(() =>
                callback(Object.assign(new Error(`${path} exists`), { code: 'EEXIST' })),
              );
            rename(temp, path, (renameError) => {
              if (!renameError) return callback(null);
              const code = renameError.code;
              const held =
                code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EACCES';
              discard(() =>
                callback(
                  held
                    ? Object.assign(new Error(`${path} exists`), { code: 'EEXIST' })
                    : renameError,
                ),
              );
            });
          },
        );
      });
    }) as unknown as typeof nodeFs.mkdir,
    rmdir: ((path: string, callback: (error: NodeJS.ErrnoException | null) => void) => {
      unlink(join(path, LOCK_OWNER_FILE), () => rmdir(path, callback));
    }) as unknown as typeof nodeFs.rmdir,
  };
}

type LockfileFs = Pick<
  typeof nodeFs,
  'realpath' | 'stat' | 'utimes' | 'rmdirSync' | 'mkdir' | 'rmdir'
>;

export async function acquireLock(
  file: string,
  options: LockOptions,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  const { fs, platform, staleMs, timeoutMs, displayPath, onNotice } = options;
  const { probe } = options;
  const lockPath = `${file}${LOCK_SUFFIX}`;
  // Loaded on first write only: proper-lockfile pulls in graceful-fs, which patches fs
  // and costs ~15% of a bare Node start on read-only paths like `pm query`.
  const { default: lockfile } = await import('proper-lockfile');
  // Progress is the lock changing hands: the same holder for `timeoutMs` is a stall.
  let holder: string | undefined;
  let holderSince = Date.now();
  let told = false;
  const self = probe.self();
  for (let attempt = 0; ; attempt++) {
    const owner: LockOwner = {
      ...self,
      command: commandLine(),
      since: new Date().toISOString(),
      nonce: Math.random().toString(36).slice(2, 12),
    };
    try {
      return await lockfile.lock(file, {
        realpath: false,
        lockfilePath: lockPath,
        stale: NEVER_STALE_MS,
        update: Math.max(1000, Math.floor(staleMs / 4)),
        retries: 0,
        fs: ownedLockFs(owner),
        onCompromised,
      });
    } catch (error) {
      const code = errnoOf(error);
      if (code !== 'ELOCKED' && !(platform === 'win32' && code === 'EPERM')) {
        throw ioError('lock', displayPath, error);
      }
    }
    const seen = await look(fs, lockPath);
    if (!seen) continue; // released between our attempt and our look
    if (verdict(seen, probe, staleMs) === 'dead') {
      const recovered = await recover(fs, lockPath, seen, probe, staleMs).catch((error) =>
        throwRecover(error, seen),
      );
      if (recovered) {
        onNotice?.(
          `recovered a stale registry lock (${lockPath}) left by ${seen.owner ? `${describeOwner(seen.owner)}, which is no longer running` : 'a process that stopped without releasing it'}`,
        );
      } else {
        // Another waiter is recovering it, or it changed hands meanwhile.
        await sleep(2 + Math.random() * 8);
      }
      continue;
    }
    const token = seen.owner?.nonce ?? `dir:${seen.ino}`;
    if (token !== holder) {
      holder = token;
      holderSince = Date.now();
      told = false;
    }
    const held = Date.now() - holderSince;
    if (held >= timeoutMs) throw stalled(lockPath, seen, held);
    if (!told && held >= Math.min(NOTICE_AFTER_MS, timeoutMs / 2)) {
      told = true;
      onNotice?.(`waiting for the registry lock: ${holderText(lockPath, seen)}; is it stopped?`);
    }
    // Short, randomised waits: contention lasts milliseconds, and jitter avoids lockstep.
    await sleep(Math.min(150, 5 + attempt * 4) * (0.5 + Math.random()));
  }

  function throwRecover(error: unknown, seen: Seen): never {
    const uid = foreignUid(seen.uid);
    const by = uid === undefined ? '' : ` (the lock belongs to user id ${uid})`;
    throw ioError(`remove the stale lock${by} of`, displayPath, error);
  }
}

function holderText(lockPath: string, seen: Seen): string {
  const uid = foreignUid(seen.uid);
  const by = uid === undefined ? '' : ` (owned by user id ${uid})`;
  return seen.owner
    ? `${lockPath}${by} is held by ${describeOwner(seen.owner)}`
    : `${lockPath}${by} is held by a process that did not record itself (an older pm, or another machine)`;
}

function stalled(lockPath: string, seen: Seen, heldMs: number): PmError {
  const pid = seen.owner?.pid;
  return new PmError(
    'REGISTRY_LOCKED',
    `the registry is locked: ${holderText(lockPath, seen)} and made no progress for ${(heldMs / 1000).toFixed(1)} s; is it stopped?`,
    pid === undefined
      ? [{ kind: 'text', text: 'retry when the other pm has finished' }, { kind: 'doctor' }]
      : `pm never takes a running process's lock over: resume it (kill -CONT ${pid}) or end it, then retry`,
  );
}
