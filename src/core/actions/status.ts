// The table every front end shows: allocations joined with the live scan, the unmanaged
// listeners, and (for idle services) where a service moved to.
import type { ProxyEndpoint } from '../model/proxy-config.js';
import { allocatedPorts, type Registry } from '../model/registry.js';
import { type StatusRow, statusRows, type UnmanagedRow, unmanagedRows } from '../model/status.js';
import type { Deps, ScanOutcome } from '../ports.js';
import { scanForRows, statusOptions } from './live.js';
import { type PortQuery, scannerInfo } from './query.js';

export interface StatusView {
  readonly registry: Registry;
  readonly rows: readonly StatusRow[];
  readonly unmanaged: readonly UnmanagedRow[];
  readonly scan: ScanOutcome;
  readonly scanner: PortQuery['scanner'];
  /** The running `pm proxy`, when the caller asked (the dashboard does). */
  readonly proxy?: ProxyEndpoint;
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
  return statusView(
    deps,
    registry,
    await scanForRows(deps, registry, (port) => allocated.has(port)),
  );
}

/**
 * The one state computation: every front end (status, query, kill, free, the dashboard, the
 * API) reads a row's state from here, so they cannot disagree about `moved` or `conflict`.
 */
export function statusView(
  deps: Pick<Deps, 'scanner' | 'cwdOf' | 'processes'> & {
    readonly store?: { readonly path: string };
  },
  registry: Registry,
  scan: ScanOutcome,
  proxy?: ProxyEndpoint,
): StatusView {
  const rows = statusRows(registry, scan, statusOptions(deps));
  return {
    ...(proxy !== undefined ? { proxy } : {}),
    registry,
    rows,
    unmanaged: unmanagedRows(registry, scan, rows),
    scan,
    scanner: scannerInfo(deps.scanner, scan),
  };
}
