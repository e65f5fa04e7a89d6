// The form overlay (allocate): its fields, what Enter does with them, how typing edits them,
// and what the allocation's outcome does to the open form.

import type { AllocateRequest, AllocateResult } from '../../core/actions/index.js';
import { parseName } from '../../core/model/names.js';
import { parsePort } from '../../core/model/port.js';
import type { KeyAction } from '../keys/keymap.js';
import { allocatedMessage, type Message, messageOf } from './messages.js';
import { allocationKey, type DashboardRow } from './rows.js';
import { closeOverlay, send, type UiState } from './state.js';

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

export type FormStep =
  | { readonly kind: 'invalid'; readonly focus: number; readonly error: FieldError }
  | { readonly kind: 'next' }
  | { readonly kind: 'submit'; readonly request: AllocateRequest };

export function fieldsOf(purpose: FormPurpose): readonly FieldName[] {
  return purpose.kind === 'allocate' ? ['project', 'service', 'port'] : ['project', 'service'];
}

export function newForm(purpose: FormPurpose): FormState {
  return { purpose, values: { project: '', service: '', port: '' }, focus: 0, submitting: false };
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
    const { text, hint } = messageOf(error, 'form');
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

export function editFocused(form: FormState, edit: (value: string) => string): FormState {
  const field = fieldsOf(form.purpose)[form.focus] ?? 'project';
  const value = edit(form.values[field]);
  const { error: _stale, ...rest } = form;
  const edited = { ...rest, values: { ...form.values, [field]: value } };
  // A port is digits only. What was typed stays visible with the error beside it: dropping
  // the letters silently made Enter allocate some other port than the one meant.
  if (field === 'port' && !/^\d*$/.test(value.trim())) {
    const error = fieldError('port', value);
    return error ? { ...edited, error } : edited;
  }
  return edited;
}

/** The allocate form, prefilled from the row: its project; an unmanaged row's port. */
export function prefilledForm(row: DashboardRow | undefined): FormState {
  const project = row?.kind === 'allocation' ? row.project : '';
  const port = row?.kind === 'unmanaged' ? String(row.port) : '';
  return {
    purpose: { kind: 'allocate' },
    values: { project, service: '', port },
    // Straight to the first field still to fill in.
    focus: project === '' ? 0 : 1,
    submitting: false,
  };
}

/** a on a row: the form, prefilled from it. */
export function openForm(state: UiState, row: DashboardRow | undefined): UiState {
  return { ...state, overlay: { kind: 'form', form: prefilledForm(row) } };
}

/**
 * The open form changed; nothing changes while it is being submitted. A field error it now
 * shows replaces the message line's last word ("allocated shop/web" is no longer the news).
 */
function updateForm(state: UiState, change: (form: FormState) => FormState): UiState {
  if (state.overlay.kind !== 'form' || state.overlay.form.submitting) return state;
  const form = change(state.overlay.form);
  const { message: _previous, ...rest } = state;
  return { ...(form.error ? rest : state), overlay: { kind: 'form', form } };
}

export function formTyped(state: UiState, text: string): UiState {
  return updateForm(state, (form) => editFocused(form, (value) => value + text));
}

function focusBy(form: FormState, by: 1 | -1): FormState {
  const count = fieldsOf(form.purpose).length;
  return { ...form, focus: (form.focus + by + count) % count };
}

/** Enter: refuse the field, go to the next one, or submit (the request goes out). */
function enter(state: UiState): UiState {
  if (state.overlay.kind !== 'form' || state.overlay.form.submitting) return state;
  const form = state.overlay.form;
  const step = formStep(form);
  if (step.kind === 'invalid') {
    return updateForm(state, () => ({ ...form, focus: step.focus, error: step.error }));
  }
  const { error: _cleared, ...rest } = form;
  if (step.kind === 'next') return updateForm(state, () => ({ ...rest, focus: form.focus + 1 }));
  const submitting = updateForm(state, () => ({ ...rest, submitting: true }));
  return send(submitting, { kind: 'allocate', request: step.request });
}

export function formKey(state: UiState, action: KeyAction): UiState {
  switch (action) {
    case 'nextField':
      return enter(state);
    case 'focusNext':
    case 'focusPrevious':
      return updateForm(state, (form) => focusBy(form, action === 'focusNext' ? 1 : -1));
    case 'erase':
      return updateForm(state, (form) => editFocused(form, (value) => value.slice(0, -1)));
    case 'cancel':
      return closeOverlay(state);
    default:
      return state;
  }
}

/** The allocation done: the form closes and the new row is selected. */
export function allocated(state: UiState, result: AllocateResult): UiState {
  const { project, service } = result;
  return {
    ...state,
    overlay: { kind: 'none' },
    // Show the new row even if the current filter would hide it.
    filter: '',
    selection: { key: allocationKey(project, service), index: state.selection.index },
    message: allocatedMessage(result),
  };
}

/** A failed submit leaves the form open so the user can fix the value and retry. */
export function formFailed(state: UiState, message: Message): UiState {
  if (state.overlay.kind !== 'form') return { ...state, message };
  return {
    ...state,
    message,
    overlay: { kind: 'form', form: { ...state.overlay.form, submitting: false } },
  };
}
