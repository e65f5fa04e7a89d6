// What every user operation is given to work with: the registry store and the OS behind
// small interfaces, so the CLI, the dashboard and tests each pass their own.
import type { ProcessTree } from '../native/process-tree.js';
import type { ProcessInspector, Scanner } from '../native/types.js';
import type { ProcessControl } from './kill.js';
import type { RegistryStore } from './store.js';

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
  /** The container engine, for ports its forwarders hold (`pm kill` stops the container). */
  readonly containers?: ContainerDirectory;
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
