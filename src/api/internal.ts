// pm's internals for its own tests and benchmarks, which run as plain node processes against
// the build (reliability workers, bench/). Built beside the API so both share one set of
// chunks; never shipped (package.json's `files` leaves dist/api/internal.js out) and not part
// of the public API (src/api/index.ts, docs/api.md).

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
} from '../core/actions/index.js';
export { type PruneResult, prune } from '../core/actions/prune.js';
export { type UpRequest, type UpResult, up } from '../core/actions/up.js';
export {
  type ErrorCode,
  isPmError,
  PmError,
  type ProjectCommand,
  type Remedy,
} from '../core/errors.js';
export { parseName } from '../core/model/names.js';
export { type Port, type PortRange, parsePort, parseRange } from '../core/model/port.js';
export {
  type Allocation,
  allocations,
  emptyRegistry,
  type Registry,
} from '../core/model/registry.js';
export { type PortState, type StatusRow, statusRows } from '../core/model/status.js';
export {
  findGitCheckout,
  inferProject,
  type ProjectContext,
  requireProject,
} from '../core/project/inference.js';
export {
  defaultEnvName,
  loadManifest,
  type Manifest,
  type ManifestService,
  parseManifest,
} from '../core/project/manifest.js';
export { parseRegistry, serializeRegistry } from '../core/store/registry-file.js';
export {
  MAX_REGISTRY_BYTES,
  RegistryStore,
  type StoreOptions,
} from '../core/store/registry-store.js';
export type { Listener, Scanner, ScanOutcome } from '../os/index.js';
export { bindProbe } from '../os/shared/bind-probe.js';
export { storeSystem } from '../os/shared/store-system.js';

import { processScannerChoice, processSettings } from '../cli/settings.js';
import type { Deps } from '../core/actions/index.js';
import type { Scanner } from '../core/ports.js';
import { type ScannerOptions, scannerFor } from '../os/index.js';
import { createDeps } from '../wiring.js';

export { resolveRegistryPath } from '../cli/settings.js';

/** The OS's socket scanner; PM_SCANNER and PM_CACHE_DIR apply unless `options` say. */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const settings = processScannerChoice();
  return scannerFor({
    ...(settings.mode !== undefined ? { mode: settings.mode } : {}),
    ...(settings.cacheDirectory ? { cacheDirectory: settings.cacheDirectory } : {}),
    ...options,
  });
}

/** Dependencies as the CLI builds them: the user's registry, the OS scanner, the bind probe. */
export function defaultDeps(registryPath?: string): Deps {
  return createDeps(processSettings({ registry: registryPath }));
}

// Types the signatures above use, exported so callers can name what they receive and pass.
export type {
  ConfigChange,
  ConfigView,
  PortQuery,
  ProjectQuery,
  StatusView,
} from '../core/actions/index.js';
export type { PruneDeps, PrunedProject } from '../core/actions/prune.js';
export type { UpService } from '../core/actions/up.js';
export type { EphemeralPorts } from '../core/model/config-warnings.js';
export type { KillSignal } from '../core/model/kill.js';
export type { NameKind } from '../core/model/names.js';
export type { Defaults, Extra, Project } from '../core/model/registry.js';
export type { NamedListener, StatusOptions, UnmanagedRow } from '../core/model/status.js';
export type {
  ContainerDirectory,
  ContainerListing,
  EngineContainer,
  EngineInfo,
  EngineProblem,
  ListenerContainer,
  Liveness,
  ProcessControl,
  ProcessDetail,
  ProcessDetailField,
  ProcessIdentity,
  ProcessInspector,
  ProcessProbe,
  ProcessSocket,
  ProcessTree,
  Reach,
  SignalOutcome,
} from '../core/ports.js';
export type { GitCheckout } from '../core/project/inference.js';
export type { ManifestText, PortStrategy } from '../core/project/manifest.js';
export type { LockOwner, LockState } from '../core/store/lock.js';
export type {
  Change,
  FileHealth,
  ReadResult,
  StoreFile,
  StoreFs,
  StoreHealth,
} from '../core/store/registry-store.js';
export type { Family, Protocol, ScannerOptions, ScanOptions } from '../os/index.js';
export type { BindProbe } from '../os/shared/bind-probe.js';
// The one-line API: `await port('web')`, `await url('web')`, `await env()`.
export {
  type EnvOptions,
  env,
  type PortEnv,
  type PortOptions,
  port,
  url,
} from './shortcuts.js';
