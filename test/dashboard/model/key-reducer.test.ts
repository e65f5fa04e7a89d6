// Keys as reducer actions, directly: each key sees the state the previous one left, and the
// requests it asks for land in the outbox.
import { describe, expect, it } from 'vitest';
import { NO_KEY } from '../../../src/dashboard/keys/keymap.js';
import { type KeyContext, reduceKey } from '../../../src/dashboard/model/key-reducer.js';
import { initialUiState, modeOf, type UiState } from '../../../src/dashboard/model/state.js';
import { shopRows } from './rows-fixture.js';

const context: KeyContext = { rows: shopRows(), tableHeight: () => 10 };
const press = (state: UiState, ...inputs: string[]) =>
  inputs.reduce((next, input) => reduceKey(next, input, NO_KEY, context), state);
const requests = (state: UiState) => state.outbox.map((item) => item.request);

describe('reduceKey', () => {
  it('q asks to quit', () => {
    expect(requests(press(initialUiState, 'q'))).toEqual([{ kind: 'quit', interrupted: false }]);
  });

  it('f then y frees the selected service, n only closes the question', () => {
    const asked = press(initialUiState, 'f');
    expect(modeOf(asked)).toBe('confirm');
    expect(requests(asked)).toEqual([]);
    const freed = press(asked, 'y');
    expect(requests(freed)).toEqual([
      { kind: 'free', target: expect.objectContaining({ project: 'shop' }) },
    ]);
    expect(modeOf(press(asked, 'n'))).toBe('table');
  });

  it('s opens the suggestions and asks for them', () => {
    const state = press(initialUiState, 's');
    expect(modeOf(state)).toBe('suggest');
    expect(requests(state)).toEqual([{ kind: 'suggest' }]);
  });

  it('moves by j, and a typed filter sees the keys before it', () => {
    const moved = press(initialUiState, 'j');
    expect(moved.selection.key).not.toBe(initialUiState.selection.key);
    const filtering = press(initialUiState, '/', 'w', 'e');
    expect(modeOf(filtering)).toBe('filter');
    expect(filtering.overlay.kind === 'filter' && filtering.overlay.draft).toBe('we');
  });
});
