// Ink 6 hands useInput one event per escape sequence, but a run of ordinary bytes that arrive
// together (a paste, fast typing, tmux send-keys, a slow machine) comes as ONE string: "jjj",
// "gk", "/web\r", "ab\u007f". Every byte of such a burst is a key press of its own, decoded here
// the way Ink decodes a single byte, so a burst means exactly what the same keys typed slowly
// would mean, in every mode.
import { type KeyPress, NO_KEY } from './keymap.js';

export interface Press {
  readonly input: string;
  readonly key: KeyPress;
}

/** One byte (code point) as Ink would report it had it arrived alone. */
export function pressOf(character: string): Press {
  switch (character) {
    case '\r':
      return { input: '\r', key: { ...NO_KEY, return: true } };
    case '\t':
      return { input: '', key: { ...NO_KEY, tab: true } };
    case '\b':
      return { input: '', key: { ...NO_KEY, backspace: true } };
    case '\u007f':
      return { input: '', key: { ...NO_KEY, delete: true } };
    case '\u001b':
      return { input: '', key: { ...NO_KEY, escape: true, meta: true } };
  }
  const code = character.codePointAt(0) ?? 0;
  // Ctrl plus a letter: 0x01 is Ctrl-A ... 0x1a is Ctrl-Z. Ink names it by the letter.
  if (code >= 1 && code <= 0x1a) {
    return { input: String.fromCharCode(code + 96), key: { ...NO_KEY, ctrl: true } };
  }
  return { input: character, key: /^[A-Z]$/.test(character) ? { ...NO_KEY, shift: true } : NO_KEY };
}

/**
 * Splits one input event into key presses. Escape sequences (arrows, PgDn) already come one per
 * event; Escape followed at once by a character arrives as Alt+character, which pm has no use
 * for, so it is Escape and then that character (tmux sends "Escape q" that way).
 */
export function keyPresses(input: string, key: KeyPress): Press[] {
  if (key.meta && !key.escape && [...input].length === 1 && !hasSpecialKey(key)) {
    return [pressOf('\u001b'), pressOf(input)];
  }
  const characters = [...input];
  if (characters.length <= 1 || hasSpecialKey(key) || key.meta) return [{ input, key }];
  return characters.map(pressOf);
}

function hasSpecialKey(key: KeyPress): boolean {
  return (
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageUp ||
    key.pageDown ||
    key.home === true ||
    key.end === true ||
    key.tab ||
    key.backspace ||
    key.delete ||
    key.escape
  );
}
