// The scan as every front end sees it: sockets a container engine's forwarder holds carry
// their container. The engine is asked only when such a socket is in the scan, at most once
// per refresh (its directory reuses a fresh listing), and a missing, refusing or hung engine
// leaves the scan exactly as the OS reported it.

import { attachContainers, mayBeContainer } from '../model/containers.js';
import type { ContainerDirectory, Scanner } from '../ports.js';
import { decoratedScanner } from './decorated-scanner.js';

export function scannerWithContainers(scanner: Scanner, directory: ContainerDirectory): Scanner {
  return decoratedScanner(scanner, async (listeners, options) => {
    const lookedUp = options?.attribute ?? (() => true);
    if (!listeners.some((listener) => mayBeContainer(listener, lookedUp(listener.port)))) {
      return listeners;
    }
    const listing = await directory.list();
    if (!listing.ok) return listeners;
    return attachContainers(listeners, listing.containers, lookedUp);
  });
}
