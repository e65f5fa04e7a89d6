// The live data behind the table: the registry (re-read on every refresh and whenever its
// directory changes) joined with a fresh scan, recomputed only off the render path.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { type Deps, type StatusView, statusView } from '../../core/actions.js';
import { emptyRegistry } from '../../core/registry.js';
import { type DashboardRows, dashboardRows, viewSignature } from '../rows.js';
import { usePolling } from './use-polling.js';
import { useRegistry } from './use-registry.js';

export interface DashboardData {
  readonly view: StatusView | undefined;
  readonly rows: DashboardRows;
  /** The registry could not be read: the rows are the last good ones. */
  readonly registryError: unknown;
  /** The refresh itself failed (a bug: scanners report failures as an outcome). */
  readonly refreshError: unknown;
  readonly refreshedAt: number | undefined;
  readonly refresh: () => void;
}

const NO_ROWS: DashboardRows = { allocations: [], unmanaged: [] };

export function useDashboardData(
  deps: Deps,
  intervalMs: number,
  now: () => number = Date.now,
): DashboardData {
  // The registry watch wants to trigger a refresh, and the refresh reads the registry:
  // the ref closes that loop without re-creating either hook.
  const refreshRef = useRef<() => void>(() => {});
  const onRegistryChange = useCallback(() => refreshRef.current(), []);
  const registry = useRegistry(deps.store, onRegistryChange);
  const { read } = registry;

  const load = useCallback(async () => {
    const [scan, current] = await Promise.all([deps.scanner.scan(), read()]);
    // cwdOf reads /proc: done here, in the async load, never while rendering.
    return statusView(deps, current ?? emptyRegistry(), scan);
  }, [deps, read]);

  const polled = usePolling(load, { intervalMs, signature: viewSignature, now });
  const { refresh } = polled;
  useEffect(() => {
    refreshRef.current = refresh;
  }, [refresh]);

  const rows = useMemo(() => (polled.data ? dashboardRows(polled.data) : NO_ROWS), [polled.data]);
  return {
    view: polled.data,
    rows,
    registryError: registry.error,
    refreshError: polled.error,
    refreshedAt: polled.at,
    refresh,
  };
}
