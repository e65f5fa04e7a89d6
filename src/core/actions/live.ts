// What the table knows live, shared by every operation that builds rows (`pm status`, the
// dashboard, `pm query <project>`): the scan, with owners looked up where a row needs them,
// and what a listening process is beyond its socket: the directory it runs in (conflict,
// moved) and the service `pm run` started it for (moved).
import { resolve } from 'node:path';
import { allocatedPorts, type Registry, samePath } from '../model/registry.js';
import {
  REGISTRY_VARIABLE,
  SERVICE_MARKER,
  type StatusOptions,
  serviceMarker,
  statusRows,
} from '../model/status.js';
import type { Deps, ScanOptions, ScanOutcome } from '../ports.js';

/**
 * A scan with owners for the ports `wanted` names; when one of those allocations is idle or
 * in conflict, owners of the unallocated ports too, where a service that moved would be (a
 * second scan, which looks up only owners the first did not find): those in the range, and
 * every other one when a live process carries the `pm run` marker of such a service (a
 * server that ignored its port may be anywhere, e.g. on a port the OS picked).
 * `pm query shop` rescans only for an idle service of shop, not for another project's.
 */
export async function scanForRows(
  deps: Pick<Deps, 'scanner' | 'cwdOf' | 'processes'> & {
    readonly store?: { readonly path: string };
  },
  registry: Registry,
  wanted: (port: number) => boolean,
  options: Pick<ScanOptions, 'allHolders'> = {},
): Promise<ScanOutcome> {
  const scan = await deps.scanner.scan({ ...options, attribute: wanted });
  if (!(deps.processes || deps.cwdOf)) return scan;
  const unowned = movedCandidates(deps, registry, scan, wanted);
  if (unowned.size === 0) return scan;
  return deps.scanner.scan({
    ...options,
    attribute: (port) => wanted(port) || unowned.has(port),
  });
}

/**
 * Unallocated TCP ports, when a wanted allocation is idle or in conflict: where a service
 * that ignored its port, or found it taken, ends up. Owners cost a walk of every process's
 * open files, so they are looked up only then, and outside the range only on the marker's
 * evidence (one read of each process's environment instead).
 */
function movedCandidates(
  deps: Pick<Deps, 'cwdOf' | 'processes'> & { readonly store?: { readonly path: string } },
  registry: Registry,
  scan: ScanOutcome,
  wanted: (port: number) => boolean,
): Set<number> {
  if (!scan.ok) return new Set();
  const looking = statusRows(registry, scan, statusOptions(deps)).filter(
    (row) => wanted(row.port) && (row.state === 'idle' || row.state === 'conflict'),
  );
  if (looking.length === 0) return new Set();
  const owned = allocatedPorts(registry);
  const { start, end } = registry.defaults.range;
  const { serviceOf } = statusOptions(deps);
  const sought = new Set(looking.map((row) => serviceMarker(row.project, row.service)));
  // A marker counts only for this registry (serviceOf checks the process's PM_REGISTRY).
  const anywhere = [...(deps.processes?.valuesOf?.(SERVICE_MARKER) ?? [])].some(
    ([pid, marker]) => sought.has(marker) && serviceOf?.(pid) === marker,
  );
  return new Set(
    scan.listeners
      .filter(
        (listener) =>
          listener.protocol === 'tcp' &&
          !owned.has(listener.port) &&
          (anywhere || (listener.port >= start && listener.port <= end)),
      )
      .map((listener) => listener.port),
  );
}

/**
 * The service of a process is its `PM_SERVICE` marker, unless the process names another
 * registry in `PM_REGISTRY` (a `pm run` against another registry, where the same
 * project/service may mean something else). A process without `PM_REGISTRY` (started by a pm
 * before it set one) is taken at its marker's word. Each process's environment is read once.
 */
export function statusOptions(
  deps: Pick<Deps, 'cwdOf' | 'processes'> & { readonly store?: { readonly path: string } },
): StatusOptions {
  const { processes, cwdOf } = deps;
  const registryPath = deps.store?.path;
  const serviceOf = (pid: number): string | undefined => {
    const marker = processes?.environmentValue(pid, SERVICE_MARKER);
    if (marker === undefined || registryPath === undefined) return marker;
    const named = processes?.environmentValue(pid, REGISTRY_VARIABLE);
    return named === undefined || samePath(resolve(named), registryPath) ? marker : undefined;
  };
  return {
    ...(cwdOf ? { cwdOf } : {}),
    ...(processes ? { serviceOf: memo(serviceOf) } : {}),
  };
}

function memo<T>(read: (pid: number) => T): (pid: number) => T {
  const seen = new Map<number, T>();
  return (pid) => {
    if (!seen.has(pid)) seen.set(pid, read(pid));
    return seen.get(pid) as T;
  };
}
