// Keys typed in the free question: y frees the row's allocation, n and Esc only close, and on
// an active row x stops the process that keeps listening instead.
import { describe, expect, it } from 'vitest';
import { dashboardReducer } from '../../../src/dashboard/model/reducer.js';
import { modeOf } from '../../../src/dashboard/model/state.js';
import { initialUiState, onWeb, press, requests } from './press.js';

describe('the free question', () => {
  it('f then y frees the selected service and says so', () => {
    const asked = press(initialUiState, 'f');
    expect(modeOf(asked)).toBe('confirm');
    expect(requests(asked)).toEqual([]);
    const freeing = press(asked, 'y');
    expect(modeOf(freeing)).toBe('table');
    expect(requests(freeing)).toEqual([
      { kind: 'free', target: { project: 'shop', service: 'api', port: 3001 } },
    ]);
    expect(freeing.message?.text).toMatch(/^freeing shop\/api/);
    const done = dashboardReducer(freeing, {
      type: 'freed',
      target: { project: 'shop', service: 'api', port: 3001 },
    });
    expect(done.message).toMatchObject({ tone: 'success', text: expect.stringMatching(/^freed/) });
  });

  it('n and Esc close the question and free nothing', () => {
    for (const key of ['n', 'escape']) {
      const closed = press(initialUiState, 'f', key);
      expect(modeOf(closed)).toBe('table');
      expect(requests(closed)).toEqual([]);
    }
  });

  it('on an active row names the listener; x turns the question into stopping it', () => {
    const asked = press(onWeb(), 'f');
    expect(asked.overlay).toMatchObject({ stillListening: { pid: 4242, port: 3000 } });
    const stopping = press(asked, 'x');
    expect(stopping.overlay).toMatchObject({ kind: 'kill', target: { pid: 4242 } });
  });

  it('x on an idle row’s question does nothing: no process to stop', () => {
    const asked = press(initialUiState, 'f');
    expect(press(asked, 'x')).toEqual(asked);
  });
});
