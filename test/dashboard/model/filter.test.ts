// Keys typed in the filter: the rows narrow as the draft is typed, Enter keeps it (trimmed),
// Esc drops it, and Esc on the filtered table clears it before it would quit.
import { describe, expect, it } from 'vitest';
import { activeFilter, modeOf } from '../../../src/dashboard/model/state.js';
import { shownRows } from '../../../src/dashboard/model/target.js';
import { context, initialUiState, press, requests } from './press.js';

describe('the filter', () => {
  it('narrows the rows as the draft is typed, backspace widens them again', () => {
    const typing = press(initialUiState, '/', 'w', 'e');
    expect(modeOf(typing)).toBe('filter');
    expect(activeFilter(typing)).toBe('we');
    expect(shownRows(typing, context.rows).map((row) => row.key)).toEqual(['a:shop/web']);
    expect(activeFilter(press(typing, 'backspace'))).toBe('w');
  });

  it('letters are text here, not commands', () => {
    const typed = press(initialUiState, '/', 'q', 'f');
    expect(activeFilter(typed)).toBe('qf');
    expect(requests(typed)).toEqual([]);
  });

  it('Enter applies the trimmed draft; / again starts from it', () => {
    const applied = press(initialUiState, '/', ' ', 'w', 'e', 'b', ' ', 'return');
    expect(modeOf(applied)).toBe('table');
    expect(applied.filter).toBe('web');
    const again = press(applied, '/');
    expect(again.overlay).toEqual({ kind: 'filter', draft: 'web' });
  });

  it('Esc while typing clears the filter; Esc on a filtered table clears it and does not quit', () => {
    const applied = press(initialUiState, '/', 'w', 'return');
    expect(press(applied, '/', 'escape').filter).toBe('');
    const unfiltered = press(applied, 'escape');
    expect(unfiltered.filter).toBe('');
    expect(requests(unfiltered)).toEqual([]);
    expect(requests(press(unfiltered, 'escape'))).toEqual([{ kind: 'quit', interrupted: false }]);
  });
});
