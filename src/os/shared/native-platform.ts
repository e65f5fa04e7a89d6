// A Platform whose native half (koffi, the OS's libraries) is a module imported on first
// use: a `pm query` that needs no scan never loads it. Import failures (koffi missing its
// platform package, a libc without the symbols) become "unavailable" answers, never throws.
import type {
  Platform,
  ProcessInspector,
  ProcessTree,
  Scanner,
  ScannerChoice,
  ScannerMode,
  ScanOptions,
  ScanOutcome,
} from '../../core/ports.js';
import { createProcessControl } from './signal.js';
import { storeSystem } from './store-system.js';

/** What an OS's lazily loaded backend module provides. */
export interface NativeBackend {
  scanner(choice: ScannerChoice): Scanner;
  inspector(): ProcessInspector;
  /** Where the working directory needs a native call (macOS); absent: the Platform's own. */
  cwdOf?(pid: number): string | undefined;
  /** Where the process tree needs a native call (macOS, Windows); absent: the spec's. */
  readonly tree?: ProcessTree | undefined;
}

export interface NativePlatformSpec {
  readonly name: string;
  /** The scanner's name before its backend loads (it may refine it, e.g. a fallback). */
  readonly scannerName: (mode: ScannerMode | undefined) => string;
  readonly inspectorName: string;
  readonly load: () => Promise<NativeBackend>;
  readonly tree: ProcessTree;
  /** A working directory read without the backend (Linux: /proc); else the backend's. */
  readonly cwdOf?: (pid: number) => string | undefined;
}

export function nativePlatform(spec: NativePlatformSpec): Platform {
  let loading: Promise<NativeBackend> | undefined;
  let loaded: NativeBackend | undefined;
  const load = (): Promise<NativeBackend> => {
    loading ??= spec.load().then((backend) => {
      loaded = backend;
      return backend;
    });
    return loading;
  };
  const inspector = lazyInspector(spec.inspectorName, async () => (await load()).inspector());
  return {
    name: spec.name,
    scanner: (choice = {}) =>
      turnedOff(choice.mode)
        ? unavailableScanner('scanning is turned off (PM_SCANNER=none)')
        : lazyScanner(spec.scannerName(choice.mode), async () => (await load()).scanner(choice)),
    inspector,
    control: createProcessControl(inspector, { platform: spec.name as NodeJS.Platform }),
    // The pids asked about come from a scan or an inspection, which loaded the backend.
    tree: {
      descendants: (pid) => (loaded?.tree ?? spec.tree).descendants(pid),
      environmentValue: (pid, name) => (loaded?.tree ?? spec.tree).environmentValue(pid, name),
      valuesOf: (name) => (loaded?.tree ?? spec.tree).valuesOf?.(name) ?? new Map(),
    },
    cwdOf: spec.cwdOf ?? ((pid) => loaded?.cwdOf?.(pid)),
    store: storeSystem(spec.name as NodeJS.Platform),
  };
}

/** An OS pm has no backend for: it keeps working and shows state "unknown". */
export function platformWithoutBackend(name: string, tree: ProcessTree): Platform {
  const inspector = blindInspector(`no process inspector for platform '${name}'`);
  return {
    name,
    scanner: (choice = {}) =>
      turnedOff(choice.mode)
        ? unavailableScanner('scanning is turned off (PM_SCANNER=none)')
        : unavailableScanner(`no socket scanner for platform '${name}'`),
    inspector,
    control: createProcessControl(inspector, { platform: name as NodeJS.Platform }),
    tree,
    cwdOf: () => undefined,
    store: storeSystem(name as NodeJS.Platform),
  };
}

function turnedOff(mode: ScannerMode | undefined): boolean {
  return mode === 'none' || mode === 'off';
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

/** A scanner whose backend is loaded on first scan. */
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

/** An inspector whose backend is loaded on first use, like the scanner's. */
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
