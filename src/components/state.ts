// The dashboard's UI state and its reducer. Live data (registry, scan) is not here: it lives
// in the data hooks; this is only what the user did (selection, filter, open panel, message).

import type { AllocateRequest, AllocateResult, FreeTarget } from '../core/actions.js';
import { isPmError } from '../core/errors.js';
import { parseName } from '../core/names.js';
import { parsePort } from '../core/port.js';
import { formatError } from '../view/errors.js';
import { sanitize } from '../view/sanitize.js';
import {
  type ActingAction,
  type ActingOverlay,
  type ActingRequest,
  type KillRequest,
  updateActing,
} from './acting.js';
import type { Mode } from './keymap.js';
import { allocationKey, type DashboardRow } from './rows.js';
import type { SortKey } from './sort.js';
import type { Tone } from './theme.js';

export type FieldName = 'project' | 'service' | 'port';

export type FormPurpose =
  | { readonly kind: 'allocate' }
  /** Allocating a port picked from the suggestions: only the names are asked. */
  | { readonly kind: 'suggested'; readonly port: number };

export interface FieldError {
  readonly field: FieldName;
  readonly message: string;
  readonly hint?: string;
}

export interface FormState {
  readonly purpose: FormPurpose;
  readonly values: Readonly<Record<FieldName, string>>;
  readonly focus: number;
  readonly error?: FieldError;
  readonly submitting: boolean;
}

export interface FreeRequest {
  readonly project: string;
  readonly service: string;
  readonly port: number;
}

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
  | ActingOverlay;

export interface Message {
  readonly tone: Tone;
  readonly text: string;
  readonly hint?: string;
}

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

export type FormStep =
  | { readonly kind: 'invalid'; readonly focus: number; readonly error: FieldError }
  | { readonly kind: 'next' }
  | { readonly kind: 'submit'; readonly request: AllocateRequest };

export type UiAction =
  | {
      readonly type: 'move';
      readonly movement: Movement;
      readonly keys: readonly string[];
      readonly pageSize: number;
    }
  | { readonly type: 'openHelp' }
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

export function modeOf(state: UiState): Mode {
  switch (state.overlay.kind) {
    case 'none':
      return 'table';
    default:
      return state.overlay.kind;
  }
}

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

export function fieldsOf(purpose: FormPurpose): readonly FieldName[] {
  return purpose.kind === 'allocate' ? ['project', 'service', 'port'] : ['project', 'service'];
}

function newForm(purpose: FormPurpose): FormState {
  return { purpose, values: { project: '', service: '', port: '' }, focus: 0, submitting: false };
}

/** What the user meant by the error; PmErrors carry their own words, bugs are named as such. */
export function messageOf(error: unknown): Message {
  if (isPmError(error)) {
    const { message, hint } = formatError(error, 'dashboard');
    return hint === undefined
      ? { tone: 'error', text: message }
      : { tone: 'error', text: message, hint };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { tone: 'error', text: `unexpected error: ${sanitize(text)}`, hint: 'please report it' };
}

function fieldError(field: FieldName, value: string): FieldError | undefined {
  try {
    if (field === 'port') {
      if (value.trim() !== '') parsePort(value);
    } else {
      parseName(value, field);
    }
    return undefined;
  } catch (error) {
    const { text, hint } = messageOf(error);
    return hint === undefined ? { field, message: text } : { field, message: text, hint };
  }
}

/**
 * What Enter does in the form: refuse an invalid field, move on, or (on the last field, with
 * every field valid) hand back the request to send. Blank port means "pick one for me".
 */
export function formStep(form: FormState): FormStep {
  const fields = fieldsOf(form.purpose);
  const focused = fields[form.focus] ?? 'project';
  const own = fieldError(focused, form.values[focused]);
  if (own) return { kind: 'invalid', focus: form.focus, error: own };
  if (form.focus < fields.length - 1) return { kind: 'next' };
  for (const [index, field] of fields.entries()) {
    const error = fieldError(field, form.values[field]);
    if (error) return { kind: 'invalid', focus: index, error };
  }
  const { project, service, port } = form.values;
  if (form.purpose.kind === 'suggested') {
    return { kind: 'submit', request: { project, service, port: form.purpose.port } };
  }
  return {
    kind: 'submit',
    request:
      port.trim() === '' ? { project, service } : { project, service, port: parsePort(port) },
  };
}

function updateForm(state: UiState, change: (form: FormState) => FormState): UiState {
  if (state.overlay.kind !== 'form' || state.overlay.form.submitting) return state;
  return { ...state, overlay: { kind: 'form', form: change(state.overlay.form) } };
}

function editFocused(form: FormState, edit: (value: string) => string): FormState {
  const field = fieldsOf(form.purpose)[form.focus] ?? 'project';
  const value = edit(form.values[field]);
  // A port is digits only: anything else could never be valid, so it is not typed at all.
  if (field === 'port' && !/^\d{0,5}$/.test(value)) return form;
  const { error: _stale, ...rest } = form;
  return { ...rest, values: { ...form.values, [field]: value } };
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
      const { project, service, port, created, warnings } = action.result;
      const text = created
        ? `allocated ${project}/${service}: port ${port}`
        : `${project}/${service} already has port ${port}`;
      const message: Message =
        warnings.length > 0
          ? { tone: 'warning', text: `${text}; ${warnings.join('; ')}` }
          : { tone: 'success', text };
      return {
        ...state,
        overlay: { kind: 'none' },
        // Show the new row even if the current filter would hide it.
        filter: '',
        selection: { key: allocationKey(project, service), index: state.selection.index },
        message,
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
        message: { tone: 'info', text: `freeing ${describeTarget(action.target)}…` },
      };
    case 'freed':
      return {
        ...state,
        message: { tone: 'success', text: `freed ${describeTarget(action.target)}` },
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
    case 'send':
      return {
        ...state,
        outbox: [...state.outbox, { id: state.nextRequestId, request: action.request }],
        nextRequestId: state.nextRequestId + 1,
      };
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

export function describeTarget(target: FreeRequest): string {
  return `${target.project}/${target.service} (port ${target.port})`;
}

/** The allocation a free request removes, in the vocabulary of core/actions. */
export function freeTarget(target: FreeRequest): FreeTarget {
  return { kind: 'service', project: target.project, service: target.service };
}

/** What `f` would free: only allocations can be freed, not other people's listeners. */
export function freeRequestOf(row: DashboardRow | undefined): FreeRequest | Message {
  if (row === undefined) return { tone: 'warning', text: 'nothing selected to free' };
  if (row.kind === 'unmanaged') {
    return {
      tone: 'warning',
      text: `port ${row.port} is not allocated, so there is nothing to free`,
      hint: 'stop the process listening on it to release it',
    };
  }
  return { project: row.project, service: row.service, port: row.port };
}
