// Looking things up: a project's services with their live state, one service's port, and who
// owns and who listens on a port.

import { PmError } from '../errors.js';
import { compareNames, parseName } from '../model/names.js';
import type { Port } from '../model/port.js';
import { type Allocation, findPort, ownerOf, type Registry } from '../model/registry.js';
import type { NamedListener, PortState, StatusRow } from '../model/status.js';
import type { Deps, Listener, Scanner, ScanOutcome } from '../ports.js';
import { scanForRows } from './live.js';
import { statusView } from './status.js';

export interface ProjectQuery {
  readonly project: string;
  readonly path?: string;
  /** Sorted by service, each with its live state: a conflict is why one asks. */
  readonly services: readonly StatusRow[];
  readonly scanner: PortQuery['scanner'];
}

/** A project's services and ports, sorted by service; NOT_FOUND when it has none. */
function servicesOf(registry: Registry, project: string): Allocation[] {
  parseName(project, 'project');
  const entry = registry.projects.get(project);
  if (!entry || entry.ports.size === 0) {
    throw new PmError('NOT_FOUND', `project '${project}' has no allocations`, {
      kind: 'allocate',
      project,
    });
  }
  return [...entry.ports]
    .map(([service, port]) => ({ project, service, port }))
    .sort((a, b) => compareNames(a.service, b.service));
}

/**
 * A project's services and their ports as the registry has them: no scan. What `pm env`,
 * `pm run` and the API's env() need; `queryProject` adds each service's live state.
 */
export async function projectPorts(
  deps: Pick<Deps, 'store'>,
  project: string,
): Promise<readonly Allocation[]> {
  return servicesOf((await deps.store.read()).registry, project);
}

export async function queryProject(
  deps: Pick<Deps, 'store' | 'scanner' | 'cwdOf' | 'processes'>,
  project: string,
): Promise<ProjectQuery> {
  const { registry } = await deps.store.read();
  const ports = new Set(servicesOf(registry, project).map((entry) => entry.port));
  const scan = await scanForRows(deps, registry, (port) => ports.has(port));
  const services = statusView(deps, registry, scan)
    .rows.filter((row) => row.project === project)
    .sort((a, b) => compareNames(a.service, b.service));
  const path = registry.projects.get(project)?.path;
  return {
    project,
    ...(path !== undefined ? { path } : {}),
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
  /** The owner's live state, as `pm status` computes it (unknown without a scanner). */
  readonly state?: PortState;
  /** State `moved`: the port the owner's own process listens on instead, and its listeners. */
  readonly moved?: { readonly port: Port; readonly listeners: readonly NamedListener[] };
  readonly listeners: readonly Listener[];
  readonly scanner: {
    readonly backend: string;
    readonly available: boolean;
    readonly reason?: string;
  };
}

export async function queryPort(
  deps: Pick<Deps, 'store' | 'scanner' | 'cwdOf' | 'processes'>,
  port: Port,
): Promise<PortQuery> {
  const { registry } = await deps.store.read();
  const owner = ownerOf(registry, port);
  // Every holder of the port's socket: a server that forks its workers after listen has several.
  const scan = owner
    ? await scanForRows(deps, registry, (candidate) => candidate === port, { allHolders: true })
    : await deps.scanner.scan({ attribute: (candidate) => candidate === port, allHolders: true });
  const path = owner ? registry.projects.get(owner.project)?.path : undefined;
  const row = owner
    ? statusView(deps, registry, scan).rows.find((candidate) => candidate.port === port)
    : undefined;
  return {
    port,
    ...(owner ? { owner } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(row ? { state: row.state } : {}),
    ...(row?.moved ? { moved: row.moved } : {}),
    listeners: scan.ok ? scan.listeners.filter((listener) => listener.port === port) : [],
    scanner: scannerInfo(deps.scanner, scan),
  };
}

export function scannerInfo(scanner: Scanner, scan: ScanOutcome): PortQuery['scanner'] {
  return scan.ok
    ? { backend: scanner.backend, available: true }
    : { backend: scanner.backend, available: false, reason: scan.reason };
}
