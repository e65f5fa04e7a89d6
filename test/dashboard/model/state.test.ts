// The UI state's reducer, directly: selection, the outbox, and what a failure leaves open.
import { describe, expect, it } from 'vitest';
import {
  initialUiState,
  modeOf,
  send,
  type UiState,
  update,
} from '../../../src/dashboard/model/state.js';

const keys = ['a:shop/api', 'a:shop/web', 'a:blog/web'];

describe('update', () => {
  it('moves the selection by key and stops at both ends', () => {
    const down = update(initialUiState, { type: 'move', movement: 'down', keys, pageSize: 2 });
    expect(down.selection.key).toBe('a:shop/web');
    const bottom = update(down, { type: 'move', movement: 'bottom', keys, pageSize: 2 });
    expect(bottom.selection.key).toBe('a:blog/web');
    expect(
      update(bottom, { type: 'move', movement: 'down', keys, pageSize: 2 }).selection.key,
    ).toBe('a:blog/web');
    expect(update(bottom, { type: 'move', movement: 'top', keys, pageSize: 2 }).selection.key).toBe(
      'a:shop/api',
    );
  });

  it('queues requests with increasing ids, and drops the ones taken', () => {
    const two = send(send(initialUiState, { kind: 'refresh' }), { kind: 'redraw' });
    expect(two.outbox).toEqual([
      { id: initialUiState.nextRequestId, request: { kind: 'refresh' } },
      { id: initialUiState.nextRequestId + 1, request: { kind: 'redraw' } },
    ]);
    expect(update(initialUiState, { type: 'send', request: { kind: 'refresh' } })).toEqual(
      send(initialUiState, { kind: 'refresh' }),
    );
    const taken = update(two, { type: 'taken', upTo: initialUiState.nextRequestId });
    expect(taken.outbox.map((item) => item.request.kind)).toEqual(['redraw']);
  });

  it('keeps a form open after a failed submit, so the value can be fixed', () => {
    const form = update(initialUiState, { type: 'openForm' });
    expect(modeOf(form)).toBe('form');
    const submitting: UiState =
      form.overlay.kind === 'form'
        ? { ...form, overlay: { kind: 'form', form: { ...form.overlay.form, submitting: true } } }
        : form;
    const failed = update(submitting, { type: 'failed', error: new Error('no') });
    expect(failed.overlay.kind === 'form' && failed.overlay.form.submitting).toBe(false);
    expect(failed.message?.tone).toBe('error');
  });

  it('clears an error message when the registry changes, and keeps other messages', () => {
    const error = update(initialUiState, { type: 'failed', error: new Error('bad file') });
    expect(update(error, { type: 'registryChanged' }).message).toBeUndefined();
    const info = update(initialUiState, {
      type: 'notify',
      message: { tone: 'info', text: 'hello' },
    });
    expect(update(info, { type: 'registryChanged' }).message?.text).toBe('hello');
  });

  it('opens and closes the filter', () => {
    const open = update(initialUiState, { type: 'openFilter' });
    expect(modeOf(open)).toBe('filter');
    expect(modeOf(update(open, { type: 'closeOverlay' }))).toBe('table');
  });
});
