// The programmatic API: the same core the CLI uses, for tools that want ports without a shell.

export { type PruneResult, prune } from './core/actions/prune.js';
export { type UpRequest, type UpResult, up } from './core/actions/up.js';
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
export {
  defaultEnvName,
  loadManifest,
  type Manifest,
  type ManifestService,
  parseManifest,
} from './core/manifest.js';
export { parseName } from './core/names.js';
export { type Port, type PortRange, parsePort, parseRange } from './core/port.js';
export {
  findGitCheckout,
  inferProject,
  type ProjectContext,
  requireProject,
} from './core/project.js';
export { type Allocation, allocations, emptyRegistry, type Registry } from './core/registry.js';
export { parseRegistry, serializeRegistry } from './core/registry-file.js';
export { type PortState, type StatusRow, statusRows } from './core/status.js';
export {
  MAX_REGISTRY_BYTES,
  RegistryStore,
  resolveRegistryPath,
  type StoreOptions,
} from './core/store.js';
export { bindProbe } from './native/bind-probe.js';
export { createScanner, type Listener, type Scanner, type ScanOutcome } from './native/index.js';

import type { Deps } from './core/actions.js';
import { resolveRegistryPath } from './core/store.js';
import { createDeps } from './create-deps.js';

/** Dependencies as the CLI builds them: the user's registry, the OS scanner, the bind probe. */
export function defaultDeps(registryPath?: string): Deps {
  return createDeps({ registryPath: resolveRegistryPath(registryPath) });
}

// The one-line API: `await port('web')`, `await env()`.
export {
  type EnvOptions,
  env,
  type PortEnv,
  type PortOptions,
  port,
} from './api/shortcuts.js';
export type { PruneDeps, PrunedProject } from './core/actions/prune.js';
export type { UpService } from './core/actions/up.js';
// Types the signatures above use, exported so callers can name what they receive and pass.
export type {
  ConfigChange,
  ConfigView,
  PortQuery,
  ProjectQuery,
  StatusView,
} from './core/actions.js';
export type { EphemeralPorts } from './core/config-warnings.js';
export type { KillSignal, ProcessControl, SignalOutcome } from './core/kill.js';
export type { ManifestText } from './core/manifest.js';
export type { ProxyEndpoint } from './core/model/proxy-config.js';
export type { NameKind } from './core/names.js';
export type { GitCheckout } from './core/project.js';
export type { Defaults, Extra, Project } from './core/registry.js';
export type { NamedListener, StatusOptions, UnmanagedRow } from './core/status.js';
export type { LockOwner, LockState } from './core/store/lock.js';
export type {
  Change,
  FileHealth,
  ReadResult,
  StoreFile,
  StoreFs,
  StoreHealth,
} from './core/store.js';
export type { BindProbe } from './native/bind-probe.js';
export type { Family, Protocol, ScannerOptions, ScanOptions } from './native/index.js';
export type { Liveness, ProcessIdentity, ProcessProbe } from './native/process-identity.js';
export type { ProcessTree } from './native/process-tree.js';
export type {
  ProcessDetail,
  ProcessDetailField,
  ProcessInspector,
  ProcessSocket,
} from './native/types.js';
