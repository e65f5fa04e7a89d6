// The one place the real dependencies are wired: the registry store and the OS's Platform
// (scanner, bind probe, working directories, process tree, inspector, signalling). The CLI,
// the dashboard and the programmatic API all build their Deps here.

import type { Settings } from './cli/settings.js';
import { scannerWithContainers } from './core/actions/containers.js';
import type { Deps } from './core/actions/index.js';
import { scannerWithLaunchers } from './core/actions/launchers.js';
import type { Platform } from './core/ports.js';
import { RegistryStore } from './core/store/registry-store.js';
import { currentPlatform } from './os/index.js';
import { bindProbe } from './os/shared/bind-probe.js';
import { probeProxy } from './os/shared/caddy.js';
import { createContainerDirectory } from './os/shared/container-engine.js';
import { loopbackReach } from './os/shared/reach.js';

/** What wiring needs of the Settings (src/cli/settings.ts) and how notices reach the user. */
export interface DepsOptions
  extends Partial<
    Pick<
      Settings,
      | 'scannerMode'
      | 'lockStaleMs'
      | 'lockTimeoutMs'
      | 'cacheDirectory'
      | 'containerEngine'
      | 'proxyFiles'
    >
  > {
  readonly registryPath: string;
  /** Told when a dead process's lock was taken over. */
  readonly onNotice?: (message: string) => void;
}

export function createDeps(options: DepsOptions, platform: Platform = currentPlatform()): Deps {
  // DOCKER_HOST and XDG_RUNTIME_DIR come from the Settings; absent: the engines' usual sockets.
  const containers = createContainerDirectory(options.containerEngine);
  return {
    store: new RegistryStore({
      ...platform.store,
      path: options.registryPath,
      ...(options.lockStaleMs !== undefined ? { staleMs: options.lockStaleMs } : {}),
      ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    }),
    scanner: scannerWithLaunchers(
      scannerWithContainers(
        platform.scanner({ mode: options.scannerMode, cacheDirectory: options.cacheDirectory }),
        containers,
      ),
      platform.inspector,
    ),
    containers,
    probe: bindProbe,
    cwdOf: (pid) => platform.cwdOf(pid),
    processes: platform.tree,
    // Lazy: the backend (and koffi) loads only when a detail or a kill is asked for.
    inspector: platform.inspector,
    control: platform.control,
    reach: loopbackReach,
    proxy: () => probeProxy(options.proxyFiles),
  };
}
