// The programmatic API: the same core the CLI uses, for tools that want ports without a shell.
export {
  type AllocateRequest,
  type AllocateResult,
  allocate,
  configure,
  type Deps,
  type FreeTarget,
  free,
  queryPort,
  queryProject,
  queryService,
  status,
  suggest,
} from './core/actions.js';
export { type ErrorCode, isPmError, PmError, type Remedy } from './core/errors.js';
export { parseName } from './core/names.js';
export { type Port, type PortRange, parsePort, parseRange } from './core/port.js';
export { type Allocation, allocations, emptyRegistry, type Registry } from './core/registry.js';
export { parseRegistry, serializeRegistry } from './core/registry-file.js';
export { type PortState, type StatusRow, statusRows } from './core/status.js';
export { RegistryStore, resolveRegistryPath, type StoreOptions } from './core/store.js';
export { bindProbe } from './native/bind-probe.js';
export { createScanner, type Listener, type Scanner, type ScanOutcome } from './native/index.js';

import type { Deps } from './core/actions.js';
import { resolveRegistryPath } from './core/store.js';
import { createDeps } from './create-deps.js';

/** Dependencies as the CLI builds them: the user's registry, the OS scanner, the bind probe. */
export function defaultDeps(registryPath?: string): Deps {
  return createDeps({ registryPath: resolveRegistryPath(registryPath) });
}
