// The registry as the dashboard sees it: the last good copy, the current read error (a corrupt
// file, a permission problem) and a watch that notices changes made by other processes.
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Registry } from '../../core/registry.js';
import type { RegistryStore } from '../../core/store.js';

export interface RegistryState {
  /** Re-reads the file; resolves to the last good registry (undefined if none was ever read). */
  readonly read: () => Promise<Registry | undefined>;
  /** Why the last read failed; cleared by the next good read. */
  readonly error: unknown;
}

export const WATCH_DEBOUNCE_MS = 50;

function sameError(a: unknown, b: unknown): boolean {
  return a instanceof Error && b instanceof Error ? a.message === b.message : a === b;
}

/**
 * `onChange` runs (debounced) when the registry file may have changed. The directory is
 * watched, not the file: every write replaces the file by rename, which silences a watch on
 * the old file. If the directory does not exist yet, watching starts on a later read.
 */
export function useRegistry(store: RegistryStore, onChange: () => void): RegistryState {
  const [error, setError] = useState<unknown>(undefined);
  const lastGood = useRef<Registry | undefined>(undefined);
  const onChangeRef = useRef(onChange);
  const startWatch = useRef<() => void>(() => {});

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const dir = dirname(store.path);
    const name = basename(store.path);
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let closed = false;

    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => onChangeRef.current(), WATCH_DEBOUNCE_MS);
    };
    startWatch.current = () => {
      if (watcher || closed) return;
      try {
        // Not persistent: the dashboard's own timers decide how long the process lives.
        watcher = watch(dir, { persistent: false }, (_event, file) => {
          // Temp files, the backup and the lock come and go beside it; only the file matters.
          if (file === null || file === name) changed();
        });
        watcher.on('error', () => {
          watcher?.close();
          watcher = undefined;
        });
      } catch {
        // No directory yet (nothing allocated so far) or no watch slots left: the polling
        // refresh still re-reads the file, and the next read tries to watch again.
        watcher = undefined;
      }
    };
    startWatch.current();
    return () => {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      startWatch.current = () => {};
    };
  }, [store]);

  // Identity of the file last read well: the same file (inode, size, times) needs no new
  // parse. Every refresh asks, and parsing is most of the dashboard's idle CPU otherwise.
  const lastFile = useRef<string | undefined>(undefined);

  const read = useCallback(async () => {
    startWatch.current();
    const file = await stat(store.path).then(
      (info) => `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`,
      () => 'unreadable',
    );
    if (file !== 'unreadable' && file === lastFile.current) return lastGood.current;
    try {
      const { registry } = await store.read();
      lastGood.current = registry;
      lastFile.current = file;
      setError(undefined);
    } catch (caught) {
      lastFile.current = undefined;
      setError((previous: unknown) => (sameError(previous, caught) ? previous : caught));
    }
    return lastGood.current;
  }, [store]);

  return { read, error };
}
