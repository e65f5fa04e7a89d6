// The help overlay (every key, scrolled on small terminals) and the message overlay (the last
// message in full): read-only screens, closed with Esc.

import { HELP_LINE_COUNT } from '../keys/help-lines.js';
import type { KeyAction } from '../keys/keymap.js';
import { helpPageSize } from './layout.js';
import {
  closeOverlay,
  isMovement,
  type KeyContext,
  type Movement,
  moveIndex,
  type UiState,
} from './state.js';

export const openHelp = (state: UiState): UiState => ({
  ...state,
  overlay: { kind: 'help', offset: 0 },
});

export const openMessage = (state: UiState): UiState => ({
  ...state,
  overlay: { kind: 'message' },
});

function scroll(state: UiState, movement: Movement, context: KeyContext): UiState {
  if (state.overlay.kind !== 'help') return state;
  const page = helpPageSize(HELP_LINE_COUNT, context.tableHeight(state.overlay));
  // Scrolling stops when the last line is at the bottom: offsets are 0..lines-page.
  const last = Math.max(0, HELP_LINE_COUNT - page);
  const offset = moveIndex(state.overlay.offset, movement, last + 1, page);
  return { ...state, overlay: { kind: 'help', offset } };
}

export function helpKey(state: UiState, action: KeyAction, context: KeyContext): UiState {
  if (isMovement(action)) return scroll(state, action, context);
  return action === 'closeHelp' ? closeOverlay(state) : state;
}

export function messageKey(state: UiState, action: KeyAction): UiState {
  return action === 'closeMessage' ? closeOverlay(state) : state;
}
