// The detail overlay: one row's process, read once when opened; x, c and b act on that row.

import type { ProcessDetail } from '../../core/ports.js';
import type { ProcessPart } from '../../view/detail.js';
import type { KeyAction } from '../keys/keymap.js';
import { askKill } from './kill.js';
import type { DashboardRow } from './rows.js';
import { closeOverlay, type KeyContext, notify, send, type UiState } from './state.js';
import { targetRow, withUrl } from './target.js';

/** Enter on a row: the detail view, and (if the row has a process) the request to read it. */
export function openDetail(state: UiState, row: DashboardRow | undefined): UiState {
  if (row === undefined) return notify(state, { tone: 'warning', text: 'nothing selected' });
  const pid = row.holder?.pid;
  const process: ProcessPart = pid === undefined ? { kind: 'none' } : { kind: 'loading', pid };
  const opened: UiState = { ...state, overlay: { kind: 'detail', key: row.key, process } };
  // The process is read once, now, for this row only: never on a refresh.
  return pid === undefined ? opened : send(opened, { kind: 'detail', pid });
}

export function detailKey(state: UiState, action: KeyAction, context: KeyContext): UiState {
  switch (action) {
    case 'closeDetail':
      return closeOverlay(state);
    case 'kill':
      return askKill(state, targetRow(state, context.rows));
    case 'copyUrl':
      return withUrl(state, targetRow(state, context.rows), 'copy');
    case 'openUrl':
      return withUrl(state, targetRow(state, context.rows), 'open');
    default:
      return state;
  }
}

/** The process read for the view, or why it could not be. */
export function detailRead(
  state: UiState,
  pid: number,
  read: { readonly detail?: ProcessDetail | undefined } | { readonly reason: string },
): UiState {
  const { overlay } = state;
  // The user may have closed the view or opened another row's meanwhile.
  if (overlay.kind !== 'detail' || overlay.process.kind !== 'loading') return state;
  if (overlay.process.pid !== pid) return state;
  const process: ProcessPart =
    'reason' in read
      ? { kind: 'failed', pid, reason: read.reason }
      : { kind: 'loaded', pid, detail: read.detail };
  return { ...state, overlay: { ...overlay, process } };
}
