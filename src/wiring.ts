// The one place the real dependencies are wired: the registry store and the OS's Platform
// (scanner, bind probe, working directories, process tree, inspector, signalling). The CLI,
// the dashboard and the programmatic API all build their Deps here.
import type { Deps } from './core/actions/index.js';
import type { Platform, ScannerMode } from './core/ports.js';
import { RegistryStore } from './core/store/registry-store.js';
import { currentPlatform } from './os/index.js';
import { bindProbe } from './os/shared/bind-probe.js';

export interface DepsOptions {
  /** An absolute path; callers resolve --registry / $PM_REGISTRY / the default first. */
  readonly registryPath: string;
  /** PM_SCANNER, already checked. Undefined lets pm choose. */
  readonly scannerMode?: ScannerMode | undefined;
  readonly lockStaleMs?: number | undefined;
  readonly lockTimeoutMs?: number | undefined;
  /** Told when a dead process's lock was taken over. */
  readonly onNotice?: (message: string) => void;
}

export function createDeps(options: DepsOptions, platform: Platform = currentPlatform()): Deps {
  return {
    store: new RegistryStore({
      path: options.registryPath,
      ...(options.lockStaleMs !== undefined ? { staleMs: options.lockStaleMs } : {}),
      ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    }),
    scanner: platform.scanner(options.scannerMode),
    probe: bindProbe,
    cwdOf: (pid) => platform.cwdOf(pid),
    processes: platform.tree,
    // Lazy: the backend (and koffi) loads only when a detail or a kill is asked for.
    inspector: platform.inspector,
    control: platform.control,
  };
}
