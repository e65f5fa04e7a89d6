// The one IO module of the core: where registry.toml lives, how it is read, and the locked,
// atomic transaction every change goes through (docs/reliability.md, "How a change is made").
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PmError } from './errors.js';
import { emptyRegistry, type Registry } from './registry.js';
import { parseRegistry, serializeRegistry } from './registry-file.js';
import {
  type FileContext,
  isTempFileOf,
  sweepTempFiles,
  writeAtomic,
} from './store/atomic-file.js';
import { errnoOf, ioError, type StoreFs } from './store/fs.js';
import { acquireLock, LOCK_SUFFIX, type LockOptions } from './store/lock.js';

export type { StoreFs } from './store/fs.js';
export { resolveRegistryPath } from './store/location.js';
export { LOCK_SUFFIX } from './store/lock.js';

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

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

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

  private get files(): FileContext {
    return { fs: this.fs, platform: this.platform };
  }

  private get lockOptions(): LockOptions {
    return {
      fs: this.fs,
      platform: this.platform,
      staleMs: this.staleMs,
      timeoutMs: this.lockTimeoutMs,
      displayPath: this.path,
      ...(this.options.onNotice ? { onNotice: this.options.onNotice } : {}),
    };
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
      : await acquireLock(file, this.lockOptions, (error) => {
          compromised = error;
        });
    try {
      const previousText = await this.readText(file);
      const readAs = await this.identity(file);
      const current =
        previousText === undefined ? emptyRegistry() : parseRegistry(previousText, this.path);
      const { registry: next, result } = await change(current);
      // A lost lock means another writer may own the temp files now; leave them alone.
      if (!compromised) await sweepTempFiles(this.files, dir, file);
      if (next !== current) {
        const text = serializeRegistry(next);
        if (text !== previousText) {
          await writeAtomic(this.files, dir, file, text, async () => {
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
          await writeAtomic(
            this.files,
            dir,
            `${file}${BACKUP_SUFFIX}`,
            text,
            async () => compromised,
          );
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
      tempFiles = (await this.fs.readdir(dirname(file))).filter((name) => isTempFileOf(name, file));
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
    const release = await acquireLock(file, this.lockOptions, (error) => {
      compromised = error;
    });
    try {
      const text = await this.fs.readFile(backupPath, 'utf8');
      const current = await this.readText(file);
      let keptAs: string | undefined;
      if (current !== undefined) {
        keptAs = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
        await writeAtomic(this.files, dir, keptAs, current, async () => compromised);
      }
      await writeAtomic(this.files, dir, file, text, async () => compromised);
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
}
