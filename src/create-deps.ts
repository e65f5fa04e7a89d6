// The one place the real dependencies are wired: the registry store, the OS scanner, the
// bind probe, the process-directory lookup and the process tree (for `pm run` and moved). The CLI and the programmatic API both use it.
import type { Deps } from './core/actions.js';
import { RegistryStore } from './core/store.js';
import { bindProbe } from './native/bind-probe.js';
import { createProcessInspector, createScanner } from './native/index.js';
import { processCwd } from './native/process-cwd.js';
import { createProcessTree } from './native/process-tree.js';
import { createProcessControl } from './native/signal.js';
import { type ProxyFiles, probeProxy } from './os/shared/caddy.js';

export interface DepsOptions {
  /** An absolute path; callers resolve --registry / $PM_REGISTRY / the default first. */
  readonly registryPath: string;
  /** PM_SCANNER, already checked. '' lets pm choose. */
  readonly scannerMode?: string;
  readonly lockStaleMs?: number;
  readonly lockTimeoutMs?: number;
  /** Told when a dead process's lock was taken over. */
  readonly onNotice?: (message: string) => void;
  /** Where a running `pm proxy` leaves its state file. */
  readonly proxyFiles?: ProxyFiles | undefined;
}

export function createDeps(options: DepsOptions): Deps {
  // Lazy: the backend (and koffi) loads only when a detail or a kill is asked for.
  const inspector = createProcessInspector();
  return {
    store: new RegistryStore({
      path: options.registryPath,
      ...(options.lockStaleMs !== undefined ? { staleMs: options.lockStaleMs } : {}),
      ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    }),
    scanner: createScanner(options.scannerMode !== undefined ? { mode: options.scannerMode } : {}),
    probe: bindProbe,
    cwdOf: processCwd,
    processes: createProcessTree(),
    inspector,
    control: createProcessControl(inspector),
    proxy: () => probeProxy(options.proxyFiles),
  };
}
