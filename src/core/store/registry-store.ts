// The one IO module of the core: where registry.toml lives, how it is read, and the locked,
// atomic transaction every change goes through (docs/reliability.md, "How a change is made").
import { basename, dirname, join, resolve } from 'node:path';
import { PmError } from '../errors.js';
import { emptyRegistry, type Registry } from '../model/registry.js';
import type { StoreSystem } from '../ports.js';
import { type FileContext, sweepTempFiles, writeAtomic } from './atomic-file.js';
import { ioError, type StoreFs, systemFs } from './fs.js';
import { acquireLock, inspectLock, LOCK_SUFFIX, type LockOptions, type LockState } from './lock.js';
import { modeText, readRegistryText, refuseNonRegular } from './read-file.js';
import { parseRegistry, serializeRegistry } from './registry-file.js';

export type { StoreFile, StoreFs } from './fs.js';
export { resolveRegistryPath } from './location.js';
export { LOCK_SUFFIX, type LockOwner, type LockState } from './lock.js';
export { MAX_REGISTRY_BYTES } from './read-file.js';

/**
 * What the store is built with. The OS parts (StoreSystem: platform, lock probe, temp files)
 * come from whoever builds it (wiring, the API; tests spread a Platform's `store` and replace
 * the probe to fake dead or reused pids): the core never reaches for the OS itself.
 */
export interface StoreOptions extends StoreSystem {
  readonly path: string;
  readonly fs?: Partial<StoreFs>;
  /** A lock not refreshed for this long belongs to a dead process (PM_LOCK_STALE_MS). */
  readonly staleMs?: number;
  /**
   * How long one live holder may keep the lock without the lock changing hands before a
   * waiter gives up and names it (PM_LOCK_TIMEOUT_MS). Waiting while others make progress
   * has no limit.
   */
  readonly lockTimeoutMs?: number;
  /**
   * Told what the user should know about a change that still succeeds: a recovered lock, a
   * wait for a holder that may be stopped, a backup that could not be written, a registry
   * directory other users can write.
   */
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
  readonly lock: LockState;
  /** Why the registry's directory is unsafe (others can write it), if it is. */
  readonly directoryRisk?: string;
  /** Leftovers of writers that died; the next change removes them. */
  readonly tempFiles: readonly string[];
}

export type Change<T> = { readonly registry: Registry; readonly result: T };

const MIN_STALE_MS = 2000; // proper-lockfile clamps lower values to this
const DEFAULT_STALE_MS = 10_000;

export const BACKUP_SUFFIX = '.bak';
/** Editors and sync tools write in bursts; one re-read per burst is enough. */
export const FOLLOW_DEBOUNCE_MS = 50;

export class RegistryStore {
  readonly path: string;
  private readonly fs: StoreFs;
  private readonly platform: NodeJS.Platform;
  private readonly staleMs: number;
  private readonly lockTimeoutMs: number;
  private readonly options: StoreOptions;
  /** Serialises transactions inside this process: proper-lockfile is not re-entrant. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly followers = new Set<() => void>();
  private watcher: { close(): void } | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  private followedIdentity: string | undefined;
  /**
   * The last file read and what it parsed to. One command reads the registry several times
   * (project inference, the action, the siblings' ports for `pm run`), and parsing is most of
   * a read for a large registry; a Registry is never changed once built, so it can be shared.
   */
  private lastParsed: { path: string; text: string; registry: Registry } | undefined;

  constructor(options: StoreOptions) {
    this.options = options;
    this.path = resolve(options.path);
    this.fs = { ...systemFs(), ...options.fs };
    this.platform = options.platform;
    this.staleMs = Math.max(MIN_STALE_MS, options.staleMs ?? DEFAULT_STALE_MS);
    // Longer than `stale`, so a lock left by a crashed process is recovered, not reported.
    this.lockTimeoutMs = options.lockTimeoutMs ?? this.staleMs + 5000;
  }

  private get files(): FileContext {
    return { fs: this.fs, platform: this.platform, tempFiles: this.options.tempFiles };
  }

  private get lockOptions(): LockOptions {
    return {
      fs: this.fs,
      platform: this.platform,
      staleMs: this.staleMs,
      timeoutMs: this.lockTimeoutMs,
      displayPath: this.path,
      ...(this.options.onNotice ? { onNotice: this.options.onNotice } : {}),
      probe: this.options.probe,
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
    this.startWatch(); // the directory may exist now
    return this.readAt(this.path);
  }

  private async readAt(path: string): Promise<ReadResult> {
    const text = await readRegistryText(this.fs, path);
    if (text === undefined) return { registry: emptyRegistry(), exists: false };
    const last = this.lastParsed;
    if (last?.path === path && last.text === text) return { registry: last.registry, exists: true };
    const registry = parseRegistry(text, path);
    this.lastParsed = { path, text, registry };
    return { registry, exists: true };
  }

  /**
   * Calls `onChange` (debounced) whenever the registry file is replaced or changed, by pm or
   * anyone else. The directory is watched, not the file: every write replaces the file by
   * rename, which silences a watch on the old file. Returns the unsubscribe function.
   */
  follow(onChange: () => void): () => void {
    this.followers.add(onChange);
    this.startWatch();
    return () => {
      this.followers.delete(onChange);
      if (this.followers.size > 0) return;
      clearTimeout(this.followTimer);
      this.watcher?.close();
      this.watcher = undefined;
    };
  }

  private startWatch(): void {
    if (this.watcher || this.followers.size === 0) return;
    const name = basename(this.path);
    try {
      this.watcher = this.fs.watch(dirname(this.path), (changed) => {
        // Temp files, the backup and the lock come and go beside it; only the file matters.
        if (changed === null || changed === name) this.changed();
      });
    } catch {
      // No directory yet (nothing allocated so far) or no watch slots left: the next read()
      // tries again, and followers poll anyway.
      this.watcher = undefined;
    }
  }

  private changed(): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(async () => {
      const now = await this.fileIdentity();
      if (now !== undefined && now === this.followedIdentity) return;
      this.followedIdentity = now;
      for (const onChange of [...this.followers]) onChange();
    }, FOLLOW_DEBOUNCE_MS);
    this.followTimer.unref?.();
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
    // Before the lock: no lock directory beside a device, and nothing under it that can block.
    await refuseNonRegular(this.fs, file, this.path);
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
          await this.refuseReadOnly(file);
          await this.warnIfUnsafe(dir);
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
          await this.writeBackup(dir, file, text, () => compromised);
        }
      }
      return result;
    } finally {
      await release().catch(() => {
        // ERELEASED after a compromise: the lock is someone else's now; nothing to undo.
      });
    }
  }

  /**
   * The change is committed once the registry is renamed into place: a backup that cannot be
   * written (a full disk) is reported as a warning, never as the change failing.
   */
  private async writeBackup(
    dir: string,
    file: string,
    text: string,
    compromised: () => Error | undefined,
  ): Promise<void> {
    const backup = `${file}${BACKUP_SUFFIX}`;
    try {
      await writeAtomic(this.files, dir, backup, text, async () => compromised());
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.options.onNotice?.(
        `warning: the change was saved, but the backup ${backup} could not be written (${detail}); it still holds an older registry`,
      );
    }
  }

  /** A registry its owner made read-only is a decision to respect, not a file to replace. */
  private async refuseReadOnly(file: string): Promise<void> {
    if (this.platform === 'win32') return;
    const info = await this.fs.stat(file).catch(() => undefined);
    if (info && (info.mode & 0o200) === 0) {
      throw new PmError(
        'IO',
        `registry ${this.path} is read-only (mode ${modeText(info.mode)}); pm does not replace it`,
        `make it writable to let pm change it (chmod u+w ${file})`,
      );
    }
  }

  private async warnIfUnsafe(dir: string): Promise<void> {
    const risk = await this.directoryRisk(dir);
    if (risk) {
      this.options.onNotice?.(
        `warning: the registry directory ${dir} ${risk}; another user could replace the registry or plant links in it`,
      );
    }
  }

  /** Why other users could change the registry's directory, if they can. */
  private async directoryRisk(dir: string): Promise<string | undefined> {
    if (this.platform === 'win32') return undefined;
    const info = await this.fs.stat(dir).catch(() => undefined);
    if (!info) return undefined;
    const mine = process.getuid?.();
    if (mine !== undefined && info.uid !== mine && info.uid !== 0) {
      return `belongs to another user (user id ${info.uid})`;
    }
    if ((info.mode & 0o002) !== 0)
      return `can be written by every user (mode ${modeText(info.mode)})`;
    return undefined;
  }

  /** What `pm doctor` reports about the files; never changes anything. */
  async inspect(): Promise<StoreHealth> {
    const file = await this.realFile(this.path);
    const registry = await this.inspectFile(this.path);
    const backup = await this.inspectFile(`${file}${BACKUP_SUFFIX}`);
    const lock = await inspectLock(
      this.fs,
      `${file}${LOCK_SUFFIX}`,
      this.staleMs,
      this.options.probe,
    );
    const directoryRisk = await this.directoryRisk(dirname(file));
    let tempFiles: string[] = [];
    try {
      tempFiles = (await this.fs.readdir(dirname(file))).filter((name) =>
        this.options.tempFiles.isOf(name, file),
      );
    } catch {
      // directory missing: nothing left behind
    }
    return {
      path: this.path,
      registry,
      backup,
      lock,
      tempFiles,
      ...(directoryRisk ? { directoryRisk } : {}),
    };
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
    await refuseNonRegular(this.fs, file, this.path);
    let compromised: Error | undefined;
    const release = await acquireLock(file, this.lockOptions, (error) => {
      compromised = error;
    });
    try {
      const text = (await readRegistryText(this.fs, backupPath)) ?? '';
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

  private readText(file: string): Promise<string | undefined> {
    return readRegistryText(this.fs, file, this.path);
  }

  /**
   * The registry file's real path. Changes replace that file, with its lock and backup beside
   * it, so a registry.toml that is a symlink (dotfiles managers make them) stays one, and the
   * link and its target share one lock. A file that does not exist yet keeps its own path.
   */
  private async realFile(file: string, hops = 0): Promise<string> {
    const link = await this.fs.lstat(file).catch(() => undefined);
    if (!link?.isSymbolicLink()) return this.resolved(file);
    const mine = process.getuid?.();
    if (mine !== undefined && link.uid !== mine && link.uid !== 0) {
      throw new PmError(
        'IO',
        `registry ${file} is a symbolic link made by another user (user id ${link.uid}); pm does not follow it`,
        'remove the link, or keep the registry in a directory only you can write',
      );
    }
    if (hops >= 40)
      throw ioError('resolve', file, Object.assign(new Error('too many links'), { code: 'ELOOP' }));
    // A dangling link (dotfiles that point at a file not made yet) is written through: the
    // file is created at its target, and the link stays a link.
    const target = resolve(dirname(file), await this.fs.readlink(file));
    return this.realFile(target, hops + 1);
  }

  private async resolved(file: string): Promise<string> {
    try {
      return await this.fs.realpath(file);
    } catch {
      return file;
    }
  }

  /** The registry file's identity; every write replaces it by rename, so a new write is a new inode. */
  fileIdentity(): Promise<string | undefined> {
    return this.identity(this.path);
  }

  /** Which file is at `path` now; the one definition of "the same file" pm uses. */
  private async identity(path: string): Promise<string | undefined> {
    try {
      const { ino, size, mtimeMs, ctimeMs } = await this.fs.stat(path);
      return `${ino}:${size}:${mtimeMs}:${ctimeMs}`;
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
