// The rows the table shows and the row a key acts on: the same answer for every overlay.

import { type DashboardRow, type DashboardRows, visibleRows } from './rows.js';
import { activeFilter, notify, selectedIndex, send, type UiState } from './state.js';

/** The rows as the table shows them: filtered, sorted, unmanaged ones when asked for. */
export function shownRows(state: UiState, rows: DashboardRows): DashboardRow[] {
  return visibleRows(rows, {
    filter: activeFilter(state),
    showUnmanaged: state.showUnmanaged,
    ...(state.sort !== undefined ? { sort: state.sort } : {}),
  });
}

/** The row a key acts on: the open detail's, else the selected one. */
export function targetRow(state: UiState, rows: DashboardRows): DashboardRow | undefined {
  const all = [...rows.allocations, ...rows.unmanaged];
  if (state.overlay.kind === 'detail') {
    const key = state.overlay.key;
    return all.find((row) => row.key === key);
  }
  const shown = shownRows(state, rows);
  return shown[selectedIndex(state.selection, shown)];
}

export function urlOf(port: number): string {
  return `http://localhost:${port}`;
}

/**
 * The URL c and b use: the row's name while `pm proxy` runs; else localhost and its port, or
 * the port its process moved to (the name leads to the allocated port, where it is not).
 */
export function rowUrl(row: DashboardRow): string {
  const port = row.holder?.port ?? row.port;
  if (row.kind === 'allocation' && row.proxyUrl !== undefined && port === row.port) {
    return row.proxyUrl;
  }
  return urlOf(port);
}

/** c and b: copy or open the row's URL. */
export function withUrl(
  state: UiState,
  row: DashboardRow | undefined,
  kind: 'copy' | 'open',
): UiState {
  if (row === undefined) return notify(state, { tone: 'warning', text: 'nothing selected' });
  return send(state, { kind, url: rowUrl(row) });
}
