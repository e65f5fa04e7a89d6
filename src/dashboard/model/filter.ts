// The filter overlay: a draft typed in place (rows narrow as it is typed), Enter applies it,
// Esc clears it.

import type { KeyAction } from '../keys/keymap.js';
import type { UiState } from './state.js';

/** / on the table: the filter in effect becomes the draft. */
export function openFilter(state: UiState): UiState {
  return { ...state, overlay: { kind: 'filter', draft: state.filter } };
}

export function clearFilter(state: UiState): UiState {
  return { ...state, filter: '', overlay: { kind: 'none' } };
}

function editDraft(state: UiState, edit: (draft: string) => string): UiState {
  if (state.overlay.kind !== 'filter') return state;
  return { ...state, overlay: { kind: 'filter', draft: edit(state.overlay.draft) } };
}

export function filterTyped(state: UiState, text: string): UiState {
  return editDraft(state, (draft) => draft + text);
}

export function filterKey(state: UiState, action: KeyAction): UiState {
  if (state.overlay.kind !== 'filter') return state;
  switch (action) {
    case 'erase':
      return editDraft(state, (draft) => draft.slice(0, -1));
    case 'applyFilter':
      return { ...state, filter: state.overlay.draft.trim(), overlay: { kind: 'none' } };
    case 'clearFilter':
      return clearFilter(state);
    default:
      return state;
  }
}
