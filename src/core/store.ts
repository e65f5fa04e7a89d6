// The one IO module of the core: where registry.toml lives, how it is read, and the locked,
// atomic transaction every change goes through (reference/reliability.md section 6).
import * as nodeFs from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PmError } from './errors.js';
import { emptyRegistry, type Registry } from './registry.js';
import { parseRegistry, serializeRegistry } from './registry-file.js';

/** The file-system calls the store makes; tests replace some of them to inject faults. */
export interface StoreFs {
  readonly readFile: (path: string, encoding: 'utf8') => Promise<string>;
  readonly open: (path: string, flags: string, mode?: number) => Promise<nodeFs.FileHandle>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly unlink: (path: string) => Promise<void>;
  readonly mkdir: (path: string, options: { recursive: true; mode: number }) => Promise<unknown>;
  readonly realpath: (path: string) => Promise<string>;
  readonly readdir: (path: string) => Promise<string[]>;
  readonly stat: (
    path: string,
  ) => Promise<{ mtimeMs: number; size: number; mode: number; ino: number }>;
}

export interface StoreOptions {
  readonly path: string;
  readonly fs?: Partial<StoreFs>;
  /** Defaults to process.platform; decides rename retries and directory fsync. */
  readonly platform?: NodeJS.Platform;
  /** A lock not refreshed for this long belongs to a dead process (PM_LOCK_STALE_MS). */
  readonly staleMs?: number;
  /** How long to wait for a live holder before giving up (PM_LOCK_TIMEOUT_MS). */
  readonly lockTimeoutMs?: number;
  /** Told when a lock left by a dead process was taken over, so the CLI can say so. */
  readonly onNotice?: (message: string) => void;
  /** Test-only: skip the lock to prove the lost-update test can see lost updates. */
  readonly unsafeNoLock?: boolean;
}

export interface ReadResult {
  readonly registry: Registry;
  /** False when the file does not exist yet (an empty registry, not a corrupt one). */
  readonly exists: boolean;
}

export type FileHealth =
  | { readonly state: 'ok'; readonly registry: Registry }
  | { readonly state: 'missing' }
  | { readonly state: 'invalid'; readonly error: PmError };

export interface StoreHealth {
  readonly path: string;
  readonly registry: FileHealth;
  readonly backup: FileHealth;
  readonly lock:
    | { readonly state: 'free' }
    | { readonly state: 'held' | 'stale'; readonly ageMs: number; readonly staleMs: number };
  /** Leftovers of writers that died; the next change removes them. */
  readonly tempFiles: readonly string[];
}

export type Change<T> = { readonly registry: Registry; readonly result: T };

const MIN_STALE_MS = 2000; // proper-lockfile clamps lower values to this
const DEFAULT_STALE_MS = 10_000;

export const BACKUP_SUFFIX = '.bak';
export const LOCK_SUFFIX = '.lock';
const TEMP_PATTERN = /\.tmp$/;
/** Temp files are named <target>.<pid>.<random>.tmp. */
const TEMP_OWNER = /\.(\d+)\.[a-z0-9]+\.tmp$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoOf(error) === 'EPERM';
  }
}

/** --registry, then $PM_REGISTRY, then the per-user config directory of DESIGN section 3. */
export function resolveRegistryPath(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (flag) return resolve(flag);
  if (env.PM_REGISTRY) return resolve(env.PM_REGISTRY);
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
    return join(appData, 'port-manager', 'registry.toml');
  }
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(resolve(config), 'port-manager', 'registry.toml');
}

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

function ioError(action: string, path: string, error: unknown): PmError {
  const code = errnoOf(error);
  const hints: Record<string, string> = {
    EACCES: `check the permissions of ${dirname(path)} (pm needs to create files there)`,
    EPERM: `check the permissions of ${dirname(path)}; on Windows another program (antivirus, indexer, editor) may hold the file: retry`,
    EBUSY: 'another program holds the file open; close it and retry',
    ENOSPC: 'the disk is full; free some space and retry',
    EROFS: 'the file system is read-only; point pm elsewhere with --registry or PM_REGISTRY',
  };
  const detail = error instanceof Error ? error.message : String(error);
  return new PmError(
    'IO',
    `could not ${action} ${path}: ${detail}`,
    (code && hints[code]) ?? 'retry; if it keeps failing, run pm doctor',
    { cause: error },
  );
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export class RegistryStore {
  readonly path: string;
  private readonly fs: StoreFs;
  private readonly platform: NodeJS.Platform;
  private readonly staleMs: number;
  private readonly lockTimeoutMs: number;
  private readonly options: StoreOptions;
  /** Serialises transactions inside this process: proper-lockfile is not re-entrant. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: StoreOptions) {
    this.options = options;
    this.path = resolve(options.path);
    this.fs = { ...(nodeFs as unknown as StoreFs), ...options.fs };
    this.platform = options.platform ?? process.platform;
    this.staleMs = Math.max(
      MIN_STALE_MS,
      options.staleMs ?? envNumber('PM_LOCK_STALE_MS') ?? DEFAULT_STALE_MS,
    );
    // Longer than `stale`, so a lock left by a crashed process is recovered, not reported.
    this.lockTimeoutMs =
      options.lockTimeoutMs ?? envNumber('PM_LOCK_TIMEOUT_MS') ?? this.staleMs + 5000;
  }

  get backupPath(): string {
    return `${this.path}${BACKUP_SUFFIX}`;
  }

  get lockPath(): string {
    return `${this.path}${LOCK_SUFFIX}`;
  }

  /** Reading needs no lock: writers replace the file by rename, so a reader sees old or new. */
  async read(): Promise<ReadResult> {
    return this.readAt(this.path);
  }

  private async readAt(path: string): Promise<ReadResult> {
    let text: string;
    try {
      text = await this.fs.readFile(path, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return { registry: emptyRegistry(), exists: false };
      if (errnoOf(error) === 'EISDIR') {
        throw new PmError(
          'IO',
          `registry path ${path} is a directory`,
          'pass the path of a file with --registry',
        );
      }
      throw ioError('read', path, error);
    }
    return { registry: parseRegistry(text, path), exists: true };
  }

  /**
   * Runs one change as a transaction: lock, re-read, change, atomic replace, backup, unlock.
   * `change` returns the new registry (the same object for "no change", which skips the
   * write) and a result. A refused read (corrupt file) never reaches `change`.
   */
  transaction<T>(change: (registry: Registry) => Promise<Change<T>> | Change<T>): Promise<T> {
    const run = this.queue.then(() => this.runTransaction(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runTransaction<T>(
    change: (registry: Registry) => Promise<Change<T>> | Change<T>,
  ): Promise<T> {
    const file = await this.realFile(join(await this.ensureDirectory(), basename(this.path)));
    const dir = dirname(file);
    let compromised: Error | undefined;
    const release = this.options.unsafeNoLock
      ? async () => {}
      : await this.acquireLock(file, (error) => {
          compromised = error;
        });
    try {
      const previousText = await this.readText(file);
      const readAs = await this.identity(file);
      const current =
        previousText === undefined ? emptyRegistry() : parseRegistry(previousText, this.path);
      const { registry: next, result } = await change(current);
      // A lost lock means another writer may own the temp files now; leave them alone.
      if (!compromised) await this.sweepTempFiles(dir, file);
      if (next !== current) {
        const text = serializeRegistry(next);
        if (text !== previousText) {
          await this.writeAtomic(dir, file, text, async () => {
            if (compromised) return compromised;
            // The test-only switch turns off the whole locking protocol, this check included.
            if (this.options.unsafeNoLock) return undefined;
            // proper-lockfile notices a takeover only on its refresh timer, which a stalled
            // event loop delays; a registry replaced since our read proves it right away.
            const now = await this.identity(file);
            return now === readAs
              ? undefined
              : new Error('the registry was replaced by another writer after this one read it');
          });
          // The backup is the registry pm just wrote: pm's own writes are atomic, so what
          // the backup guards against is damage from outside (an editor, a sync tool, a
          // disk), and then the last good copy is the one to restore, losing nothing.
          await this.writeAtomic(dir, `${file}${BACKUP_SUFFIX}`, text, async () => compromised);
        }
      }
      return result;
    } finally {
      await release().catch(() => {
        // ERELEASED after a compromise: the lock is someone else's now; nothing to undo.
      });
    }
  }

  /** What `pm doctor` reports about the files; never changes anything. */
  async inspect(): Promise<StoreHealth> {
    const file = await this.realFile(this.path);
    const registry = await this.inspectFile(this.path);
    const backup = await this.inspectFile(`${file}${BACKUP_SUFFIX}`);
    let lock: StoreHealth['lock'] = { state: 'free' };
    try {
      const { mtimeMs } = await this.fs.stat(`${file}${LOCK_SUFFIX}`);
      const age = Date.now() - mtimeMs;
      lock = { state: age > this.staleMs ? 'stale' : 'held', ageMs: age, staleMs: this.staleMs };
    } catch {
      // no lock directory: nobody is writing
    }
    let tempFiles: string[] = [];
    try {
      const prefix = `${basename(file)}.`;
      tempFiles = (await this.fs.readdir(dirname(file))).filter(
        (name) => name.startsWith(prefix) && TEMP_PATTERN.test(name),
      );
    } catch {
      // directory missing: nothing left behind
    }
    return { path: this.path, registry, backup, lock, tempFiles };
  }

  private async inspectFile(path: string): Promise<FileHealth> {
    try {
      const { registry, exists } = await this.readAt(path);
      return exists ? { state: 'ok', registry } : { state: 'missing' };
    } catch (error) {
      if (error instanceof PmError) return { state: 'invalid', error };
      throw error;
    }
  }

  /**
   * Puts registry.toml.bak back as the registry, keeping the current (corrupt) file beside it
   * as registry.toml.corrupt-<timestamp>. Runs under the lock like any other change.
   */
  async restoreBackup(now: Date = new Date()): Promise<{ restored: Registry; keptAs?: string }> {
    const backupPath = `${await this.realFile(this.path)}${BACKUP_SUFFIX}`;
    const backup = await this.inspectFile(backupPath);
    if (backup.state === 'missing') {
      throw new PmError(
        'NO_BACKUP',
        `no backup to restore: ${backupPath} does not exist`,
        'fix registry.toml by hand, or move it away to start with an empty registry',
      );
    }
    if (backup.state === 'invalid') {
      throw new PmError(
        'NO_BACKUP',
        `the backup is not usable either: ${backup.error.message}`,
        'fix registry.toml by hand, or move it away to start with an empty registry',
      );
    }
    const file = await this.realFile(join(await this.ensureDirectory(), basename(this.path)));
    const dir = dirname(file);
    let compromised: Error | undefined;
    const release = await this.acquireLock(file, (error) => {
      compromised = error;
    });
    try {
      const text = await this.fs.readFile(backupPath, 'utf8');
      const current = await this.readText(file);
      let keptAs: string | undefined;
      if (current !== undefined) {
        keptAs = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
        await this.writeAtomic(dir, keptAs, current, async () => compromised);
      }
      await this.writeAtomic(dir, file, text, async () => compromised);
      return { restored: parseRegistry(text, this.path), ...(keptAs ? { keptAs } : {}) };
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async readText(file: string): Promise<string | undefined> {
    try {
      return await this.fs.readFile(file, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw ioError('read', this.path, error);
    }
  }

  /**
   * The registry file's real path. Changes replace that file, with its lock and backup beside
   * it, so a registry.toml that is a symlink (dotfiles managers make them) stays one, and the
   * link and its target share one lock. A file that does not exist yet keeps its own path.
   */
  private async realFile(file: string): Promise<string> {
    try {
      return await this.fs.realpath(file);
    } catch {
      return file;
    }
  }

  /** Which file is at `path` now: every write replaces it by rename, so a new write is a new inode. */
  private async identity(path: string): Promise<string | undefined> {
    try {
      const { ino, size, mtimeMs } = await this.fs.stat(path);
      return `${ino}:${size}:${mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  /** Creates the config directory (0700) and returns its real path, so links share one lock. */
  private async ensureDirectory(): Promise<string> {
    const dir = dirname(this.path);
    try {
      await this.fs.mkdir(dir, { recursive: true, mode: 0o700 });
      return await this.fs.realpath(dir);
    } catch (error) {
      throw ioError('create the registry directory', dir, error);
    }
  }

  private async acquireLock(
    file: string,
    onCompromised: (error: Error) => void,
  ): Promise<() => Promise<void>> {
    const lockPath = `${file}${LOCK_SUFFIX}`;
    const started = Date.now();
    let lastSeenMtime: number | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        // Loaded on first write only: proper-lockfile pulls in graceful-fs, which patches fs
        // and costs ~15% of a bare Node start on read-only paths like `pm query`.
        const { default: lockfile } = await import('proper-lockfile');
        const release = await lockfile.lock(file, {
          realpath: false,
          lockfilePath: lockPath,
          stale: this.staleMs,
          update: Math.max(1000, Math.floor(this.staleMs / 4)),
          retries: 0,
          onCompromised,
        });
        if (lastSeenMtime !== undefined && Date.now() - lastSeenMtime >= this.staleMs) {
          this.options.onNotice?.(
            `recovered a stale registry lock (${lockPath}) left by a process that stopped without releasing it`,
          );
        }
        return release;
      } catch (error) {
        const code = errnoOf(error);
        if (code !== 'ELOCKED' && !(this.platform === 'win32' && code === 'EPERM')) {
          throw ioError('lock', this.path, error);
        }
        lastSeenMtime = await this.fs
          .stat(lockPath)
          .then((stat) => stat.mtimeMs)
          .catch(() => lastSeenMtime);
        const waited = Date.now() - started;
        if (waited >= this.lockTimeoutMs) {
          const since =
            lastSeenMtime === undefined
              ? ''
              : ` (lock last refreshed ${new Date(lastSeenMtime).toISOString()})`;
          throw new PmError(
            'REGISTRY_LOCKED',
            `the registry is locked by another pm process: waited ${(waited / 1000).toFixed(1)} s for ${lockPath}${since}`,
            `retry in a moment; if no other pm is running, the lock is stale and is taken over after ${Math.round(this.staleMs / 1000)} s, or run 'pm doctor'`,
          );
        }
        // Short, randomised waits: contention lasts milliseconds, and jitter avoids lockstep.
        await sleep(Math.min(150, 5 + attempt * 4) * (0.5 + Math.random()));
      }
    }
  }

  /**
   * Only the lock holder writes temp files, so any temp file seen while holding the lock was
   * left by a writer that died (SIGKILL, power loss) and is removed.
   */
  private async sweepTempFiles(dir: string, file: string): Promise<void> {
    const prefix = `${basename(file)}.`;
    let names: string[];
    try {
      names = await this.fs.readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !TEMP_PATTERN.test(name)) continue;
      // A live writer's temp file is its own (a writer that lost the lock may still finish
      // writing it); only a dead writer's file is debris.
      const pid = Number(TEMP_OWNER.exec(name)?.[1]);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
      await this.fs.unlink(join(dir, name)).catch(() => undefined);
    }
  }

  private async writeAtomic(
    dir: string,
    target: string,
    text: string,
    lockLost: () => Promise<Error | undefined>,
  ): Promise<void> {
    const data = Buffer.from(text, 'utf8');
    const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
    let renamed = false;
    try {
      const handle = await this.fs.open(temp, 'wx', 0o600);
      try {
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten } = await handle.write(data, offset, data.length - offset);
          if (bytesWritten <= 0)
            throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
          offset += bytesWritten;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const lost = await lockLost();
      if (lost) {
        throw new PmError(
          'LOCK_COMPROMISED',
          `the registry lock was taken over by another process while this change was being written; the change was abandoned (${lost.message})`,
          "run the command again; the registry holds the other process's change",
        );
      }
      await this.renameWithRetry(temp, target);
      renamed = true;
      await this.syncDirectory(dir);
    } catch (error) {
      if (error instanceof PmError) throw error;
      throw ioError('write', target, error);
    } finally {
      if (!renamed) await this.fs.unlink(temp).catch(() => undefined);
    }
  }

  /** Windows reports EPERM/EBUSY while an antivirus or indexer holds the target briefly. */
  private async renameWithRetry(from: string, to: string): Promise<void> {
    const deadline = Date.now() + 2000;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.fs.rename(from, to);
        return;
      } catch (error) {
        const code = errnoOf(error);
        const transient = code === 'EPERM' || code === 'EBUSY' || code === 'EACCES';
        if (this.platform !== 'win32' || !transient || Date.now() >= deadline) throw error;
        await sleep(Math.min(100, 10 * (attempt + 1)));
      }
    }
  }

  /** Makes the rename durable across power loss; Windows cannot open directories. */
  private async syncDirectory(dir: string): Promise<void> {
    if (this.platform === 'win32') return;
    const handle = await this.fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
