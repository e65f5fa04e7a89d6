// The operations a user can ask for, shared by the CLI and the dashboard. Each one takes its
// IO (store, scanner, bind probe) as dependencies, so tests can give it fakes.
import type { ProcessTree } from '../native/process-tree.js';
import type { Listener, ProcessInspector, Scanner, ScanOutcome } from '../native/types.js';
import { configWarnings, type EphemeralPorts } from './config-warnings.js';
import { PmError } from './errors.js';
import type { ProcessControl } from './kill.js';
import { parseName } from './names.js';
import type { Port, PortRange } from './port.js';
import { formatRange } from './port.js';
import { processLabel } from './program.js';
import {
  type Allocation,
  allocatedPorts,
  allocations,
  candidatePorts,
  findPort,
  ownerOf,
  pickFreePort,
  type Registry,
  withAllocation,
  withDefaults,
  withoutProject,
  withoutService,
  withProjectPath,
  withProjectPlace,
} from './registry.js';
import {
  listenersByPort,
  type PortState,
  SERVICE_MARKER,
  type StatusRow,
  statusRows,
  type UnmanagedRow,
  unmanagedRows,
  withProgram,
} from './status.js';
import type { RegistryStore } from './store.js';
import { isBrowserUnsafePort } from './unsafe-ports.js';

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
}

export interface AllocateRequest {
  readonly project: string;
  readonly service: string;
  /** Exactly this port. */
  readonly port?: Port;
  /** Auto-allocate from this port upward instead of the range start. */
  readonly prefer?: Port;
  /** Take an explicit port even though something listens on it. */
  readonly force?: boolean;
  /**
   * The project's directory (absolute). Recorded on the project so a listener started from
   * elsewhere shows as a conflict.
   */
  readonly path?: string;
  /** With `path`: the project this one is a linked git worktree of. */
  readonly worktreeOf?: string;
}

export interface AllocateResult extends Allocation {
  /** False when the service already had this port (allocate is idempotent). */
  readonly created: boolean;
  readonly warnings: readonly string[];
}

function describeListener(listener: Listener): string {
  if (listener.pid === undefined)
    return `a process of another user (pid hidden) on ${listener.protocol === 'udp' ? 'udp ' : ''}${listener.address}`;
  // "vite (pid 32010)": the program first, as the table names it.
  const { process, program } = withProgram(listener);
  const label = processLabel(process, program);
  const where = listener.protocol === 'udp' ? `udp ${listener.address}` : listener.address;
  return `${label ? `${label} ` : ''}(pid ${listener.pid}) on ${where}`;
}

function listeningPorts(scan: ScanOutcome): Map<number, Listener[]> {
  return scan.ok ? listenersByPort(scan.listeners) : new Map();
}

/**
 * The live half of the allocation rule, shared by every operation that hands out ports: no
 * listener was seen on the port, and it binds right now.
 */
export function isFreeNow(
  deps: Pick<Deps, 'probe'>,
  scan: ScanOutcome,
): (port: Port) => Promise<boolean> {
  const listening = listeningPorts(scan);
  return async (port) => !listening.has(port) && (await deps.probe(port));
}

export async function allocate(deps: Deps, request: AllocateRequest): Promise<AllocateResult> {
  const project = parseName(request.project, 'project');
  const service = parseName(request.service, 'service');
  if (request.port !== undefined && request.prefer !== undefined) {
    throw new PmError('USAGE', 'an exact port and a preferred port cannot be combined', {
      kind: 'exact-or-prefer',
    });
  }

  // Fast path without the lock: an existing allocation is returned as is (reads are atomic).
  const { registry: seen } = await deps.store.read();
  const existing = findPort(seen, project, service);
  const entry = seen.projects.get(project);
  const pathKnown =
    request.path === undefined ||
    (entry?.path === request.path &&
      (request.worktreeOf === undefined || entry.worktreeOf === request.worktreeOf));
  if (
    existing !== undefined &&
    pathKnown &&
    (request.port === undefined || request.port === existing)
  ) {
    return { project, service, port: existing, created: false, warnings: [] };
  }

  // Scanning happens before the lock so the lock is held for milliseconds; the bind probe
  // inside the transaction is the final check. Owners matter only for naming who holds an
  // explicit port.
  const scan = await deps.scanner.scan({ attribute: (port) => port === request.port });
  const listening = listeningPorts(scan);

  return deps.store.transaction<AllocateResult>(async (registry) => {
    const current = findPort(registry, project, service);
    const recorded =
      request.path === undefined
        ? registry
        : request.worktreeOf === undefined
          ? withProjectPath(registry, project, request.path)
          : withProjectPlace(registry, project, {
              path: request.path,
              worktreeOf: request.worktreeOf,
            });
    if (current !== undefined && (request.port === undefined || request.port === current)) {
      return {
        registry: recorded,
        result: { project, service, port: current, created: false, warnings: [] },
      };
    }
    if (current !== undefined && request.port !== undefined) {
      throw new PmError('PORT_TAKEN', `${project}/${service} already has port ${current}`, {
        kind: 'free-service-first',
        project,
        service,
        port: request.port,
      });
    }
    const warnings: string[] = [];
    let port: Port;
    if (request.port !== undefined) {
      port = request.port;
      checkExplicitPort(registry, port, listening, request.force === true);
      if (!(await deps.probe(port))) {
        if (!request.force) {
          throw new PmError(
            'PORT_IN_USE',
            `port ${port} is in use: binding it failed (a process holds it${scan.ok ? '' : '; the socket scanner is unavailable, so pm cannot say which'})`,
            [{ kind: 'suggest' }, { kind: 'force' }],
          );
        }
        // One fact, one message: when the scan names the holder, that message below says it.
        if (!listening.has(port)) {
          warnings.push(`port ${port} is in use right now; recorded anyway (forced)`);
        }
      }
      if (isBrowserUnsafePort(port)) {
        warnings.push(
          `port ${port} is refused by browsers (ERR_UNSAFE_PORT); fine for non-HTTP services`,
        );
      }
      const { start, end } = registry.defaults.range;
      if (port < start || port > end) {
        warnings.push(`port ${port} is outside the range ${start}-${end}; allocated as asked`);
      }
      if (request.force && listening.has(port)) {
        warnings.push(
          `port ${port} is listened on by ${listening.get(port)!.map(describeListener).join(', ')}; recorded anyway (forced)`,
        );
      }
    } else {
      port = await pickFreePort(registry, isFreeNow(deps, scan), request.prefer);
    }
    return {
      registry: withAllocation(recorded, project, service, port),
      result: { project, service, port, created: true, warnings },
    };
  });
}

function checkExplicitPort(
  registry: Registry,
  port: Port,
  listening: Map<number, Listener[]>,
  force: boolean,
): void {
  const owner = ownerOf(registry, port);
  if (owner) {
    // A port belongs to one service; forcing does not steal it (free it explicitly instead).
    throw new PmError(
      'PORT_TAKEN',
      `port ${port} is already allocated to ${owner.project}/${owner.service}`,
      [{ kind: 'suggest' }, { kind: 'free-port-first', port }],
    );
  }
  const holders = listening.get(port);
  if (holders && !force) {
    throw new PmError(
      'PORT_IN_USE',
      `port ${port} is in use by ${holders.map(describeListener).join(', ')}`,
      [{ kind: 'stop-listener' }, { kind: 'suggest' }, { kind: 'force' }],
    );
  }
}

export type FreeTarget =
  | { readonly kind: 'service'; readonly project: string; readonly service: string }
  | { readonly kind: 'project'; readonly project: string }
  | { readonly kind: 'port'; readonly port: Port };

export async function free(deps: Deps, target: FreeTarget): Promise<Allocation[]> {
  if (target.kind !== 'port') parseName(target.project, 'project');
  if (target.kind === 'service') parseName(target.service, 'service');
  return deps.store.transaction((registry) => {
    const freed = allocationsOf(registry, target);
    if (freed.length === 0) throw notFound(target);
    let next = registry;
    if (target.kind === 'project') next = withoutProject(registry, target.project);
    else for (const { project, service } of freed) next = withoutService(next, project, service);
    return { registry: next, result: freed };
  });
}

function allocationsOf(registry: Registry, target: FreeTarget): Allocation[] {
  if (target.kind === 'port') {
    const owner = ownerOf(registry, target.port);
    return owner ? [owner] : [];
  }
  const entry = registry.projects.get(target.project);
  if (!entry) return [];
  if (target.kind === 'service') {
    const port = entry.ports.get(target.service);
    return port === undefined ? [] : [{ project: target.project, service: target.service, port }];
  }
  return [...entry.ports]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, port]) => ({ project: target.project, service, port }));
}

function notFound(target: FreeTarget): PmError {
  switch (target.kind) {
    case 'port':
      return new PmError('NOT_FOUND', `port ${target.port} is not allocated`, {
        kind: 'list-allocations',
      });
    case 'project':
      return new PmError('NOT_FOUND', `project '${target.project}' has no allocations`, {
        kind: 'list-allocations',
      });
    default:
      return new PmError('NOT_FOUND', `${target.project}/${target.service} is not allocated`, {
        kind: 'list-project',
        project: target.project,
      });
  }
}

/** The next ports `allocate` would hand out, without reserving them. */
export async function suggest(deps: Deps, count: number, from?: Port): Promise<Port[]> {
  const { registry } = await deps.store.read();
  const free = isFreeNow(deps, await deps.scanner.scan({ attribute: () => false }));
  const ports: Port[] = [];
  for (const port of candidatePorts(registry, from)) {
    if (ports.length >= count) break;
    if (await free(port)) ports.push(port);
  }
  if (ports.length === 0) {
    throw new PmError(
      'RANGE_EXHAUSTED',
      `no free port in ${formatRange(registry.defaults.range)}`,
      [{ kind: 'widen-range' }, { kind: 'free-ports' }],
    );
  }
  return ports;
}

export interface ProjectQuery {
  readonly project: string;
  readonly path?: string;
  /** Sorted by service, each with its live state: a conflict is why one asks. */
  readonly services: readonly StatusRow[];
  readonly scanner: PortQuery['scanner'];
}

export async function queryProject(
  deps: Pick<Deps, 'store' | 'scanner' | 'cwdOf'>,
  project: string,
): Promise<ProjectQuery> {
  parseName(project, 'project');
  const { registry } = await deps.store.read();
  const entry = registry.projects.get(project);
  if (!entry || entry.ports.size === 0) {
    throw new PmError('NOT_FOUND', `project '${project}' has no allocations`, {
      kind: 'allocate',
      project,
    });
  }
  const ports = new Set(entry.ports.values());
  const scan = await deps.scanner.scan({ attribute: (port) => ports.has(port) });
  const services = statusRows(registry, scan, deps.cwdOf ? { cwdOf: deps.cwdOf } : {})
    .filter((row) => row.project === project)
    .sort((a, b) => a.service.localeCompare(b.service));
  return {
    project,
    ...(entry.path !== undefined ? { path: entry.path } : {}),
    services,
    scanner: scannerInfo(deps.scanner, scan),
  };
}

export async function queryService(
  deps: Pick<Deps, 'store'>,
  project: string,
  service: string,
): Promise<Allocation> {
  parseName(project, 'project');
  parseName(service, 'service');
  const { registry } = await deps.store.read();
  const port = findPort(registry, project, service);
  if (port === undefined) {
    throw new PmError('NOT_FOUND', `${project}/${service} is not allocated`, {
      kind: 'allocate',
      project,
      service,
    });
  }
  return { project, service, port };
}

export interface PortQuery {
  readonly port: Port;
  readonly owner?: Allocation;
  /** The owner's project directory, when recorded (--path). */
  readonly path?: string;
  /** The owner's live state: active, idle, conflict (or unknown without a scanner). */
  readonly state?: PortState;
  readonly listeners: readonly Listener[];
  readonly scanner: {
    readonly backend: string;
    readonly available: boolean;
    readonly reason?: string;
  };
}

export async function queryPort(deps: Deps, port: Port): Promise<PortQuery> {
  const { registry } = await deps.store.read();
  const scan = await deps.scanner.scan({ attribute: (candidate) => candidate === port });
  const owner = ownerOf(registry, port);
  const path = owner ? registry.projects.get(owner.project)?.path : undefined;
  const row = owner
    ? statusRows(registry, scan, deps.cwdOf ? { cwdOf: deps.cwdOf } : {}).find(
        (candidate) => candidate.port === port,
      )
    : undefined;
  return {
    port,
    ...(owner ? { owner } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(row ? { state: row.state } : {}),
    listeners: scan.ok ? scan.listeners.filter((listener) => listener.port === port) : [],
    scanner: scannerInfo(deps.scanner, scan),
  };
}

export function scannerInfo(scanner: Scanner, scan: ScanOutcome): PortQuery['scanner'] {
  return scan.ok
    ? { backend: scanner.backend, available: true }
    : { backend: scanner.backend, available: false, reason: scan.reason };
}

export interface ConfigChange {
  readonly range?: PortRange;
  readonly exclude?: readonly Port[];
}

export interface ConfigView {
  readonly range: PortRange;
  readonly exclude: readonly Port[];
  /** Risky settings that were accepted anyway (see config-warnings.ts). */
  readonly warnings: readonly string[];
}

export async function configure(
  deps: Pick<Deps, 'store'>,
  change: ConfigChange,
  ephemeral?: EphemeralPorts,
): Promise<ConfigView> {
  const view = (registry: Registry, warnings: readonly string[] = []): ConfigView => ({
    range: registry.defaults.range,
    exclude: registry.defaults.exclude,
    warnings,
  });
  if (change.range === undefined && change.exclude === undefined) {
    return view((await deps.store.read()).registry);
  }
  return deps.store.transaction((registry) => {
    const next = withDefaults(registry, change);
    return { registry: next, result: view(next, configWarnings(next, change, ephemeral)) };
  });
}

export interface StatusView {
  readonly registry: Registry;
  readonly rows: readonly StatusRow[];
  readonly unmanaged: readonly UnmanagedRow[];
  readonly scan: ScanOutcome;
  readonly scanner: PortQuery['scanner'];
}

/**
 * The table. Owners are looked up for allocated ports only, or with `all` for every
 * listener (unmanaged rows and the full listener list need them too).
 */
export async function status(
  deps: Deps,
  options: { readonly all?: boolean } = {},
): Promise<StatusView> {
  const { registry } = await deps.store.read();
  const allocated = allocatedPorts(registry);
  if (options.all) return statusView(deps, registry, await deps.scanner.scan({}));
  const scan = await deps.scanner.scan({ attribute: (port) => allocated.has(port) });
  const unowned = movedCandidates(registry, scan);
  if (unowned.size === 0 || !(deps.processes || deps.cwdOf)) {
    return statusView(deps, registry, scan);
  }
  // An idle service may have moved to one of these ports: their owners are needed too. The
  // scanner keeps owners it already found, so this second scan looks up only the new ones.
  const again = await deps.scanner.scan({
    attribute: (port) => allocated.has(port) || unowned.has(port),
  });
  return statusView(deps, registry, again);
}

/**
 * Unallocated TCP ports in the range, when some allocation is idle: where a service that
 * ignored its port usually ends up (the next port up, a framework's default). Owners cost a
 * walk of every process's open files, so they are looked up only then.
 */
function movedCandidates(registry: Registry, scan: ScanOutcome): Set<number> {
  if (!scan.ok) return new Set();
  const byPort = listenersByPort(scan.listeners);
  const allocated = allocations(registry);
  if (allocated.every(({ port }) => byPort.has(port))) return new Set();
  return new Set(unmanagedRows(registry, scan).map((row) => row.port));
}

export function statusView(
  deps: Pick<Deps, 'scanner' | 'cwdOf' | 'processes'>,
  registry: Registry,
  scan: ScanOutcome,
): StatusView {
  const { processes, cwdOf } = deps;
  const options = {
    ...(cwdOf ? { cwdOf } : {}),
    ...(processes
      ? { serviceOf: memo((pid) => processes.environmentValue(pid, SERVICE_MARKER)) }
      : {}),
  };
  return {
    registry,
    rows: statusRows(registry, scan, options),
    unmanaged: unmanagedRows(registry, scan),
    scan,
    scanner: scannerInfo(deps.scanner, scan),
  };
}

/** One read per process and view: the moved check asks about a listener more than once. */
function memo<T>(read: (pid: number) => T): (pid: number) => T {
  const seen = new Map<number, T>();
  return (pid) => {
    if (!seen.has(pid)) seen.set(pid, read(pid));
    return seen.get(pid) as T;
  };
}
