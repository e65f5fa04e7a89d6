// The suggest overlay: free ports computed on request, picked with the arrows, Enter opens the
// allocate form for the picked one.

import type { KeyAction } from '../keys/keymap.js';
import { newForm, prefilledForm } from './form.js';
import type { Message } from './messages.js';
import { closeOverlay, type KeyContext, send, type UiState } from './state.js';
import { targetRow } from './target.js';

/** s on the table: the overlay (empty until the ports come back) and the request for them. */
export function openSuggest(state: UiState): UiState {
  return send({ ...state, overlay: { kind: 'suggest', index: 0 } }, { kind: 'suggest' });
}

export function suggestKey(state: UiState, action: KeyAction, context: KeyContext): UiState {
  const { overlay } = state;
  if (overlay.kind !== 'suggest') return state;
  switch (action) {
    case 'up':
    case 'down': {
      if (!overlay.ports || overlay.ports.length === 0) return state;
      const by = action === 'up' ? -1 : 1;
      const index = Math.min(Math.max(overlay.index + by, 0), overlay.ports.length - 1);
      return { ...state, overlay: { ...overlay, index } };
    }
    case 'pick': {
      const port = overlay.ports?.[overlay.index];
      if (port === undefined) return state;
      // Like `a`: the form starts with the selected row's project.
      const form = newForm({ kind: 'suggested', port });
      const { values, focus } = prefilledForm(targetRow(state, context.rows));
      return {
        ...state,
        overlay: {
          kind: 'form',
          form: { ...form, values: { ...form.values, project: values.project }, focus },
        },
      };
    }
    case 'cancel':
      return closeOverlay(state);
    default:
      return state;
  }
}

/** The ports computed; dropped if the user closed the overlay meanwhile. */
export function suggested(state: UiState, ports: readonly number[]): UiState {
  if (state.overlay.kind !== 'suggest') return state;
  return { ...state, overlay: { kind: 'suggest', ports, index: 0 } };
}

/** Computing them failed: the overlay closes, the error shows. */
export function suggestFailed(state: UiState, message: Message): UiState {
  return { ...state, message, overlay: { kind: 'none' } };
}
