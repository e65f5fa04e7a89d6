// What every user operation is given to work with: the registry store and the OS behind
// small interfaces, so the CLI, the dashboard and tests each pass their own.
import type { ProcessTree } from '../native/process-tree.js';
import type { ProcessInspector, Scanner } from '../native/types.js';
import type { ProcessControl } from './kill.js';
import type { ProxyEndpoint } from './model/proxy-config.js';
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
  /** The running `pm proxy`, if any: then URLs carry names (DESIGN §5f). */
  readonly proxy?: () => Promise<ProxyEndpoint | undefined>;
}
