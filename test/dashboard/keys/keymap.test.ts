import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  actionFor,
  bindingOf,
  helpFor,
  hintsFor,
  type KeyPress,
  keyName,
  MODES,
  NO_KEY,
  typedText,
} from '../../../src/dashboard/keys/keymap.js';

const none: KeyPress = NO_KEY;
const press = (change: Partial<KeyPress> = {}): KeyPress => ({ ...none, ...change });

describe('the keymap table', () => {
  it('gives every action keys, a description and at least one mode', () => {
    for (const action of ACTIONS) {
      const binding = bindingOf(action);
      expect(binding.keys.length, action).toBeGreaterThan(0);
      expect(binding.description.trim(), action).not.toBe('');
      expect(binding.modes.length, action).toBeGreaterThan(0);
    }
  });

  it('binds no key twice in one mode, unless the first binding holds only sometimes', () => {
    for (const mode of MODES) {
      const seen = new Map<string, string>();
      for (const action of ACTIONS) {
        const binding = bindingOf(action);
        if (!binding.modes.includes(mode) || 'when' in binding) continue;
        for (const key of binding.keys) {
          expect(
            seen.get(key),
            `${mode}: '${key}' is bound to ${seen.get(key)} and ${action}`,
          ).toBe(undefined);
          seen.set(key, action);
        }
      }
    }
  });

  it('lets Ctrl-C quit from every mode', () => {
    for (const mode of MODES) {
      expect(actionFor(mode, 'c', press({ ctrl: true })), mode).toBe('interrupt');
    }
  });

  it('has a way out of every mode other than Ctrl-C', () => {
    const exits = new Set([
      'quit',
      'cancel',
      'closeHelp',
      'closeMessage',
      'confirmNo',
      'clearFilter',
      'closeDetail',
      'killNo',
    ]);
    for (const mode of MODES) {
      expect(
        ACTIONS.some((action) => exits.has(action) && bindingOf(action).modes.includes(mode)),
        mode,
      ).toBe(true);
    }
  });

  it('documents every mode on the help screen and has a help bar for each', () => {
    for (const mode of MODES) {
      expect(helpFor(mode).length, mode).toBeGreaterThan(0);
      expect(hintsFor(mode).length, mode).toBeGreaterThan(0);
    }
  });
});

describe('Esc on a filtered table', () => {
  const esc = press({ escape: true, meta: true });
  it('clears the filter while one is applied, and quits otherwise', () => {
    expect(actionFor('table', '', esc, { filtered: true })).toBe('unfilter');
    expect(actionFor('table', '', esc, { filtered: false })).toBe('quit');
    expect(actionFor('table', 'q', press(), { filtered: true })).toBe('quit');
  });

  it('says so on the help bar', () => {
    const bar = (filtered: boolean) =>
      hintsFor('table', { filtered }).map((item) => `${item.keys} ${item.label}`);
    expect(bar(true)).toContain('Esc clear filter');
    expect(bar(true)).toContain('q quit');
    expect(bar(false)).toContain('q/Esc quit');
    expect(bar(false).join(' ')).not.toContain('clear filter');
  });
});

describe('resolving key presses', () => {
  it.each([
    ['table', 'k', press(), 'up'],
    ['table', '', press({ upArrow: true }), 'up'],
    ['table', 'j', press(), 'down'],
    ['table', '', press({ pageDown: true }), 'pageDown'],
    ['table', 'g', press(), 'top'],
    ['table', 'G', press({ shift: true }), 'bottom'],
    ['table', 'f', press(), 'free'],
    ['table', '', press({ delete: true }), 'free'],
    ['table', '', press({ escape: true, meta: true }), 'quit'],
    ['table', '/', press(), 'filter'],
    ['form', '', press({ return: true }), 'nextField'],
    ['form', '', press({ delete: true }), 'erase'],
    ['form', '', press({ escape: true, meta: true }), 'cancel'],
    ['confirm', 'y', press(), 'confirmYes'],
    ['confirm', 'n', press(), 'confirmNo'],
    ['suggest', '', press({ return: true }), 'pick'],
    ['filter', '', press({ escape: true, meta: true }), 'clearFilter'],
    ['help', '?', press(), 'closeHelp'],
  ] as const)('%s: %j %j -> %s', (mode, input, key, action) => {
    expect(actionFor(mode, input, key)).toBe(action);
  });

  it('treats letters as typing in text modes, not as commands', () => {
    expect(actionFor('form', 'q', press())).toBe(undefined);
    expect(typedText('form', 'q', press())).toBe('q');
    expect(typedText('filter', 'shop', press())).toBe('shop');
    expect(typedText('table', 'q', press())).toBe(undefined);
    expect(typedText('form', '', press({ return: true }))).toBe(undefined);
  });

  it('does not type control characters', () => {
    expect(typedText('form', 'a\u0007b', press())).toBe('ab');
    expect(typedText('form', '\u0007', press())).toBe(undefined);
    expect(typedText('form', 'a\u007fb', press())).toBe('ab');
    // C1 controls too (U+009B is a one-character CSI to many terminals); é stays.
    expect(typedText('filter', 'x\u009b31my\u0085é', press())).toBe('x31myé');
  });

  it('names arrows, Enter and Ctrl combinations, and ignores multi-character input', () => {
    expect(keyName('', press({ downArrow: true }))).toBe('down');
    expect(keyName('\r', press({ return: true }))).toBe('return');
    expect(keyName('', press({ tab: true, shift: true }))).toBe('shift+tab');
    expect(keyName('c', press({ ctrl: true }))).toBe('ctrl+c');
    expect(keyName('abc', press())).toBe(undefined);
  });
});
