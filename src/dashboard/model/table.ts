// The table (no overlay open): moving the selection, and the keys that act on the selected
// row or open another overlay.

import type { KeyAction } from '../keys/keymap.js';
import { askFree } from './confirm.js';
import { openDetail } from './detail.js';
import { clearFilter, openFilter } from './filter.js';
import { openForm } from './form.js';
import { openHelp, openMessage } from './help.js';
import { askKill } from './kill.js';
import { pageSize } from './layout.js';
import { nextSort } from './sort.js';
import {
  isMovement,
  type KeyContext,
  type Movement,
  moveIndex,
  notify,
  selectedIndex,
  send,
  type UiState,
} from './state.js';
import { openSuggest } from './suggest.js';
import { shownRows, targetRow, withUrl } from './target.js';

function move(state: UiState, movement: Movement, context: KeyContext): UiState {
  const rows = shownRows(state, context.rows);
  if (rows.length === 0) return state;
  const height = context.tableHeight(state.overlay);
  const current = selectedIndex(state.selection, rows);
  const index = moveIndex(current, movement, rows.length, pageSize(rows.length, height));
  const key = rows[index]?.key;
  return { ...state, selection: key === undefined ? { index } : { key, index } };
}

export function tableKey(state: UiState, action: KeyAction, context: KeyContext): UiState {
  if (isMovement(action)) return move(state, action, context);
  const row = () => targetRow(state, context.rows);
  switch (action) {
    case 'allocate':
      return openForm(state, row());
    case 'free':
      return askFree(state, row());
    case 'suggest':
      return openSuggest(state);
    case 'filter':
      return openFilter(state);
    case 'unfilter':
      return clearFilter(state);
    case 'unmanaged':
      return { ...state, showUnmanaged: !state.showUnmanaged };
    case 'sort':
      return { ...state, sort: nextSort(state.sort) };
    case 'detail':
      return openDetail(state, row());
    case 'kill':
      return askKill(state, row());
    case 'copyUrl':
      return withUrl(state, row(), 'copy');
    case 'openUrl':
      return withUrl(state, row(), 'open');
    case 'refresh':
      return send(state, { kind: 'refresh' });
    case 'help':
      return openHelp(state);
    case 'message':
      return openMessage(state);
    case 'quit':
      return send(state, { kind: 'quit', interrupted: false });
    default:
      return state;
  }
}

/** c's outcome: the URL went to the terminal's clipboard. */
export function copied(state: UiState, url: string): UiState {
  return notify(state, {
    tone: 'success',
    text: `copied ${url} to the clipboard`,
    hint: 'through the terminal (OSC 52); a terminal that does not support it ignores it',
  });
}

/** b's outcome: the browser opened, or why it could not. */
export function opened(state: UiState, url: string, ok: boolean, reason?: string): UiState {
  return notify(
    state,
    ok
      ? { tone: 'success', text: `opened ${url} in the browser` }
      : {
          tone: 'warning',
          text: `cannot open a browser: ${reason ?? 'no opener'}`,
          hint: `the URL is ${url}`,
        },
  );
}
