// The live data behind the table: the registry (re-read on every refresh and whenever its
// directory changes) joined with a fresh scan, recomputed only off the render path.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { type Deps, type StatusView, statusView } from '../../core/actions/index.js';
import { emptyRegistry, type Registry } from '../../core/model/registry.js';
import { type DashboardRows, dashboardRows, scanSignature, viewSignature } from '../model/rows.js';
import { usePolling } from './use-polling.js';
import { useRegistry } from './use-registry.js';

export interface DashboardData {
  readonly view: StatusView | undefined;
  readonly rows: DashboardRows;
  /** The registry could not be read: the rows are the last good ones. */
  readonly registryError: unknown;
  /** The refresh itself failed (a bug: scanners report failures as an outcome). */
  readonly refreshError: unknown;
  /** Resolves once a fresh load has been handed to React. */
  readonly refresh: () => Promise<void>;
}

const NO_ROWS: DashboardRows = { allocations: [], unmanaged: [] };
const EMPTY = emptyRegistry();

const signatures = new WeakMap<StatusView, string>();
function cachedViewSignature(view: StatusView): string {
  let signature = signatures.get(view);
  if (signature === undefined) {
    // The proxy's coming or going changes what the detail view shows, not the rows.
    signature = `${viewSignature(view)} ${view.proxy ? JSON.stringify(view.proxy) : ''}`;
    signatures.set(view, signature);
  }
  return signature;
}

export function useDashboardData(
  deps: Deps,
  intervalMs: number,
  onRefreshed?: () => void,
  initial?: StatusView,
): DashboardData {
  // The registry watch wants to trigger a refresh, and the refresh reads the registry:
  // the ref closes that loop without re-creating either hook.
  const refreshRef = useRef<() => void>(() => {});
  const onRegistryChange = useCallback(() => refreshRef.current(), []);
  const registry = useRegistry(deps.store, onRegistryChange);
  const { read } = registry;

  // The last view and what it was made from: an unchanged registry and scan (the usual case
  // at rest) give back the same object, so nothing is rebuilt or compared line by line. (A
  // listener that only changes its working directory keeps its old conflict state until the
  // next change; cheap beats exact for a process that chdirs after binding.)
  const last = useRef<{ registry: Registry; scan: string; view: StatusView } | undefined>(
    undefined,
  );
  const load = useCallback(async () => {
    const [scan, current = EMPTY, proxy] = await Promise.all([
      deps.scanner.scan(),
      read(),
      deps.proxy?.(),
    ]);
    // A proxy started or stopped counts as a change of the scan: the names come or go.
    const scanKey = `${scanSignature(scan)} ${proxy ? JSON.stringify(proxy) : ''}`;
    const previous = last.current;
    if (previous && previous.registry === current && previous.scan === scanKey) {
      return previous.view;
    }
    // cwdOf reads /proc: done here, in the async load, never while rendering.
    const view = statusView(deps, current, scan, proxy);
    last.current = { registry: current, scan: scanKey, view };
    return view;
  }, [deps, read]);

  const polled = usePolling(load, {
    intervalMs,
    signature: cachedViewSignature,
    ...(onRefreshed ? { onLoaded: onRefreshed } : {}),
    ...(initial ? { initial } : {}),
  });
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
    refresh,
  };
}
