// Keys typed in the help screen and the full message: the help scrolls on a small terminal and
// stops at its last line; ?, q and Esc close the help, m, q and Esc the message.
import { describe, expect, it } from 'vitest';
import { HELP_LINE_COUNT } from '../../../src/dashboard/keys/help-lines.js';
import { modeOf } from '../../../src/dashboard/model/state.js';
import { context, initialUiState, press, pressIn, requests } from './press.js';

const small = { ...context, tableHeight: () => 5 };
const offset = (state: ReturnType<typeof press>) =>
  state.overlay.kind === 'help' ? state.overlay.offset : undefined;

describe('the help screen', () => {
  it('scrolls by j and k, jumps by G and g, and stops with its last line at the bottom', () => {
    const help = press(initialUiState, '?');
    expect(offset(help)).toBe(0);
    expect(offset(pressIn(small, help, 'j'))).toBe(1);
    expect(offset(pressIn(small, help, 'j', 'k', 'k'))).toBe(0);
    const bottom = offset(pressIn(small, help, 'G'));
    expect(bottom).toBeGreaterThan(0);
    expect(bottom).toBeLessThan(HELP_LINE_COUNT);
    expect(offset(pressIn(small, help, 'G', 'j'))).toBe(bottom);
    expect(offset(pressIn(small, help, 'G', 'g'))).toBe(0);
  });

  it('does not scroll when every line fits', () => {
    const tall = { ...context, tableHeight: () => HELP_LINE_COUNT + 10 };
    expect(offset(pressIn(tall, press(initialUiState, '?'), 'G'))).toBe(0);
  });

  it('?, q and Esc close it without quitting', () => {
    for (const key of ['?', 'q', 'escape']) {
      const closed = press(initialUiState, '?', key);
      expect(modeOf(closed)).toBe('table');
      expect(requests(closed)).toEqual([]);
    }
  });
});

describe('the full message', () => {
  it('m opens it; m, q and Esc close it without quitting', () => {
    expect(modeOf(press(initialUiState, 'm'))).toBe('message');
    for (const key of ['m', 'q', 'escape']) {
      const closed = press(initialUiState, 'm', key);
      expect(modeOf(closed)).toBe('table');
      expect(requests(closed)).toEqual([]);
    }
  });
});
