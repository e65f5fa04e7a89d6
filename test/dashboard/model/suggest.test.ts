// Keys typed in the suggestions: s asks for free ports, the arrows pick one when they have
// come, Enter opens the form for it (names only), Esc closes.
import { describe, expect, it } from 'vitest';
import { dashboardReducer } from '../../../src/dashboard/model/reducer.js';
import { modeOf, type UiState } from '../../../src/dashboard/model/state.js';
import { initialUiState, press, requests } from './press.js';

const suggested = (state: UiState, ports: number[]) =>
  dashboardReducer(state, { type: 'suggested', ports });

describe('the suggestions', () => {
  it('s opens them empty and asks the app for ports', () => {
    const asked = press(initialUiState, 's');
    expect(asked.overlay).toEqual({ kind: 'suggest', index: 0 });
    expect(requests(asked)).toEqual([{ kind: 'suggest' }]);
  });

  it('arrows and Enter do nothing until the ports have come', () => {
    const asked = press(initialUiState, 's');
    expect(press(asked, 'j', 'return')).toEqual(asked);
  });

  it('j and k move among the ports and stop at the ends; Enter opens the form for that port', () => {
    const shown = suggested(press(initialUiState, 's'), [4000, 4001, 4002]);
    const third = press(shown, 'j', 'j', 'j');
    expect(third.overlay).toMatchObject({ index: 2 });
    expect(press(third, 'k').overlay).toMatchObject({ index: 1 });
    const form = press(third, 'return');
    expect(modeOf(form)).toBe('form');
    expect(form.overlay).toMatchObject({ form: { purpose: { kind: 'suggested', port: 4002 } } });
  });

  it('ports that come after Esc are dropped; a failure closes the overlay and shows the error', () => {
    const closed = press(initialUiState, 's', 'escape');
    expect(modeOf(closed)).toBe('table');
    expect(modeOf(suggested(closed, [4000]))).toBe('table');
    const failed = dashboardReducer(press(initialUiState, 's'), {
      type: 'failed',
      error: new Error('scan failed'),
    });
    expect(modeOf(failed)).toBe('table');
    expect(failed.message?.tone).toBe('error');
  });
});
