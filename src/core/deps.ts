// What every user operation is given to work with: the registry store and the OS behind
// small interfaces, so the CLI, the dashboard and tests each pass their own.
import type { ProcessTree } from '../native/process-tree.js';
import type { ProcessInspector, Scanner } from '../native/types.js';
import type { ProcessControl } from './kill.js';
import type { RegistryStore } from './store.js';

/** Whether a service answers on loopback (`pm wait`). */
export interface ReachProbe {
  /** True once a TCP connection to 127.0.0.1 or ::1 on `port` is accepted within `timeoutMs`. */
  connect(port: number, timeoutMs: number): Promise<boolean>;
  /** The status of `GET path` on loopback, or undefined when nothing answered in time. */
  httpStatus(port: number, path: string, timeoutMs: number): Promise<number | undefined>;
}

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
  /** Connecting to a service, for `pm wait`. */
  readonly reach?: ReachProbe;
}
