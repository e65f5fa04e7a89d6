import { describe, expect, it } from 'vitest';
import { keyPresses } from '../../../src/dashboard/keys/key-presses.js';
import { keyName, NO_KEY } from '../../../src/dashboard/keys/keymap.js';

/** The key names a burst means, in the keymap's vocabulary ('?' for plain typing). */
const names = (input: string, key = NO_KEY) =>
  keyPresses(input, key).map((press) => keyName(press.input, press.key) ?? `?${press.input}`);

describe('a burst of keys', () => {
  it('is one key press per character', () => {
    expect(names('jj')).toEqual(['j', 'j']);
    expect(names('gk')).toEqual(['g', 'k']);
    expect(names('/web\r')).toEqual(['/', 'w', 'e', 'b', 'return']);
    expect(names('G')).toEqual(['G']);
  });

  it('decodes control bytes inside a burst as the keys they are', () => {
    expect(names('ab\u007f\r')).toEqual(['a', 'b', 'delete', 'return']);
    expect(names('x\tz')).toEqual(['x', 'tab', 'z']);
    expect(names('jj\u0003')).toEqual(['j', 'j', 'ctrl+c']);
    expect(names('j\u000c')).toEqual(['j', 'ctrl+l']);
    expect(keyPresses('AB', NO_KEY).every((press) => press.key.shift)).toBe(true);
  });

  it('reads Escape followed at once by a key as Escape, then that key', () => {
    // Ink reports "\u001bq" as Alt+q with the Escape stripped from the input.
    expect(names('q', { ...NO_KEY, meta: true })).toEqual(['escape', 'q']);
  });

  it('leaves single keys and escape sequences alone', () => {
    expect(keyPresses('q', NO_KEY)).toEqual([{ input: 'q', key: NO_KEY }]);
    const down = { ...NO_KEY, downArrow: true };
    expect(keyPresses('', down)).toEqual([{ input: '', key: down }]);
    const esc = { ...NO_KEY, escape: true, meta: true };
    expect(keyPresses('', esc)).toEqual([{ input: '', key: esc }]);
  });
});
