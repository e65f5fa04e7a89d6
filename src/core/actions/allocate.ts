// Handing out ports: `allocate` (idempotent, checked against live listeners and a bind probe,
// decided under the registry lock) and `suggest` (the same rule, nothing reserved).

import { PmError } from '../errors.js';
import { listenerName } from '../model/explain.js';
import { pickPortFor } from '../model/hash-port.js';
import { parseName } from '../model/names.js';
import { formatRange, type Port } from '../model/port.js';
import {
  type Allocation,
  candidatePorts,
  findPort,
  isInside,
  ownerOf,
  type Registry,
  withAllocation,
  withProjectPath,
  withProjectPlace,
} from '../model/registry.js';
import { listenersByPort, serviceMarker, withProgram } from '../model/status.js';
import { isBrowserUnsafePort } from '../model/unsafe-ports.js';
import type { Deps, Listener, ScanOutcome } from '../ports.js';
import type { PortStrategy } from '../project/manifest.js';
import { statusOptions } from './live.js';

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
  /** The manifest's: 'hash' searches from a port derived from the name (without `prefer`). */
  readonly strategy?: PortStrategy;
}

export interface AllocateResult extends Allocation {
  /** False when the service already had this port (allocate is idempotent). */
  readonly created: boolean;
  readonly warnings: readonly string[];
}

/** "vite (node) (pid 32010) on 127.0.0.1": the program first, as the table names it. */
export function describeListener(listener: Listener): string {
  const where = listener.protocol === 'udp' ? `udp ${listener.address}` : listener.address;
  return `${listenerName(withProgram(listener))} on ${where}`;
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
  const own =
    request.port !== undefined &&
    isOwnListener(deps, listening.get(request.port), {
      project,
      service,
      path: request.path ?? entry?.path,
    });

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
      checkExplicitPort(registry, port, listening, request.force === true || own);
      if (!own && !(await deps.probe(port))) {
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
      if (request.force && !own && listening.has(port)) {
        warnings.push(
          `port ${port} is listened on by ${listening.get(port)!.map(describeListener).join(', ')}; recorded anyway (forced)`,
        );
      }
    } else {
      port = await pickPortFor(registry, isFreeNow(deps, scan), {
        project,
        service,
        ...(request.prefer !== undefined ? { prefer: request.prefer } : {}),
        ...(request.strategy !== undefined ? { strategy: request.strategy } : {}),
      });
    }
    return {
      registry: withAllocation(recorded, project, service, port),
      result: { project, service, port, created: true, warnings },
    };
  });
}

/**
 * Whether every process on the port is the service's own: started for it by `pm run` (its
 * marker), or working inside the project's directory. Taking back the port one's own server
 * already listens on is no conflict.
 */
export function isOwnListener(
  deps: Pick<Deps, 'cwdOf' | 'processes' | 'store'>,
  holders: readonly Listener[] | undefined,
  wanted: { readonly project: string; readonly service: string; readonly path?: string },
): boolean {
  if (holders === undefined || holders.length === 0) return false;
  const { serviceOf, cwdOf } = statusOptions(deps);
  const marker = serviceMarker(wanted.project, wanted.service);
  return holders.every((holder) => {
    if (holder.pid === undefined) return false;
    const named = serviceOf?.(holder.pid);
    if (named !== undefined) return named === marker;
    const cwd = wanted.path === undefined ? undefined : cwdOf?.(holder.pid);
    return cwd !== undefined && isInside(cwd, wanted.path as string);
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
