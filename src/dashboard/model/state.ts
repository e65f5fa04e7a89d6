// The dashboard's UI state and its reducer. Live data (registry, scan) is not here: it lives
// in the data hooks; this is only what the user did (selection, filter, open panel, message).

import type { AllocateRequest, AllocateResult } from '../../core/actions/index.js';
import { type KeySituation, type Mode, NO_SITUATION } from '../keys/keymap.js';
import {
  type ActingAction,
  type ActingOverlay,
  type ActingRequest,
  type KillRequest,
  updateActing,
} from './acting.js';
import { editFocused, type FormState, type FormStep, fieldsOf, newForm } from './form.js';
import type { FreeRequest } from './free-target.js';
import { allocatedMessage, describeFreeTarget, type Message, messageOf } from './messages.js';
import { allocationKey } from './rows.js';
import type { SortKey } from './sort.js';

export type Overlay =
  | { readonly kind: 'none' }
  /** `offset` is the first help line shown: the help scrolls on small terminals. */
  | { readonly kind: 'help'; readonly offset: number }
  | { readonly kind: 'form'; readonly form: FormState }
  /** `stillListening`: the row is active; freeing will not stop that process (x offers to). */
  | {
      readonly kind: 'confirm';
      readonly target: FreeRequest;
      readonly stillListening?: KillRequest;
    }
  /** `ports` is undefined while the suggestions are being computed. */
  | { readonly kind: 'suggest'; readonly ports?: readonly number[]; readonly index: number }
  | { readonly kind: 'filter'; readonly draft: string }
  /** The last message in full (m). */
  | { readonly kind: 'message' }
  | ActingOverlay;

export interface Selection {
  /** The row the user chose; followed across refreshes. */
  readonly key?: string;
  /** Where it was: used when that row disappears (freed, filtered out). */
  readonly index: number;
}

/** Work the reducer asks for; the app performs it (IO cannot happen inside a reducer). */
export type Request =
  | { readonly kind: 'allocate'; readonly request: AllocateRequest }
  | { readonly kind: 'free'; readonly target: FreeRequest }
  | { readonly kind: 'suggest' }
  | { readonly kind: 'refresh' }
  /** Ctrl-C is an interruption: the dashboard then exits 130, like any interrupted command. */
  | { readonly kind: 'quit'; readonly interrupted: boolean }
  /** Ctrl-L: paint the whole screen again. */
  | { readonly kind: 'redraw' }
  /** Ctrl-Z: give the terminal back and stop until `fg`. */
  | { readonly kind: 'suspend' }
  | ActingRequest;

export interface Outgoing {
  readonly id: number;
  readonly request: Request;
}

export interface UiState {
  readonly selection: Selection;
  readonly filter: string;
  readonly showUnmanaged: boolean;
  /** Undefined: the registry's order (by project). */
  readonly sort?: SortKey;
  readonly overlay: Overlay;
  readonly message?: Message;
  /** Requests not yet taken by the app, oldest first. */
  readonly outbox: readonly Outgoing[];
  readonly nextRequestId: number;
}

export type Movement = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

export type UiAction =
  | {
      readonly type: 'move';
      readonly movement: Movement;
      readonly keys: readonly string[];
      readonly pageSize: number;
    }
  | { readonly type: 'openHelp' }
  | { readonly type: 'openMessage' }
  | {
      readonly type: 'scrollHelp';
      readonly movement: Movement;
      readonly lines: number;
      readonly pageSize: number;
    }
  | { readonly type: 'closeOverlay' }
  | { readonly type: 'openForm' }
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | { readonly type: 'focusField'; readonly by: 1 | -1 }
  | { readonly type: 'formStep'; readonly step: FormStep }
  | { readonly type: 'allocated'; readonly result: AllocateResult }
  | {
      readonly type: 'askFree';
      readonly target: FreeRequest;
      readonly stillListening?: KillRequest;
    }
  | { readonly type: 'freeing'; readonly target: FreeRequest }
  | { readonly type: 'freed'; readonly target: FreeRequest }
  | { readonly type: 'openSuggest' }
  | { readonly type: 'suggested'; readonly ports: readonly number[] }
  | { readonly type: 'moveSuggestion'; readonly by: 1 | -1 }
  | { readonly type: 'pickSuggestion' }
  | { readonly type: 'openFilter' }
  | { readonly type: 'applyFilter' }
  | { readonly type: 'clearFilter' }
  | { readonly type: 'toggleUnmanaged' }
  | { readonly type: 'notify'; readonly message: Message }
  /** The registry (its last good copy and its read error) the current error is shown with. */
  | { readonly type: 'messageShown'; readonly registry: unknown }
  /**
   * The registry differs from the one the error was shown with (changed, broken, mended): an
   * error from an earlier action described a registry that is no longer there.
   */
  | { readonly type: 'registryChanged' }
  | { readonly type: 'failed'; readonly error: unknown }
  | { readonly type: 'send'; readonly request: Request }
  /** The app took every request up to this id. */
  | { readonly type: 'taken'; readonly upTo: number }
  | ActingAction;

export const initialUiState: UiState = {
  selection: { index: 0 },
  filter: '',
  showUnmanaged: false,
  overlay: { kind: 'none' },
  outbox: [],
  nextRequestId: 1,
};

/** The state the dashboard opens in: `--all` shows the unmanaged rows at once. */
export function startingUiState(showUnmanaged: boolean): UiState {
  return showUnmanaged ? { ...initialUiState, showUnmanaged } : initialUiState;
}

export function modeOf(state: UiState): Mode {
  switch (state.overlay.kind) {
    case 'none':
      return 'table';
    default:
      return state.overlay.kind;
  }
}

/** What changes the meaning of keys: see KeySituation. */
export function situationOf(state: UiState): KeySituation {
  const listened = state.overlay.kind === 'confirm' && state.overlay.stillListening !== undefined;
  if (listened) return state.filter === '' ? LISTENED : FILTERED_LISTENED;
  return state.filter === '' ? NO_SITUATION : FILTERED;
}

/** One object per situation, so memoised components see the same props. */
const FILTERED: KeySituation = { filtered: true };
const LISTENED: KeySituation = { filtered: false, listened: true };
const FILTERED_LISTENED: KeySituation = { filtered: true, listened: true };

/** The filter in effect: while typing it, the draft (so rows narrow as you type). */
export function activeFilter(state: UiState): string {
  return state.overlay.kind === 'filter' ? state.overlay.draft : state.filter;
}

/** The selected row's index among `rows`, or -1 when there are none. */
export function selectedIndex(selection: Selection, rows: readonly { key: string }[]): number {
  if (rows.length === 0) return -1;
  if (selection.key !== undefined) {
    const found = rows.findIndex((row) => row.key === selection.key);
    if (found >= 0) return found;
  }
  return Math.min(Math.max(selection.index, 0), rows.length - 1);
}

function updateForm(state: UiState, change: (form: FormState) => FormState): UiState {
  if (state.overlay.kind !== 'form' || state.overlay.form.submitting) return state;
  return { ...state, overlay: { kind: 'form', form: change(state.overlay.form) } };
}

function moveIndex(current: number, movement: Movement, count: number, pageSize: number): number {
  const page = Math.max(1, pageSize);
  const next = {
    up: current - 1,
    down: current + 1,
    pageUp: current - page,
    pageDown: current + page,
    top: 0,
    bottom: count - 1,
  }[movement];
  return Math.min(Math.max(next, 0), count - 1);
}

/** Applies one intent. Key presses are turned into intents by key-reducer.ts. */
/** Queues a request for the effects (the outbox); each gets the next id. */
export function send(state: UiState, request: Request): UiState {
  return {
    ...state,
    outbox: [...state.outbox, { id: state.nextRequestId, request }],
    nextRequestId: state.nextRequestId + 1,
  };
}

export function update(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'move': {
      if (action.keys.length === 0) return state;
      const current = selectedIndex(
        state.selection,
        action.keys.map((key) => ({ key })),
      );
      const index = moveIndex(current, action.movement, action.keys.length, action.pageSize);
      const key = action.keys[index];
      return { ...state, selection: key === undefined ? { index } : { key, index } };
    }
    case 'openHelp':
      return { ...state, overlay: { kind: 'help', offset: 0 } };
    case 'openMessage':
      return { ...state, overlay: { kind: 'message' } };
    case 'scrollHelp': {
      if (state.overlay.kind !== 'help') return state;
      // Scrolling stops when the last line is at the bottom: offsets are 0..lines-page.
      const last = Math.max(0, action.lines - action.pageSize);
      const offset = moveIndex(state.overlay.offset, action.movement, last + 1, action.pageSize);
      return { ...state, overlay: { kind: 'help', offset } };
    }
    case 'closeOverlay':
      return { ...state, overlay: { kind: 'none' } };
    case 'openForm':
      return { ...state, overlay: { kind: 'form', form: newForm({ kind: 'allocate' }) } };
    case 'type':
      if (state.overlay.kind === 'filter') {
        return { ...state, overlay: { kind: 'filter', draft: state.overlay.draft + action.text } };
      }
      return updateForm(state, (form) => editFocused(form, (value) => value + action.text));
    case 'erase':
      if (state.overlay.kind === 'filter') {
        return { ...state, overlay: { kind: 'filter', draft: state.overlay.draft.slice(0, -1) } };
      }
      return updateForm(state, (form) => editFocused(form, (value) => value.slice(0, -1)));
    case 'focusField':
      return updateForm(state, (form) => {
        const count = fieldsOf(form.purpose).length;
        return { ...form, focus: (form.focus + action.by + count) % count };
      });
    case 'formStep':
      return updateForm(state, (form) => {
        const step = action.step;
        if (step.kind === 'invalid') return { ...form, focus: step.focus, error: step.error };
        const { error: _cleared, ...rest } = form;
        if (step.kind === 'next') return { ...rest, focus: form.focus + 1 };
        return { ...rest, submitting: true };
      });
    case 'allocated': {
      const { project, service } = action.result;
      return {
        ...state,
        overlay: { kind: 'none' },
        // Show the new row even if the current filter would hide it.
        filter: '',
        selection: { key: allocationKey(project, service), index: state.selection.index },
        message: allocatedMessage(action.result),
      };
    }
    case 'askFree':
      return {
        ...state,
        overlay: {
          kind: 'confirm',
          target: action.target,
          ...(action.stillListening ? { stillListening: action.stillListening } : {}),
        },
      };
    case 'freeing':
      return {
        ...state,
        overlay: { kind: 'none' },
        message: { tone: 'info', text: `freeing ${describeFreeTarget(action.target)}…` },
      };
    case 'freed':
      return {
        ...state,
        message: { tone: 'success', text: `freed ${describeFreeTarget(action.target)}` },
      };
    case 'openSuggest':
      return { ...state, overlay: { kind: 'suggest', index: 0 } };
    case 'suggested':
      if (state.overlay.kind !== 'suggest') return state;
      return { ...state, overlay: { kind: 'suggest', ports: action.ports, index: 0 } };
    case 'moveSuggestion': {
      const { overlay } = state;
      if (overlay.kind !== 'suggest' || !overlay.ports || overlay.ports.length === 0) return state;
      const index = Math.min(Math.max(overlay.index + action.by, 0), overlay.ports.length - 1);
      return { ...state, overlay: { ...overlay, index } };
    }
    case 'pickSuggestion': {
      const { overlay } = state;
      if (overlay.kind !== 'suggest') return state;
      const port = overlay.ports?.[overlay.index];
      if (port === undefined) return state;
      return { ...state, overlay: { kind: 'form', form: newForm({ kind: 'suggested', port }) } };
    }
    case 'openFilter':
      return { ...state, overlay: { kind: 'filter', draft: state.filter } };
    case 'applyFilter':
      if (state.overlay.kind !== 'filter') return state;
      return { ...state, filter: state.overlay.draft.trim(), overlay: { kind: 'none' } };
    case 'clearFilter':
      return { ...state, filter: '', overlay: { kind: 'none' } };
    case 'toggleUnmanaged':
      return { ...state, showUnmanaged: !state.showUnmanaged };
    case 'notify':
      return { ...state, message: action.message };
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
    case 'failed': {
      const message = messageOf(action.error);
      const { overlay } = state;
      // A failed submit leaves the form open so the user can fix the value and retry.
      if (overlay.kind === 'form') {
        return {
          ...state,
          message,
          overlay: { kind: 'form', form: { ...overlay.form, submitting: false } },
        };
      }
      if (overlay.kind === 'suggest') return { ...state, message, overlay: { kind: 'none' } };
      return { ...state, message };
    }
    default:
      return updateActing(state, action);
  }
}
