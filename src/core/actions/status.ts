// The table every front end shows: allocations joined with the live scan, the unmanaged
// listeners, and (for idle services) where a service moved to.
import type { ScanOutcome } from '../../native/types.js';
import type { Deps } from '../deps.js';
import { allocatedPorts, allocations, type Registry } from '../registry.js';
import {
  listenersByPort,
  SERVICE_MARKER,
  type StatusRow,
  statusRows,
  type UnmanagedRow,
  unmanagedRows,
} from '../status.js';
import { type PortQuery, scannerInfo } from './query.js';

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
