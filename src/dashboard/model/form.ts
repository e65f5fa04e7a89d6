// The allocate form: its fields, what Enter does with them, and how typing edits them.
// Pure: the reducer in state.ts applies these to the UI state.

import type { AllocateRequest } from '../../core/actions/index.js';
import { parseName } from '../../core/model/names.js';
import { parsePort } from '../../core/model/port.js';
import { messageOf } from './messages.js';

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
