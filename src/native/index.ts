// Backend choice. This module and the backends it imports are the only place that knows
// which OS pm runs on; backends are imported lazily so koffi is loaded only when a scan
// is actually wanted, and only the current platform's module is ever evaluated.
import type { ProcessInspector, Scanner, ScanOptions, ScanOutcome } from './types.js';

export type {
  Family,
  Listener,
  ListenerContainer,
  ProcessDetail,
  ProcessDetailField,
  ProcessInspector,
  ProcessSocket,
  Protocol,
  Scanner,
  ScanOptions,
  ScanOutcome,
} from './types.js';

export interface ScannerOptions {
  /** Defaults to process.platform. */
  readonly platform?: NodeJS.Platform;
  /**
   * PM_SCANNER: 'none' disables scanning; on Linux 'procfs' forces the /proc/net fallback and
   * 'netlink' forbids it. Used by tests and by users in sandboxes that misbehave.
   */
  readonly mode?: string;
}

/** A scanner that can never see anything; pm keeps working and shows state "unknown". */
export function unavailableScanner(reason: string, backend = 'none'): Scanner {
  const outcome: ScanOutcome = { ok: false, reason };
  return {
    backend,
    scan: async () => outcome,
    seesOtherUsers: () => false,
  };
}

/**
 * A scanner whose backend module is imported on first scan. Import failures (koffi missing
 * its platform package, a libc without the symbols) become an "unavailable" outcome.
 */
function lazyScanner(backend: string, load: () => Promise<Scanner>): Scanner {
  let inner: Promise<Scanner> | undefined;
  const get = (): Promise<Scanner> => {
    inner ??= load().catch((error: unknown) =>
      unavailableScanner(`could not load the ${backend} backend: ${describe(error)}`, backend),
    );
    return inner;
  };
  let loaded: Scanner | undefined;
  return {
    // The loaded backend may refine its name (netlink falling back to /proc/net).
    get backend() {
      return loaded?.backend ?? backend;
    },
    async scan(options?: ScanOptions) {
      loaded = await get();
      try {
        return await loaded.scan(options);
      } catch (error) {
        return { ok: false, reason: `${backend} scan failed: ${describe(error)}` };
      }
    },
    seesOtherUsers: () => loaded?.seesOtherUsers?.() ?? false,
    dispose() {
      loaded?.dispose?.();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createScanner(options: ScannerOptions = {}): Scanner {
  const platform = options.platform ?? process.platform;
  const mode = (options.mode ?? process.env.PM_SCANNER ?? '').toLowerCase();
  if (mode === 'none' || mode === 'off') {
    return unavailableScanner('scanning is turned off (PM_SCANNER=none)');
  }
  switch (platform) {
    case 'linux':
      return lazyScanner(mode === 'procfs' ? 'linux-procfs' : 'linux-netlink', async () =>
        (await import('./backend-linux.js')).createLinuxScanner({
          force: mode === 'procfs' ? 'procfs' : mode === 'netlink' ? 'netlink' : undefined,
        }),
      );
    case 'darwin':
      return lazyScanner('darwin-sysctl', async () =>
        (await import('./backend-darwin.js')).createDarwinScanner(),
      );
    case 'win32':
      return lazyScanner('win32-iphlpapi', async () =>
        (await import('./backend-win32.js')).createWin32Scanner(),
      );
    default:
      return unavailableScanner(`no socket scanner for platform '${platform}'`);
  }
}

/** Answers "nothing" for every pid: a platform pm cannot inspect, or a backend that failed to load. */
function blindInspector(reason: string): ProcessInspector {
  return {
    detail: async (pid) => ({
      pid,
      unavailable: {
        ppid: reason,
        uid: reason,
        user: reason,
        name: reason,
        executable: reason,
        command: reason,
        cwd: reason,
        startTime: reason,
        sockets: reason,
      },
    }),
    startTime: async () => undefined,
    parentPid: async () => undefined,
  };
}

/** An inspector whose backend module is imported on first use, like the scanner's. */
function lazyInspector(backend: string, load: () => Promise<ProcessInspector>): ProcessInspector {
  let inner: Promise<ProcessInspector> | undefined;
  const get = (): Promise<ProcessInspector> => {
    inner ??= load().catch((error: unknown) =>
      blindInspector(`could not load the ${backend} backend: ${describe(error)}`),
    );
    return inner;
  };
  return {
    detail: async (pid) => (await get()).detail(pid),
    startTime: async (pid) => (await get()).startTime(pid),
    parentPid: async (pid) => (await get()).parentPid(pid),
  };
}

/** Per-process detail, start time and parent for the current OS (docs/platforms.md). */
export function createProcessInspector(
  options: Pick<ScannerOptions, 'platform'> = {},
): ProcessInspector {
  const platform = options.platform ?? process.platform;
  switch (platform) {
    case 'linux':
      return lazyInspector('linux-procfs', async () =>
        (await import('./backend-linux.js')).createLinuxInspector(),
      );
    case 'darwin':
      return lazyInspector('darwin-libproc', async () =>
        (await import('./backend-darwin.js')).createDarwinInspector(),
      );
    case 'win32':
      return lazyInspector('win32-kernel32', async () =>
        (await import('./backend-win32.js')).createWin32Inspector(),
      );
    default:
      return blindInspector(`no process inspector for platform '${platform}'`);
  }
}
