import { describe, expect, it } from 'vitest';
import { colorWanted } from '../../src/view/style.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('when pm uses colour', () => {
  it.each([
    ['a terminal', true, tty, {}, true],
    ['a pipe', true, pipe, {}, false],
    ['--no-color', false, tty, {}, false],
    ['NO_COLOR set', true, tty, { NO_COLOR: '1' }, false],
    ['NO_COLOR empty (ignored, per no-color.org)', true, tty, { NO_COLOR: '' }, true],
    ['TERM=dumb', true, tty, { TERM: 'dumb' }, false],
    ['FORCE_COLOR into a pipe', true, pipe, { FORCE_COLOR: '1' }, true],
    ['NO_COLOR beats FORCE_COLOR', true, tty, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['--no-color beats FORCE_COLOR', false, pipe, { FORCE_COLOR: '1' }, false],
  ] as const)('%s', (_label, flag, stream, env, expected) => {
    expect(colorWanted(flag, stream, env)).toBe(expected);
  });
});
