// The contracts between pm's core and the operating system: the socket tables, one process's
// detail, signalling, the process tree, lock-holder identity, and `Deps`, what every user
// operation is given. src/os implements them; which OS call answers is its business.
import type { KillSignal } from './model/kill.js';
import type { ProxyEndpoint } from './model/proxy-config.js';
import type { RegistryStore } from './store/registry-store.js';

export type Protocol = 'tcp' | 'udp';
export type Family = 'ipv4' | 'ipv6';

/** A socket that accepts traffic: a TCP socket in LISTEN, or a bound UDP socket. */
export interface Listener {
  readonly protocol: Protocol;
  readonly family: Family;
  /**
   * The local address as a user would type it: '127.0.0.1', '0.0.0.0', '::1', '::'.
   * IPv4-mapped IPv6 addresses are shown as their IPv4 form ('::ffff:127.0.0.1' -> '127.0.0.1').
   */
  readonly address: string;
  readonly port: number;
  /** Unknown when the OS hides it (another user's process without privileges). */
  readonly pid?: number;
  /** The kernel's name for the executable ('node', 'python3'): see `command` for the program. */
  readonly process?: string;
  readonly uid?: number;
  /**
   * The owner's argv, where the OS lets pm read it (Linux /proc, macOS KERN_PROCARGS2 for
   * the user's own processes, Windows where the process can be queried). Foreign text: the
   * process chose it, so sanitize before it reaches a terminal.
   */
  readonly command?: readonly string[];
  /**
   * The dev-server CLI that started the owner, when the owner's own command line names only
   * its build output (`nest` for Nest's `node dist/main`): added after the scan from the
   * owner's ancestors (core/actions/launchers.ts), never by a backend.
   */
  readonly launcher?: string;
  /**
   * The container whose published port this is, when the socket belongs to a container
   * engine's forwarder (docker-proxy, rootlessport, ...): added after the scan from the
   * engine's API, never by a backend. Foreign text, like `command`.
   */
  readonly container?: ListenerContainer;
}

/** A running container as a row shows it, with the mapping that publishes this port. */
export interface ListenerContainer {
  readonly id: string;
  /** Without the leading slash the Docker API puts there. */
  readonly name: string;
  readonly image: string;
  readonly composeProject?: string;
  readonly composeService?: string;
  /** The container's own side of the mapping (80 in `-p 8080:80`). */
  readonly privatePort: number;
}

export type ScanOutcome =
  | { readonly ok: true; readonly listeners: readonly Listener[] }
  | { readonly ok: false; readonly reason: string };

export interface ScanOptions {
  /**
   * Which listening ports need their owning process. Finding owners is the costly part of a
   * cold scan on Linux (a readlink per open file of every process), so a caller that shows
   * only its allocations asks only for those. Default: every port. Backends where the owner
   * comes for free may ignore it.
   */
  readonly attribute?: (port: number) => boolean;
  /**
   * Every process holding each attributed socket (one Listener per holder), not just the
   * first found: a socket shared across fork has several. Costs a walk of every process's
   * open files, so only single-port commands (`pm kill`, `pm query :port`) ask.
   */
  readonly allHolders?: boolean;
}

export interface Scanner {
  /** Short stable name shown in the dashboard header and `pm doctor`, e.g. 'linux-netlink'. */
  readonly backend: string;
  /**
   * Reads the socket tables now. Never rejects for an OS-level failure: a backend that
   * cannot run resolves { ok: false, reason } and pm shows state "unknown".
   */
  scan(options?: ScanOptions): Promise<ScanOutcome>;
  /** Whether this backend can attribute sockets of other users' processes (for `pm doctor`). */
  seesOtherUsers?(): boolean;
  /** Releases cached resources (open handles, caches). Safe to call more than once. */
  dispose?(): void;
}

/** A socket one process holds, for the detail view: listening or connected. */
export interface ProcessSocket {
  readonly protocol: Protocol;
  readonly family: Family;
  readonly address: string;
  readonly port: number;
  /**
   * The OS's state name where it has one: TCP 'LISTEN', 'ESTABLISHED', 'TIME_WAIT', ...;
   * UDP 'UNCONN' (bound, not connected) or 'CONNECTED'.
   */
  readonly state?: string;
}

/** Fields of a ProcessDetail the OS may refuse or not have. */
export type ProcessDetailField =
  | 'ppid'
  | 'uid'
  | 'user'
  | 'name'
  | 'executable'
  | 'command'
  | 'cwd'
  | 'startTime'
  | 'sockets';

/**
 * What pm can learn about one process, fetched only when asked (the selected row, the asked
 * port), never on every refresh. Every string in it is foreign text (the process chose its
 * argv, its directory names): sanitize before it reaches a terminal.
 */
export interface ProcessDetail {
  readonly pid: number;
  readonly ppid?: number;
  readonly uid?: number;
  readonly user?: string;
  /** The kernel's name for the executable (the same as Listener.process). */
  readonly name?: string;
  /** Full path of the executable image. */
  readonly executable?: string;
  /** argv. */
  readonly command?: readonly string[];
  readonly cwd?: string;
  /** When the process started, in ms since the epoch. */
  readonly startTime?: number;
  /** Internet sockets (TCP, UDP) it holds; Unix-domain sockets are not listed. */
  readonly sockets?: readonly ProcessSocket[];
  /** Why a field is missing, e.g. { cwd: 'another user's process: needs root' }. */
  readonly unavailable: Readonly<Partial<Record<ProcessDetailField, string>>>;
}

/**
 * Per-process questions, answered natively like the socket scan. Sibling of Scanner so that
 * nothing outside src/native knows the OS. Every call reads the OS now: callers ask for one
 * process at a time, on demand.
 */
export interface ProcessInspector {
  /** Undefined when no process has this pid (it exited). */
  detail(pid: number): Promise<ProcessDetail | undefined>;
  /**
   * Start time in ms since the epoch, or undefined when the process is gone or hidden. With
   * the pid it names one process: compare it before signalling, pids are reused. Values are
   * comparable within one pm process.
   */
  startTime(pid: number): Promise<number | undefined>;
  /** The parent's pid, or undefined when the process is gone or hidden. */
  parentPid(pid: number): Promise<number | undefined>;
  /**
   * The owner's uid alone, where the OS answers it without the rest of `detail` (fd walk,
   * passwd, command line). Absent: ask `detail`.
   */
  uid?(pid: number): Promise<number | undefined>;
}

/**
 * What signalling one process came to. `unsupported`: the OS has no graceful request for this
 * process (Windows: a console program has no window to close), so pm goes straight to KILL.
 */
export type SignalOutcome = 'sent' | 'gone' | 'denied' | 'unsupported';

/** The OS side of a kill; src/os implements it, tests inject a table. */
export interface ProcessControl {
  /** pm's own process; `uid` is the effective uid, undefined where the OS has none (Windows). */
  readonly self: { readonly pid: number; readonly uid?: number };
  /** Start time in ms since the epoch, undefined when the process is gone or hidden. */
  startTime(pid: number): Promise<number | undefined>;
  parentPid(pid: number): Promise<number | undefined>;
  /** The owner's uid where the OS says (used when the scanner did not). */
  uidOf(pid: number): Promise<number | undefined>;
  /** Signals exactly this pid: never a process group (the pid is always positive). */
  signal(pid: number, signal: KillSignal): Promise<SignalOutcome>;
}

export interface ProcessTree {
  /** `root` and every live descendant of it; just `root` where the OS cannot say. */
  descendants(root: number): Set<number>;
  /** The value of the variable `name` in the process's environment, where readable. */
  environmentValue(pid: number, name: string): string | undefined;
  /**
   * Every readable process's value of `name`, by pid (one small read per process: far less
   * than looking up socket owners, which walks every open file).
   */
  valuesOf?(name: string): Map<number, string>;
}

/** What a lock records about its holder. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** Linux: field 22 of /proc/<pid>/stat (clock ticks after boot); elsewhere undefined. */
  readonly startTime?: string;
  /** Linux: /proc/sys/kernel/random/boot_id; a different boot means every holder is gone. */
  readonly bootId?: string;
}

export type Liveness = 'alive' | 'dead';

/** The OS reads the lock needs; tests replace it to fake dead, reused or foreign holders. */
export interface ProcessProbe {
  readonly self: () => ProcessIdentity;
  /**
   * Whether the process that `identity` describes still runs on this machine. Linux compares
   * the start time too (a reused pid is a different process); macOS and Windows can only ask
   * whether the pid exists (signal 0), so a reused pid there counts as alive.
   */
  readonly liveness: (identity: ProcessIdentity) => Liveness;
}

/**
 * Temp files written beside a file and renamed over it (the registry, its backup): how this
 * process names them, and which ones in a listing are a dead writer's debris.
 */
export interface TempFiles {
  /** Where this process writes `path` before renaming it over. */
  pathFor(path: string): string;
  /** A temp file of `file` (or of `<file>.bak`), by its name in a directory listing. */
  isOf(name: string, file: string): boolean;
  /** A temp file of `file` whose writer no longer runs (or cannot be told): debris. */
  isDeadWriters(name: string, file: string): boolean;
}

/** What the registry store needs of the OS, given by whoever builds it (wiring, the API). */
export interface StoreSystem {
  /** Decides rename retries and directory fsync. */
  readonly platform: NodeJS.Platform;
  /** Who holds a lock, and whether that process still runs. */
  readonly probe: ProcessProbe;
  readonly tempFiles: TempFiles;
}

/**
 * What every user operation is given to work with: the registry store and the OS behind
 * small interfaces, so the CLI, the dashboard and tests each pass their own.
 */
export interface Deps {
  readonly store: RegistryStore;
  readonly scanner: Scanner;
  /** True when the port can be bound on every local address family. */
  readonly probe: (port: number) => Promise<boolean>;
  readonly cwdOf?: (pid: number) => string | undefined;
  /** Process ancestry and `pm run` markers, for drift and the moved state. */
  readonly processes?: ProcessTree;
  /** One process's detail on demand (the dashboard's detail view, `pm kill`'s messages). */
  readonly inspector?: ProcessInspector;
  /** Signalling, for `pm kill` and the dashboard's `x`. */
  readonly control?: ProcessControl;
  /** The running `pm proxy`, if any: then URLs carry names (DESIGN §5f). */
  readonly proxy?: () => Promise<ProxyEndpoint | undefined>;
  /** The container engine, for ports its forwarders hold (`pm kill` stops the container). */
  readonly containers?: ContainerDirectory;
  /** Connecting to a service, for `pm wait`. */
  readonly reach?: Reach;
}

/** One port a running container publishes on the host (an entry of the API's `Ports`). */
export interface PublishedPort {
  /** The host address it is bound to; '' or absent: every address. */
  readonly ip?: string;
  readonly privatePort: number;
  readonly publicPort: number;
  readonly protocol: 'tcp' | 'udp' | 'sctp';
}

export interface EngineContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly composeProject?: string;
  readonly composeService?: string;
  readonly ports: readonly PublishedPort[];
}

/**
 * Why the engine gave no answer: `none` no socket found, `denied` the socket refuses this
 * user, `unreachable` nothing answers or it answered an error, `timeout` it did not answer
 * in time, `unsupported` DOCKER_HOST names a transport pm does not speak (tcp://, ssh://).
 */
export interface EngineProblem {
  readonly kind: 'none' | 'denied' | 'unreachable' | 'timeout' | 'unsupported';
  /** The socket (or DOCKER_HOST value) pm tried; absent for `none`. */
  readonly endpoint?: string;
  readonly message: string;
}

export type ContainerListing =
  | { readonly ok: true; readonly containers: readonly EngineContainer[] }
  | { readonly ok: false; readonly problem: EngineProblem };

export type EngineInfo =
  | {
      readonly ok: true;
      readonly endpoint: string;
      /** 'Docker', 'Podman', ...: from the engine's own version report. */
      readonly engine: string;
      readonly version: string;
      readonly apiVersion: string;
    }
  | { readonly ok: false; readonly problem: EngineProblem };

/** What stopping a container came to; an engine failure rejects with its message. */
export type StopOutcome = 'stopped' | 'already-stopped' | 'gone';

/**
 * A container engine (Docker, Podman) behind its API socket: which containers publish which
 * host ports, and stopping one. `list` and `info` never reject; a missing or hung engine is
 * an answer, so the table stays as it would be without one.
 */
export interface ContainerDirectory {
  list(): Promise<ContainerListing>;
  info(): Promise<EngineInfo>;
  /** Asks the engine to stop it: its stop signal, then KILL after `timeoutSeconds`. */
  stop(id: string, timeoutSeconds: number): Promise<StopOutcome>;
}

/**
 * How the socket scanner is chosen: 'none' turns scanning off; on Linux 'procfs' forces the
 * /proc/net source and 'netlink' forbids falling back to it. Undefined lets pm choose.
 */
export type ScannerMode = 'none' | 'off' | 'procfs' | 'netlink';

export interface ScannerChoice {
  readonly mode?: ScannerMode | undefined;
  /** pm's private cache directory, where a scanner keeps what outlives one run (owners). */
  readonly cacheDirectory?: (() => string) | undefined;
}

/**
 * Everything pm asks of the operating system it runs on, picked once (src/os/index.ts). The
 * scanner and the inspector load their native code (koffi) on first use.
 */
export interface Platform {
  /** The OS as Node names it ('linux', 'darwin', 'win32', ...). */
  readonly name: string;
  /** A new socket scanner; each keeps its own caches. */
  scanner(choice?: ScannerChoice): Scanner;
  readonly inspector: ProcessInspector;
  readonly control: ProcessControl;
  readonly tree: ProcessTree;
  /**
   * A process's working directory, for telling "my project's dev server" from "someone else
   * on my port"; undefined when the OS will not say, which never makes a conflict.
   */
  cwdOf(pid: number): string | undefined;
  /** What the registry store (and any locked, atomically replaced file) needs of the OS. */
  readonly store: StoreSystem;
}

/** Knocking on a local port (loopback only): for `wait`. */
export interface Reach {
  /** The loopback address that accepted a connection within `timeoutMs`, or undefined. */
  connects(port: number, timeoutMs: number): Promise<string | undefined>;
  /** The status of `GET path` on `host:port`, or undefined when no HTTP answer came in time. */
  httpStatus(
    host: string,
    port: number,
    path: string,
    timeoutMs: number,
  ): Promise<number | undefined>;
}
