// The cross-process lock: a proper-lockfile directory beside the registry, taken with our own
// short randomised retries so a waiter can tell a stale lock (recovered, and said so) from a
// live one (REGISTRY_LOCKED after the timeout, naming the lock).
import { PmError } from '../errors.js';
import { errnoOf, ioError, type StoreFs, sleep } from './fs.js';

export const LOCK_SUFFIX = '.lock';

export interface LockOptions {
  readonly fs: StoreFs;
  readonly platform: NodeJS.Platform;
  /** Every pm process must use the same value: proper-lockfile cannot detect a mismatch. */
  readonly staleMs: number;
  readonly timeoutMs: number;
  /** The registry path as the user named it, for messages. */
  readonly displayPath: string;
  readonly onNotice?: (message: string) => void;
}

export async function acquireLock(
  file: string,
  options: LockOptions,
  onCompromised: (error: Error) => void,
): Promise<() => Promise<void>> {
  const { fs, platform, staleMs, timeoutMs, displayPath, onNotice } = options;
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
        stale: staleMs,
        update: Math.max(1000, Math.floor(staleMs / 4)),
        retries: 0,
        onCompromised,
      });
      if (lastSeenMtime !== undefined && Date.now() - lastSeenMtime >= staleMs) {
        onNotice?.(
          `recovered a stale registry lock (${lockPath}) left by a process that stopped without releasing it`,
        );
      }
      return release;
    } catch (error) {
      const code = errnoOf(error);
      if (code !== 'ELOCKED' && !(platform === 'win32' && code === 'EPERM')) {
        throw ioError('lock', displayPath, error);
      }
      lastSeenMtime = await fs
        .stat(lockPath)
        .then((stat) => stat.mtimeMs)
        .catch(() => lastSeenMtime);
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        const since =
          lastSeenMtime === undefined
            ? ''
            : ` (lock last refreshed ${new Date(lastSeenMtime).toISOString()})`;
        throw new PmError(
          'REGISTRY_LOCKED',
          `the registry is locked by another pm process: waited ${(waited / 1000).toFixed(1)} s for ${lockPath}${since}`,
          `retry in a moment; if no other pm is running, the lock is stale and is taken over after ${Math.round(staleMs / 1000)} s, or run 'pm doctor'`,
        );
      }
      // Short, randomised waits: contention lasts milliseconds, and jitter avoids lockstep.
      await sleep(Math.min(150, 5 + attempt * 4) * (0.5 + Math.random()));
    }
  }
}
