import { describe, expect, it } from 'vitest';
import { stateStyle } from '../../src/dashboard/ui/theme.js';
import type { DisplayState } from '../../src/view/cells.js';
import { STATE_PALETTE } from '../../src/view/palette.js';
import { createStyle, paint } from '../../src/view/style.js';

const SGR_OF_COLOR: Readonly<Record<string, string>> = {
  green: '32',
  yellow: '33',
  red: '31',
  cyan: '36',
};

describe('one state palette for both front ends', () => {
  const states = Object.keys(STATE_PALETTE) as DisplayState[];

  it('paints every state in the CLI exactly as the dashboard styles it', () => {
    const style = createStyle(true);
    for (const state of states) {
      const printed = paint(style, STATE_PALETTE[state], state);
      const ink = stateStyle(state, true);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: reading SGR codes is the point
      const codes = new Set([...printed.matchAll(/\u001b\[(\d+)m/g)].map((match) => match[1]));
      expect(codes.has('1'), `${state} bold`).toBe(ink.bold === true);
      expect(codes.has('2'), `${state} dim`).toBe(ink.dimColor === true);
      for (const [color, code] of Object.entries(SGR_OF_COLOR)) {
        expect(codes.has(code), `${state} ${color}`).toBe(ink.color === color);
      }
    }
  });

  it('makes a conflict red and bold', () => {
    expect(paint(createStyle(true), STATE_PALETTE.conflict, 'conflict')).toBe(
      '\u001b[1m\u001b[31mconflict\u001b[39m\u001b[22m',
    );
  });

  it('paints nothing with colour off', () => {
    for (const state of states) {
      expect(paint(createStyle(false), STATE_PALETTE[state], state)).toBe(state);
      expect(stateStyle(state, false)).toEqual({});
    }
  });
});
