// Keys typed on the table (no overlay): the selection moves and stops at the ends, each key
// opens its overlay, and q, r, c, b, Ctrl-C, Ctrl-L, Ctrl-Z become requests for the app.
import { describe, expect, it } from 'vitest';
import { modeOf } from '../../../src/dashboard/model/state.js';
import { rowUrl } from '../../../src/dashboard/model/target.js';
import { context, initialUiState, onWeb, press, pressIn, requests } from './press.js';
import { shopRows } from './rows-fixture.js';

const selected = (state: ReturnType<typeof press>) => state.selection.key;

describe('the table', () => {
  it('j and k move the selection, G and g jump, and it stops at both ends', () => {
    const web = selected(press(initialUiState, 'j'));
    expect(web).toMatch(/web/);
    expect(selected(press(initialUiState, 'j', 'j', 'j'))).toBe(web);
    expect(selected(press(initialUiState, 'j', 'k'))).toMatch(/api/);
    expect(selected(press(initialUiState, 'G'))).toBe(web);
    expect(selected(press(initialUiState, 'G', 'g'))).toMatch(/api/);
  });

  it('the selection follows its row, not its place, when a sort reorders the rows', () => {
    const sorted = press(onWeb(), 'o');
    expect(sorted.sort).toBeDefined();
    expect(selected(sorted)).toMatch(/web/);
  });

  it('moves nowhere on an empty table', () => {
    const empty = { ...context, rows: { allocations: [], unmanaged: [] } };
    expect(pressIn(empty, initialUiState, 'j')).toBe(initialUiState);
  });

  it('u shows the listeners pm does not manage, u again hides them', () => {
    expect(press(initialUiState, 'u').showUnmanaged).toBe(true);
    expect(press(initialUiState, 'u', 'u').showUnmanaged).toBe(false);
  });

  it('each key opens its overlay', () => {
    expect(modeOf(press(initialUiState, 'a'))).toBe('form');
    expect(modeOf(press(initialUiState, 'f'))).toBe('confirm');
    expect(modeOf(press(initialUiState, 's'))).toBe('suggest');
    expect(modeOf(press(initialUiState, '/'))).toBe('filter');
    expect(modeOf(press(initialUiState, '?'))).toBe('help');
    expect(modeOf(press(initialUiState, 'm'))).toBe('message');
    expect(modeOf(press(initialUiState, 'return'))).toBe('detail');
    expect(modeOf(press(onWeb(), 'x'))).toBe('kill');
  });

  it('q quits, r refreshes, Ctrl-C interrupts, Ctrl-L redraws, Ctrl-Z suspends', () => {
    expect(requests(press(initialUiState, 'q'))).toEqual([{ kind: 'quit', interrupted: false }]);
    expect(requests(press(initialUiState, 'r'))).toEqual([{ kind: 'refresh' }]);
    expect(requests(press(initialUiState, 'ctrl+c', 'ctrl+l', 'ctrl+z'))).toEqual([
      { kind: 'quit', interrupted: true },
      { kind: 'redraw' },
      { kind: 'suspend' },
    ]);
  });

  it('c copies and b opens the selected row’s URL', () => {
    expect(requests(press(onWeb(), 'c', 'b'))).toEqual([
      { kind: 'copy', url: 'http://localhost:3000' },
      { kind: 'open', url: 'http://localhost:3000' },
    ]);
  });

  it('while pm proxy runs, c and b use the row’s name; a moved row, the port it moved to', () => {
    const proxy = { httpPort: 1355, httpsPort: 1356, admin: '127.0.0.1:2019' };
    const named = { ...context, rows: shopRows(proxy) };
    expect(requests(pressIn(named, onWeb(), 'c', 'b'))).toEqual([
      { kind: 'copy', url: 'http://web.shop.localhost:1355' },
      { kind: 'open', url: 'http://web.shop.localhost:1355' },
    ]);
    // A moved row: the name leads to 3000, where web no longer listens (it moved to 3999).
    const web = named.rows.allocations.find((r) => r.key === 'a:shop/web');
    if (web === undefined) throw new Error('no shop/web row');
    expect(rowUrl({ ...web, state: 'moved', holder: { port: 3999, pid: 4242 } })).toBe(
      'http://localhost:3999',
    );
  });

  it('x on an idle row says there is nothing to stop, and opens nothing', () => {
    const refused = press(initialUiState, 'x');
    expect(modeOf(refused)).toBe('table');
    expect(refused.message).toMatchObject({
      tone: 'warning',
      text: expect.stringMatching(/nothing to stop/),
    });
  });
});
