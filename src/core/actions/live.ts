// What the table knows live, shared by every operation that builds rows (`pm status`, the
// dashboard, `pm query <project>`): the scan, with owners looked up where a row needs them,
// and what a listening process is beyond its socket: the directory it runs in (conflict,
// moved) and the service `pm run` started it for (moved).
import { resolve } from 'node:path';
import { allocations, type Registry, samePath } from '../model/registry.js';
import {
  listenersByPort,
  REGISTRY_VARIABLE,
  SERVICE_MARKER,
  type StatusOptions,
  unmanagedRows,
} from '../model/status.js';
import type { Deps, ScanOptions, ScanOutcome } from '../ports.js';

/**
 * A scan with owners for the ports `wanted` names; when one of those allocations is idle,
 * owners of the unallocated ports in the range too, where a service that moved would be (a
 * second scan, which looks up only owners the first did not find). `pm query shop` rescans
 * only for an idle service of shop, not for another project's.
 */
export async function scanForRows(
  deps: Pick<Deps, 'scanner' | 'cwdOf' | 'processes'>,
  registry: Registry,
  wanted: (port: number) => boolean,
  options: Pick<ScanOptions, 'allHolders'> = {},
): Promise<ScanOutcome> {
  const scan = await deps.scanner.scan({ ...options, attribute: wanted });
  const unowned = movedCandidates(registry, scan, wanted);
  if (unowned.size === 0 || !(deps.processes || deps.cwdOf)) return scan;
  return deps.scanner.scan({
    ...options,
    attribute: (port) => wanted(port) || unowned.has(port),
  });
}

/**
 * Unallocated TCP ports in the range, when a wanted allocation is idle: where a service that
 * ignored its port usually ends up (the next port up, a framework's default). Owners cost a
 * walk of every process's open files, so they are looked up only then.
 */
function movedCandidates(
  registry: Registry,
  scan: ScanOutcome,
  wanted: (port: number) => boolean,
): Set<number> {
  if (!scan.ok) return new Set();
  const byPort = listenersByPort(scan.listeners);
  const idle = allocations(registry).some(({ port }) => wanted(port) && !byPort.has(port));
  if (!idle) return new Set();
  return new Set(unmanagedRows(registry, scan).map((row) => row.port));
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
