// Key presses as reducer actions. Resolving keys inside the reducer means every key sees the
// state left by the previous one, even when several arrive before React re-renders (a fast
// typist, a paste, tmux send-keys): the handler in the app could only see a stale render.

import { HELP_LINE_COUNT } from '../keys/help-lines.js';
import { actionFor, type KeyPress, typedText } from '../keys/keymap.js';
import {
  openPrefilledForm,
  prefilledForm,
  reduceActingKey,
  shownRows,
  stillListening,
} from './acting.js';
import { formStep } from './form.js';
import { freeRequestOf } from './free-target.js';
import { helpPageSize, pageSize } from './layout.js';
import type { DashboardRows } from './rows.js';
import {
  type Movement,
  modeOf,
  type Overlay,
  selectedIndex,
  send,
  situationOf,
  type UiAction,
  type UiState,
  update,
} from './state.js';

/** What a key needs to know beyond the UI state: the data on screen and the screen's layout. */
export interface KeyContext {
  readonly rows: DashboardRows;
  /** Lines of the table (or help) area with this overlay open, as the screen lays it out. */
  readonly tableHeight: (overlay: Overlay) => number;
}

export type DashboardAction =
  | UiAction
  | {
      readonly type: 'key';
      readonly input: string;
      readonly key: KeyPress;
      readonly context: KeyContext;
    };

function move(state: UiState, movement: Movement, context: KeyContext): UiState {
  const height = context.tableHeight(state.overlay);
  if (state.overlay.kind === 'help') {
    const lines = HELP_LINE_COUNT;
    return update(state, {
      type: 'scrollHelp',
      movement,
      lines,
      pageSize: helpPageSize(lines, height),
    });
  }
  const rows = shownRows(state, context.rows);
  return update(state, {
    type: 'move',
    movement,
    keys: rows.map((row) => row.key),
    pageSize: pageSize(rows.length, height),
  });
}

/** The selected row among those shown. */
function targetOf(state: UiState, context: KeyContext) {
  const rows = shownRows(state, context.rows);
  return rows[selectedIndex(state.selection, rows)];
}

export function reduceKey(
  state: UiState,
  input: string,
  key: KeyPress,
  context: KeyContext,
): UiState {
  const mode = modeOf(state);
  const action = actionFor(mode, input, key, situationOf(state));
  if (action === undefined) {
    const text = typedText(mode, input, key);
    return text === undefined ? state : update(state, { type: 'type', text });
  }
  switch (action) {
    case 'detail':
    case 'closeDetail':
    case 'kill':
    case 'killYes':
    case 'killNo':
    case 'confirmKill':
    case 'sort':
    case 'copyUrl':
    case 'openUrl':
      return reduceActingKey(state, action, context.rows);
    case 'quit':
    case 'interrupt':
      return send(state, { kind: 'quit', interrupted: action === 'interrupt' });
    case 'up':
    case 'down':
      if (mode === 'suggest') {
        return update(state, { type: 'moveSuggestion', by: action === 'up' ? -1 : 1 });
      }
      return move(state, action, context);
    case 'pageUp':
    case 'pageDown':
    case 'top':
    case 'bottom':
      return move(state, action, context);
    case 'allocate':
      return openPrefilledForm(state, context.rows);
    case 'free': {
      const rows = shownRows(state, context.rows);
      const row = rows[selectedIndex(state.selection, rows)];
      const request = freeRequestOf(row);
      const listening = stillListening(row);
      return 'tone' in request
        ? update(state, { type: 'notify', message: request })
        : update(state, {
            type: 'askFree',
            target: request,
            ...(listening ? { stillListening: listening } : {}),
          });
    }
    case 'confirmYes': {
      if (state.overlay.kind !== 'confirm') return state;
      const { target } = state.overlay;
      return send(update(state, { type: 'freeing', target }), { kind: 'free', target });
    }
    case 'confirmNo':
    case 'cancel':
    case 'closeHelp':
    case 'closeMessage':
      return update(state, { type: 'closeOverlay' });
    case 'suggest':
      return send(update(state, { type: 'openSuggest' }), { kind: 'suggest' });
    case 'pick': {
      // Like `a`: the form starts with the selected row's project.
      const picked = update(state, { type: 'pickSuggestion' });
      if (picked.overlay.kind !== 'form') return picked;
      const { form } = picked.overlay;
      const { values, focus } = prefilledForm(targetOf(state, context));
      return {
        ...picked,
        overlay: {
          kind: 'form',
          form: { ...form, values: { ...form.values, project: values.project }, focus },
        },
      };
    }
    case 'filter':
      return update(state, { type: 'openFilter' });
    case 'applyFilter':
      return update(state, { type: 'applyFilter' });
    case 'clearFilter':
    case 'unfilter':
      return update(state, { type: 'clearFilter' });
    case 'unmanaged':
      return update(state, { type: 'toggleUnmanaged' });
    case 'refresh':
      return send(state, { kind: 'refresh' });
    case 'redraw':
      return send(state, { kind: 'redraw' });
    case 'suspend':
      return send(state, { kind: 'suspend' });
    case 'help':
      return update(state, { type: 'openHelp' });
    case 'message':
      return update(state, { type: 'openMessage' });
    case 'erase':
      return update(state, { type: 'erase' });
    case 'focusNext':
    case 'focusPrevious':
      return update(state, { type: 'focusField', by: action === 'focusNext' ? 1 : -1 });
    case 'nextField': {
      if (state.overlay.kind !== 'form' || state.overlay.form.submitting) return state;
      const step = formStep(state.overlay.form);
      const next = update(state, { type: 'formStep', step });
      return step.kind === 'submit'
        ? send(next, { kind: 'allocate', request: step.request })
        : next;
    }
  }
}

export function dashboardReducer(state: UiState, action: DashboardAction): UiState {
  return action.type === 'key'
    ? reduceKey(state, action.input, action.key, action.context)
    : update(state, action);
}
