// What the app reports back, whatever overlay is open: the outbox it takes, errors that go
// stale when the registry changes, notices.
import { describe, expect, it } from 'vitest';
import { update } from '../../../src/dashboard/model/reducer.js';
import { initialUiState, send } from '../../../src/dashboard/model/state.js';

describe('update', () => {
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

  it('clears an error message when the registry changes, and keeps other messages', () => {
    const error = update(initialUiState, { type: 'failed', error: new Error('bad file') });
    expect(error.message?.tone).toBe('error');
    expect(update(error, { type: 'registryChanged' }).message).toBeUndefined();
    const info = update(initialUiState, {
      type: 'notify',
      message: { tone: 'info', text: 'hello' },
    });
    expect(update(info, { type: 'registryChanged' }).message?.text).toBe('hello');
  });

  it('remembers the registry an error was shown with', () => {
    const error = update(initialUiState, { type: 'failed', error: new Error('bad file') });
    const registry = {};
    expect(update(error, { type: 'messageShown', registry }).message?.shownWith).toBe(registry);
    expect(update(initialUiState, { type: 'messageShown', registry })).toBe(initialUiState);
  });
});
