// A message as lines of a given width: long messages (a registry error with its position and
// reason) wrap instead of being cut at the first line.
import { sanitize } from '../view/sanitize.js';
import type { Message } from './messages.js';

export const MARKS = { error: '✗', warning: '!', info: '·', success: '✓' } as const;
/** Lines a message may take on the message line; `m` shows it whole. */
export const MESSAGE_MAX_LINES = 3;

/** Words wrapped to `width`; a word longer than a line is broken. `max` lines at most, the last
 * ending in "…" when text was left out. */
export function wrapText(text: string, width: number, max = Number.POSITIVE_INFINITY): string[] {
  const room = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = [...word];
    if (line !== '' && [...line].length + 1 + rest.length <= room) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (rest.length > room) {
      lines.push(rest.slice(0, room).join(''));
      rest = rest.slice(room);
    }
    line = rest.join('');
  }
  if (line !== '') lines.push(line);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const last = [...(kept[max - 1] ?? '')];
  kept[max - 1] = `${last.slice(0, Math.max(0, room - 1)).join('')}…`;
  return kept;
}

function cutLine(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** The message's text lines (mark first), then its hint, all sanitized and fitted to `width`. */
export function messageLines(
  message: Message,
  width: number,
  maxTextLines = MESSAGE_MAX_LINES,
): { readonly text: string[]; readonly hint?: string } {
  const words = wrapText(`${MARKS[message.tone]} ${sanitize(message.text)}`, width);
  // A code frame keeps its lines and columns (the caret points at one): cut, never wrapped.
  const frame = (message.excerpt ?? []).map((line) => cutLine(`  ${sanitize(line)}`, width));
  const all = [...words, ...frame];
  const text = all.length <= maxTextLines ? all : all.slice(0, maxTextLines);
  if (text.length < all.length) {
    const last = [...(text[text.length - 1] ?? '')];
    text[text.length - 1] = `${last.slice(0, Math.max(0, width - 1)).join('')}…`;
  }
  return message.hint === undefined
    ? { text }
    : { text, hint: `  hint: ${sanitize(message.hint)}` };
}

/** Lines the message would take on the message line: up to three of text and one of hint. */
export function messageHeight(message: Message | undefined, width: number): number {
  if (message === undefined) return 0;
  const { text, hint } = messageLines(message, width);
  return text.length + (hint === undefined ? 0 : 1);
}
