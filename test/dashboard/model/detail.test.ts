// Keys typed in the detail view: Enter opens it and asks for the row's process once, what
// comes back fills it (only if it is still that row's), and x, c, b act on that row.
import { describe, expect, it } from 'vitest';
import { dashboardReducer } from '../../../src/dashboard/model/reducer.js';
import { modeOf, type UiState } from '../../../src/dashboard/model/state.js';
import { initialUiState, onWeb, press, requests } from './press.js';

const loaded = (state: UiState, pid: number) =>
  dashboardReducer(state, {
    type: 'detailLoaded',
    pid,
    detail: { pid, cwd: '/srv/shop', unavailable: {} },
  });

describe('the detail view', () => {
  it('Enter opens it and asks for the listening process, once', () => {
    const opened = press(onWeb(), 'return');
    expect(opened.overlay).toMatchObject({
      kind: 'detail',
      key: 'a:shop/web',
      process: { kind: 'loading', pid: 4242 },
    });
    expect(requests(opened)).toEqual([{ kind: 'detail', pid: 4242 }]);
  });

  it('an idle row has no process to ask for', () => {
    const opened = press(initialUiState, 'return');
    expect(opened.overlay).toMatchObject({ kind: 'detail', process: { kind: 'none' } });
    expect(requests(opened)).toEqual([]);
  });

  it('shows the process read, or why it could not be read', () => {
    const opened = press(onWeb(), 'return');
    expect(loaded(opened, 4242).overlay).toMatchObject({ process: { kind: 'loaded', pid: 4242 } });
    const failed = dashboardReducer(opened, { type: 'detailFailed', pid: 4242, reason: 'gone' });
    expect(failed.overlay).toMatchObject({ process: { kind: 'failed', reason: 'gone' } });
  });

  it('drops a late answer: the view was closed, or it was for another pid', () => {
    const closed = press(onWeb(), 'return', 'escape');
    expect(modeOf(closed)).toBe('table');
    expect(loaded(closed, 4242)).toEqual(closed);
    const opened = press(onWeb(), 'return');
    expect(loaded(opened, 999)).toEqual(opened);
  });

  it('x, c and b act on the row shown; q closes', () => {
    const opened = press(onWeb(), 'return');
    expect(press(opened, 'x').overlay).toMatchObject({ kind: 'kill', target: { pid: 4242 } });
    expect(requests(press(opened, 'c', 'b')).slice(1)).toEqual([
      { kind: 'copy', url: 'http://localhost:3000' },
      { kind: 'open', url: 'http://localhost:3000' },
    ]);
    expect(modeOf(press(opened, 'q'))).toBe('table');
  });
});
