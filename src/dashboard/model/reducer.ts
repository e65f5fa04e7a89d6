// The dashboard's one reducer: a key goes to the open overlay's file, a result to the file of
// the overlay it belongs to. Resolving keys inside the reducer means every key sees the state
// left by the previous one, even when several arrive before React re-renders (a fast typist,
// a paste, tmux send-keys): the handler in the app could only see a stale render.

import { actionFor, type KeyAction, type KeyPress, type Mode, typedText } from '../keys/keymap.js';
import { confirmKey, freed } from './confirm.js';
import { detailKey, detailRead } from './detail.js';
import { filterKey, filterTyped } from './filter.js';
import { allocated, formFailed, formKey, formTyped } from './form.js';
import { helpKey, messageKey } from './help.js';
import { killed, killKey, withOwner } from './kill.js';
import { messageOf } from './messages.js';
import {
  type KeyContext,
  modeOf,
  notify,
  send,
  situationOf,
  type UiAction,
  type UiState,
} from './state.js';
import { suggested, suggestFailed, suggestKey } from './suggest.js';
import { copied, opened, tableKey } from './table.js';

export type DashboardAction =
  | UiAction
  | {
      readonly type: 'key';
      readonly input: string;
      readonly key: KeyPress;
      readonly context: KeyContext;
    };

type KeyReducer = (state: UiState, action: KeyAction, context: KeyContext) => UiState;

const KEYS_OF: Readonly<Record<Mode, KeyReducer>> = {
  table: tableKey,
  form: formKey,
  filter: filterKey,
  suggest: suggestKey,
  confirm: confirmKey,
  detail: detailKey,
  kill: killKey,
  help: helpKey,
  message: messageKey,
};

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
    if (text === undefined) return state;
    return mode === 'filter' ? filterTyped(state, text) : formTyped(state, text);
  }
  // The terminal's own keys mean the same in every overlay.
  switch (action) {
    case 'interrupt':
      return send(state, { kind: 'quit', interrupted: true });
    case 'redraw':
      return send(state, { kind: 'redraw' });
    case 'suspend':
      return send(state, { kind: 'suspend' });
    default:
      return KEYS_OF[mode](state, action, context);
  }
}

/** Applies what the app reports (results of requests, news from outside the keyboard). */
export function update(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'allocated':
      return allocated(state, action.result);
    case 'freed':
      return freed(state, action.target);
    case 'suggested':
      return suggested(state, action.ports);
    case 'detailLoaded':
      if (state.overlay.kind === 'kill') {
        return withOwner(state, action.pid, action.detail, action.selfUid);
      }
      return detailRead(state, action.pid, { detail: action.detail });
    case 'detailFailed':
      return detailRead(state, action.pid, { reason: action.reason });
    case 'killed':
      return killed(state, action.result, action.owners);
    case 'copied':
      return copied(state, action.url);
    case 'opened':
      return opened(state, action.url, action.ok, action.reason);
    case 'failed': {
      const message = messageOf(action.error, state.overlay.kind === 'form' ? 'form' : 'dashboard');
      if (state.overlay.kind === 'form') return formFailed(state, message);
      if (state.overlay.kind === 'suggest') return suggestFailed(state, message);
      return notify(state, message);
    }
    case 'notify':
      return notify(state, action.message);
    case 'messageShown':
      if (state.message === undefined) return state;
      return { ...state, message: { ...state.message, shownWith: action.registry } };
    case 'registryChanged': {
      if (state.message?.tone !== 'error') return state;
      const { message: _stale, ...rest } = state;
      return rest;
    }
    case 'send':
      return send(state, action.request);
    case 'taken':
      return { ...state, outbox: state.outbox.filter((item) => item.id > action.upTo) };
  }
}

export function dashboardReducer(state: UiState, action: DashboardAction): UiState {
  return action.type === 'key'
    ? reduceKey(state, action.input, action.key, action.context)
    : update(state, action);
}
