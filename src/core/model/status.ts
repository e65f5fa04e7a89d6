// Joins what the registry says with what the OS reports: the rows every view shows.

import type { Listener, ScanOutcome } from '../ports.js';
import { groupWorktrees } from './grouping.js';
import type { Port } from './port.js';
import { programName } from './program.js';
import { allocatedPorts, allocations, isInside, type Registry } from './registry.js';

export type PortState = 'active' | 'idle' | 'conflict' | 'moved' | 'unknown';

/** A listener as the views show it: with the program its process runs (`vite`, not `node`). */
export interface NamedListener extends Listener {
  /** Derived from `process` and `command` by programName, or the launcher (docs/process-names.md). */
  readonly program?: string;
}

export function withProgram(listener: Listener): NamedListener {
  const program = listener.launcher ?? programName(listener.process, listener.command);
  return program === undefined ? listener : { ...listener, program };
}

export interface StatusRow {
  readonly project: string;
  readonly service: string;
  readonly port: Port;
  readonly state: PortState;
  /** For a linked git worktree's project: the project it belongs to. */
  readonly worktreeOf?: string;
  /**
   * Sockets that hold the port: TCP listeners and bound UDP sockets, wildcard and loopback
   * alike (usually one process). A bound UDP socket makes a port as busy as a TCP listener.
   */
  readonly listeners: readonly NamedListener[];
  /**
   * State `moved`: the port the service's own process listens on instead, and its listeners.
   * `listeners` above are then whoever holds the service's own port, if anyone does.
   */
  readonly moved?: { readonly port: Port; readonly listeners: readonly NamedListener[] };
  /** State `conflict` because another service's `pm run` process holds the port: that service. */
  readonly heldBy?: string;
}

export interface UnmanagedRow {
  readonly port: number;
  readonly listeners: readonly NamedListener[];
}

export interface StatusOptions {
  /** Working directory of a process, where the OS lets pm see it; for the conflict state. */
  readonly cwdOf?: (pid: number) => string | undefined;
  /**
   * The `project/service` a process was started for by `pm run` (a marker in its
   * environment), where the OS lets pm read it; for the moved state.
   */
  readonly serviceOf?: (pid: number) => string | undefined;
}

/** The marker `pm run` puts in its child's environment, inherited by the whole tree. */
export const SERVICE_MARKER = 'PM_SERVICE';
/**
 * The registry `pm run` used, also in its child's environment: the marker means this
 * registry's service, and a `pm` the child runs uses the same registry.
 */
export const REGISTRY_VARIABLE = 'PM_REGISTRY';

export function serviceMarker(project: string, service: string): string {
  return `${project}/${service}`;
}

/**
 * Listeners grouped by port, TCP and UDP alike: a dev server's UDP socket (HTTP/3, a game
 * server, DNS) blocks the port just as a TCP listener does. TCP listeners come first, so a
 * row names its TCP holder when it has both.
 */
export function listenersByPort(listeners: readonly Listener[]): Map<number, Listener[]> {
  const byPort = new Map<number, Listener[]>();
  const tcpFirst = [...listeners].sort(
    (a, b) => Number(a.protocol !== 'tcp') - Number(b.protocol !== 'tcp'),
  );
  for (const listener of tcpFirst) {
    const list = byPort.get(listener.port);
    if (list) list.push(listener);
    else byPort.set(listener.port, [listener]);
  }
  return byPort;
}

function stateOf(
  listeners: readonly Listener[],
  projectPath: string | undefined,
  options: StatusOptions,
  marker: string,
): { state: PortState; heldBy?: string } {
  if (listeners.length === 0) return { state: 'idle' };
  // Another service's pm run process on this port: it drifted here, and this one cannot bind.
  for (const listener of listeners) {
    const other = listener.pid === undefined ? undefined : options.serviceOf?.(listener.pid);
    if (other !== undefined && other !== marker) return { state: 'conflict', heldBy: other };
  }
  if (projectPath && options.cwdOf) {
    // Conflict only on evidence: a visible process whose cwd is outside the project.
    const foreign = listeners.some((listener) => {
      // A forwarder works wherever its engine started it: no evidence about the container.
      if (listener.pid === undefined || listener.container) return false;
      const cwd = options.cwdOf?.(listener.pid);
      return cwd !== undefined && !isInside(cwd, projectPath);
    });
    if (foreign) return { state: 'conflict' };
  }
  return { state: 'active' };
}

export function statusRows(
  registry: Registry,
  scan: ScanOutcome,
  options: StatusOptions = {},
): StatusRow[] {
  const byPort = scan.ok ? listenersByPort(scan.listeners) : new Map<number, Listener[]>();
  const rows = allocations(registry).map(({ project, service, port }): StatusRow => {
    const listeners = (byPort.get(port) ?? []).map(withProgram);
    const entry = registry.projects.get(project);
    const live = scan.ok
      ? stateOf(listeners, entry?.path, options, serviceMarker(project, service))
      : { state: 'unknown' as const };
    return {
      project,
      service,
      port,
      ...live,
      ...(entry?.worktreeOf !== undefined ? { worktreeOf: entry.worktreeOf } : {}),
      listeners,
    };
  });
  const moved = scan.ok ? rows.map((row) => withMove(row, rows, registry, byPort, options)) : rows;
  return groupWorktrees(moved);
}

/**
 * An idle allocation whose service is listening elsewhere. Evidence, strongest first: the
 * listener carries the service's `pm run` marker; or, when the project's path is known and
 * exactly one of its services is idle, a process working inside that path listens on a port
 * no allocation owns. Without either, the row stays idle (never a guess). A port held by
 * someone else while the service's marked process listens elsewhere is `moved` too: the
 * service found its port taken (only the marker counts as evidence then).
 */
function withMove(
  row: StatusRow,
  rows: readonly StatusRow[],
  registry: Registry,
  byPort: ReadonlyMap<number, Listener[]>,
  options: StatusOptions,
): StatusRow {
  const marker = serviceMarker(row.project, row.service);
  const { serviceOf, cwdOf } = options;
  if (row.state === 'unknown' || row.state === 'moved') return row;
  if (row.state !== 'idle') {
    const ownHere = row.listeners.some(
      (listener) => listener.pid !== undefined && serviceOf?.(listener.pid) === marker,
    );
    if (ownHere || serviceOf === undefined) return row;
  }
  const taken = row.state !== 'idle';
  const path = registry.projects.get(row.project)?.path;
  const lonelyIdle =
    path !== undefined &&
    rows.filter((other) => other.project === row.project && other.state === 'idle').length === 1;
  const owned = allocatedPorts(registry);
  const ports = [...byPort.keys()].filter((port) => port !== row.port).sort((a, b) => a - b);
  const byMarker = (listener: Listener) =>
    listener.pid !== undefined && serviceOf?.(listener.pid) === marker;
  const byPath = (listener: Listener, port: number) => {
    if (!lonelyIdle || owned.has(port) || listener.pid === undefined || !cwdOf) return false;
    const other = serviceOf?.(listener.pid);
    if (other !== undefined && other !== marker) return false;
    const cwd = cwdOf(listener.pid);
    return cwd !== undefined && isInside(cwd, path as string);
  };
  for (const test of taken ? [byMarker] : [byMarker, byPath]) {
    for (const port of ports) {
      const listeners = (byPort.get(port) ?? []).filter((listener) => test(listener, port));
      if (listeners.length > 0) {
        const { heldBy: _, ...rest } = row;
        return { ...rest, state: 'moved', moved: { port, listeners: listeners.map(withProgram) } };
      }
    }
  }
  return row;
}

/**
 * Listeners (TCP and UDP) inside the registry's range that no allocation owns. With `rows`, a
 * port a service moved to is that service's, not unmanaged.
 */
export function unmanagedRows(
  registry: Registry,
  scan: ScanOutcome,
  rows: readonly StatusRow[] = [],
): UnmanagedRow[] {
  if (!scan.ok) return [];
  const owned = allocatedPorts(registry);
  for (const row of rows) if (row.moved) owned.add(row.moved.port);
  const { start, end } = registry.defaults.range;
  return [...listenersByPort(scan.listeners)]
    .filter(([port]) => port >= start && port <= end && !owned.has(port))
    .sort(([a], [b]) => a - b)
    .map(([port, listeners]) => ({ port, listeners: listeners.map(withProgram) }));
}

/** One listener to show in a single-line row: the one with a known process first. */
export function primaryListener<T extends Listener>(listeners: readonly T[]): T | undefined {
  return listeners.find((listener) => listener.pid !== undefined) ?? listeners[0];
}

/**
 * Addresses of all listeners on a port, e.g. "127.0.0.1, ::1". A UDP socket's address carries
 * its protocol ("udp 0.0.0.0"): TCP is what a port usually means, UDP is the surprise.
 */
export function addressesOf(listeners: readonly Listener[]): string {
  const shown = listeners.map((listener) =>
    listener.protocol === 'udp' ? `udp ${listener.address}` : listener.address,
  );
  return [...new Set(shown)].join(', ');
}
