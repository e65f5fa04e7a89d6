// The registry as the dashboard sees it: the last good copy, the current read error (a corrupt
// file, a permission problem), re-read when the store reports the file changed.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Registry } from '../../core/model/registry.js';
import type { RegistryStore } from '../../core/store/registry-store.js';

export interface RegistryState {
  /** Re-reads the file; resolves to the last good registry (undefined if none was ever read). */
  readonly read: () => Promise<Registry | undefined>;
  /** Why the last read failed; cleared by the next good read. */
  readonly error: unknown;
}

function sameError(a: unknown, b: unknown): boolean {
  return a instanceof Error && b instanceof Error ? a.message === b.message : a === b;
}

/** `onChange` runs when the store sees the registry file change (store.follow). */
export function useRegistry(store: RegistryStore, onChange: () => void): RegistryState {
  const [error, setError] = useState<unknown>(undefined);
  const lastGood = useRef<Registry | undefined>(undefined);
  const onChangeRef = useRef(onChange);

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => store.follow(() => onChangeRef.current()), [store]);

  // Identity of the file last read well: the same file needs no new parse. Every refresh
  // asks, and parsing is most of the dashboard's idle CPU otherwise.
  const lastFile = useRef<string | undefined>(undefined);

  const read = useCallback(async () => {
    const file = await store.fileIdentity();
    if (file !== undefined && file === lastFile.current) return lastGood.current;
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
