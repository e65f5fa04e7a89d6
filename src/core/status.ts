// Joins what the registry says with what the OS reports: the rows every view shows.
import type { Listener, ScanOutcome } from '../native/types.js';
import { groupWorktrees } from './grouping.js';
import type { Port } from './port.js';
import { programName } from './program.js';
import { allocatedPorts, allocations, isInside, type Registry } from './registry.js';

export type PortState = 'active' | 'idle' | 'conflict' | 'moved' | 'unknown';

/** A listener as the views show it: with the program its process runs (`vite`, not `node`). */
export interface NamedListener extends Listener {
  /** Derived from `process` and `command` by programName (docs/process-names.md). */
  readonly program?: string;
}

export function withProgram(listener: Listener): NamedListener {
  const program = programName(listener.process, listener.command);
  return program === undefined ? listener : { ...listener, program };
}

export interface StatusRow {
  readonly project: string;
  readonly service: string;
  readonly port: Port;
  readonly state: PortState;
  /** For a linked git worktree's project: the project it belongs to. */
  readonly worktreeOf?: string;
  /** TCP listeners on the port, wildcard and loopback alike (usually one process). */
  readonly listeners: readonly NamedListener[];
  /** State `moved`: the port the service's own process listens on instead, and its listeners. */
  readonly moved?: { readonly port: Port; readonly listeners: readonly NamedListener[] };
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

export function serviceMarker(project: string, service: string): string {
  return `${project}/${service}`;
}

export function listenersByPort(listeners: readonly Listener[]): Map<number, Listener[]> {
  const byPort = new Map<number, Listener[]>();
  for (const listener of listeners) {
    if (listener.protocol !== 'tcp') continue;
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
): PortState {
  if (listeners.length === 0) return 'idle';
  if (projectPath && options.cwdOf) {
    // Conflict only on evidence: a visible process whose cwd is outside the project.
    const foreign = listeners.some((listener) => {
      if (listener.pid === undefined) return false;
      const cwd = options.cwdOf?.(listener.pid);
      return cwd !== undefined && !isInside(cwd, projectPath);
    });
    if (foreign) return 'conflict';
  }
  return 'active';
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
    return {
      project,
      service,
      port,
      state: scan.ok ? stateOf(listeners, entry?.path, options) : ('unknown' as const),
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
 * no allocation owns. Without either, the row stays idle (never a guess).
 */
function withMove(
  row: StatusRow,
  rows: readonly StatusRow[],
  registry: Registry,
  byPort: ReadonlyMap<number, Listener[]>,
  options: StatusOptions,
): StatusRow {
  if (row.state !== 'idle') return row;
  const marker = serviceMarker(row.project, row.service);
  const { serviceOf, cwdOf } = options;
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
  for (const test of [byMarker, byPath]) {
    for (const port of ports) {
      const listeners = (byPort.get(port) ?? []).filter((listener) => test(listener, port));
      if (listeners.length > 0) {
        return { ...row, state: 'moved', moved: { port, listeners: listeners.map(withProgram) } };
      }
    }
  }
  return row;
}

/** TCP listeners inside the registry's range that no allocation owns. */
export function unmanagedRows(registry: Registry, scan: ScanOutcome): UnmanagedRow[] {
  if (!scan.ok) return [];
  const owned = allocatedPorts(registry);
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

/** Addresses of all listeners on a port, e.g. "127.0.0.1, ::1". */
export function addressesOf(listeners: readonly Listener[]): string {
  return [...new Set(listeners.map((listener) => listener.address))].join(', ');
}
