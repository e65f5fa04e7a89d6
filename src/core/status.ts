// Joins what the registry says with what the OS reports: the rows every view shows.
import type { Listener, ScanOutcome } from '../native/types.js';
import { groupWorktrees } from './grouping.js';
import type { Port } from './port.js';
import { programName } from './program.js';
import { allocatedPorts, allocations, isInside, type Registry } from './registry.js';

export type PortState = 'active' | 'idle' | 'conflict' | 'unknown';

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
}

export interface UnmanagedRow {
  readonly port: number;
  readonly listeners: readonly NamedListener[];
}

export interface StatusOptions {
  /** Working directory of a process, where the OS lets pm see it; for the conflict state. */
  readonly cwdOf?: (pid: number) => string | undefined;
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
  return groupWorktrees(rows);
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
