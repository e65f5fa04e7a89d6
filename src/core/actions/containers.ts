// The scan as every front end sees it: sockets a container engine's forwarder holds carry
// their container. The engine is asked only when such a socket is in the scan, at most once
// per refresh (its directory reuses a fresh listing), and a missing, refusing or hung engine
// leaves the scan exactly as the OS reported it.

import { attachContainers, mayBeContainer } from '../model/containers.js';
import type { ContainerDirectory, Scanner, ScanOptions } from '../ports.js';

export function scannerWithContainers(scanner: Scanner, directory: ContainerDirectory): Scanner {
  const decorated: Scanner = {
    // A getter: a lazily loaded backend may rename itself after its first scan.
    get backend() {
      return scanner.backend;
    },
    async scan(options?: ScanOptions) {
      const outcome = await scanner.scan(options);
      if (!outcome.ok) return outcome;
      const lookedUp = options?.attribute ?? (() => true);
      if (
        !outcome.listeners.some((listener) => mayBeContainer(listener, lookedUp(listener.port)))
      ) {
        return outcome;
      }
      const listing = await directory.list();
      if (!listing.ok) return outcome;
      return {
        ok: true,
        listeners: attachContainers(outcome.listeners, listing.containers, lookedUp),
      };
    },
  };
  if (scanner.seesOtherUsers) decorated.seesOtherUsers = () => scanner.seesOtherUsers?.() ?? false;
  if (scanner.dispose) decorated.dispose = () => scanner.dispose?.();
  return decorated;
}
