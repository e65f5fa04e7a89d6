// The confirm overlay: "free this port?" y frees, n closes, x stops the process still
// listening instead (an active row).

import type { KeyAction } from '../keys/keymap.js';
import { type FreeRequest, freeRequestOf } from './free-target.js';
import { openKill, stillListening } from './kill.js';
import { describeFreeTarget } from './messages.js';
import type { DashboardRow } from './rows.js';
import { closeOverlay, notify, send, type UiState } from './state.js';

/** f on a row: the question, or why there is nothing to free. */
export function askFree(state: UiState, row: DashboardRow | undefined): UiState {
  const request = freeRequestOf(row);
  if ('tone' in request) return notify(state, request);
  const listening = stillListening(row);
  return {
    ...state,
    overlay: {
      kind: 'confirm',
      target: request,
      ...(listening ? { stillListening: listening } : {}),
    },
  };
}

export function confirmKey(state: UiState, action: KeyAction): UiState {
  if (state.overlay.kind !== 'confirm') return state;
  switch (action) {
    case 'confirmYes': {
      const { target } = state.overlay;
      const freeing = notify(closeOverlay(state), {
        tone: 'info',
        text: `freeing ${describeFreeTarget(target)}…`,
      });
      return send(freeing, { kind: 'free', target });
    }
    case 'confirmNo':
      return closeOverlay(state);
    case 'confirmKill': {
      const target = state.overlay.stillListening;
      return target === undefined ? state : openKill(state, target);
    }
    default:
      return state;
  }
}

/** The free done, whatever is open by then. */
export function freed(state: UiState, target: FreeRequest): UiState {
  return notify(state, { tone: 'success', text: `freed ${describeFreeTarget(target)}` });
}
