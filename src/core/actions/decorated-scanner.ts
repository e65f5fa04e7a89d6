// A scanner whose successful scans are completed after the OS answered (containers named,
// launchers found), keeping everything else of the scanner it wraps.

import type { Listener, Scanner, ScanOptions } from '../ports.js';

export type ListenersCompletion = (
  listeners: readonly Listener[],
  options: ScanOptions | undefined,
) => Promise<readonly Listener[]>;

export function decoratedScanner(scanner: Scanner, complete: ListenersCompletion): Scanner {
  const decorated: Scanner = {
    // A getter: a lazily loaded backend may rename itself after its first scan.
    get backend() {
      return scanner.backend;
    },
    async scan(options?: ScanOptions) {
      const outcome = await scanner.scan(options);
      if (!outcome.ok) return outcome;
      const listeners = await complete(outcome.listeners, options);
      return listeners === outcome.listeners ? outcome : { ok: true, listeners };
    },
  };
  if (scanner.seesOtherUsers) decorated.seesOtherUsers = () => scanner.seesOtherUsers?.() ?? false;
  if (scanner.dispose) decorated.dispose = () => scanner.dispose?.();
  return decorated;
}
