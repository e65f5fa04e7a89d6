// The dashboard's rows: a StatusView turned into display cells once per data change, so the
// table, the filter and the selection all work on the same strings the snapshot prints.
import type { StatusView } from '../../core/actions/index.js';
import { holderLabel } from '../../core/model/containers.js';
import { formatRange } from '../../core/model/port.js';
import { type NameUrls, nameUrls } from '../../core/model/proxy-config.js';
import { type NamedListener, primaryListener } from '../../core/model/status.js';
import type { ScanOutcome } from '../../core/ports.js';
import {
  type Cells,
  COLUMNS,
  type DisplayState,
  rowCells,
  unmanagedCells,
} from '../../view/cells.js';
import { type SortKey, sortRows } from './sort.js';

/** Who listens for a row, for the keys that act on it (x, c, b, Enter). */
export interface RowHolder {
  /** Where the service listens: the row's port, or the one it moved to. */
  readonly port: number;
  /** Undefined when the OS does not let pm see it. */
  readonly pid?: number;
  /** The owner's uid, where the scanner says. */
  readonly uid?: number;
  /** 'vite (node)', or 'container web-1 (postgres:16)'; foreign text, shown sanitized. */
  readonly label?: string;
  /** The container whose engine's forwarder holds the port: x stops it, never the pid. */
  readonly containerId?: string;
}

function holderOf(port: number, listeners: readonly NamedListener[]): RowHolder | undefined {
  const main = primaryListener(listeners);
  if (main === undefined) return undefined;
  const label = holderLabel(main);
  return {
    port,
    ...(main.container ? { containerId: main.container.id } : {}),
    ...(main.pid !== undefined && !main.container ? { pid: main.pid } : {}),
    ...(main.uid !== undefined ? { uid: main.uid } : {}),
    ...(label !== undefined ? { label } : {}),
  };
}

export type DashboardRow =
  | {
      readonly kind: 'allocation';
      /** Stable identity across refreshes, so the selection follows the row, not the index. */
      readonly key: string;
      readonly project: string;
      readonly service: string;
      readonly port: number;
      readonly state: DisplayState;
      readonly cells: Cells;
      readonly holder?: RowHolder;
      /** Its name while `pm proxy` runs (`http://web.shop.localhost:1355`), for c and b. */
      readonly proxyUrl?: string;
    }
  | {
      readonly kind: 'unmanaged';
      readonly key: string;
      readonly port: number;
      readonly state: DisplayState;
      readonly cells: Cells;
      readonly holder?: RowHolder;
    };

export interface DashboardRows {
  readonly allocations: readonly DashboardRow[];
  readonly unmanaged: readonly DashboardRow[];
}

export function allocationKey(project: string, service: string): string {
  return `a:${project}/${service}`;
}

/** The key of the row for an unmanaged listener: its port. */
export function unmanagedKey(port: number): string {
  return `u:${port}`;
}

export function dashboardRows(view: StatusView): DashboardRows {
  const names = view.proxy ? nameUrls(view.registry, view.proxy) : new Map<string, NameUrls>();
  const nameOf = (project: string, service: string) => {
    const name = names.get(`${project}/${service}`);
    return name ? { proxyUrl: name.url } : {};
  };
  return {
    allocations: view.rows.map((row) => ({
      ...nameOf(row.project, row.service),
      kind: 'allocation',
      key: allocationKey(row.project, row.service),
      project: row.project,
      service: row.service,
      port: row.port,
      state: row.state,
      cells: rowCells(row),
      ...optionalHolder(
        holderOf(row.moved?.port ?? row.port, row.moved?.listeners ?? row.listeners),
      ),
    })),
    unmanaged: view.unmanaged.map((row) => ({
      kind: 'unmanaged',
      key: unmanagedKey(row.port),
      port: row.port,
      state: 'unmanaged',
      cells: unmanagedCells(row),
      ...optionalHolder(holderOf(row.port, row.listeners)),
    })),
  };
}

const optionalHolder = (holder: RowHolder | undefined) => (holder ? { holder } : {});

/** Case-insensitive substring match over every cell; an empty filter keeps every row. */
export function matchesFilter(row: DashboardRow, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  return COLUMNS.some((column) => row.cells[column].toLowerCase().includes(needle));
}

export function visibleRows(
  rows: DashboardRows,
  options: { readonly filter: string; readonly showUnmanaged: boolean; readonly sort?: SortKey },
): DashboardRow[] {
  const all = options.showUnmanaged ? [...rows.allocations, ...rows.unmanaged] : rows.allocations;
  return sortRows(
    all.filter((row) => matchesFilter(row, options.filter)),
    options.sort,
  );
}

/**
 * Everything the screen shows from a view, as one string: equal signatures mean an identical
 * screen, so a refresh that changed nothing causes no re-render.
 */
export function viewSignature(view: StatusView): string {
  const lines = [
    formatRange(view.registry.defaults.range),
    view.scanner.backend,
    view.scanner.available ? 'ok' : `unavailable:${view.scanner.reason ?? ''}`,
  ];
  for (const row of view.rows)
    lines.push(COLUMNS.map((column) => rowCells(row)[column]).join('\t'));
  lines.push('--');
  for (const row of view.unmanaged) {
    lines.push(COLUMNS.map((column) => unmanagedCells(row)[column]).join('\t'));
  }
  return lines.join('\n');
}

/** Every fact about the listeners that can show on screen, in a stable order. */
export function scanSignature(scan: ScanOutcome): string {
  if (!scan.ok) return `unavailable:${scan.reason}`;
  return (
    scan.listeners
      // The command line names the program in the PROCESS cell (a reused pid may run another).
      .map(
        (l) =>
          `${l.protocol} ${l.address} ${l.port} ${l.pid ?? '?'} ${l.process ?? ''} ${l.command?.join('\0') ?? ''} ${l.container?.id ?? ''}`,
      )
      .sort()
      .join('\n')
  );
}
