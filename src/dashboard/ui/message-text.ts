// A message as lines of a given width: long messages (a registry error with its position and
// reason) wrap instead of being cut at the first line.
import { sanitize } from '../../view/sanitize.js';
import { cellWidth, cutToCells, takeCells } from '../../view/width.js';
import type { Message } from '../model/messages.js';

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
    let rest = word;
    if (line !== '' && cellWidth(line) + 1 + cellWidth(rest) <= room) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(line);
    while (cellWidth(rest) > room) {
      // At least one character a line, even one wider than the room.
      const head = takeCells(rest, room) || [...rest][0] || '';
      lines.push(head);
      rest = rest.slice(head.length);
    }
    line = rest;
  }
  if (line !== '') lines.push(line);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${takeCells(kept[max - 1] ?? '', Math.max(0, room - 1))}…`;
  return kept;
}

function cutLine(line: string, width: number): string {
  return cutToCells(line, width);
}

/** The message's text lines (mark first), then its hint, all sanitized and fitted to `width`. */
export function messageLines(
  message: Message,
  width: number,
  maxTextLines = MESSAGE_MAX_LINES,
): { readonly text: string[]; readonly hint?: string; readonly hintLines: readonly string[] } {
  const words = wrapText(`${MARKS[message.tone]} ${sanitize(message.text)}`, width);
  // A code frame keeps its lines and columns (the caret points at one): cut, never wrapped.
  const frame = (message.excerpt ?? []).map((line) => cutLine(`  ${sanitize(line)}`, width));
  const all = [...words, ...frame];
  const text = all.length <= maxTextLines ? all : all.slice(0, maxTextLines);
  if (text.length < all.length) {
    text[text.length - 1] = `${takeCells(text[text.length - 1] ?? '', Math.max(0, width - 1))}…`;
  }
  if (message.hint === undefined) return { text, hintLines: [] };
  const hint = `  hint: ${sanitize(message.hint)}`;
  // Wrapped too, indented under "hint:": its end (the command to type) is often the point.
  const hintLines = wrapText(hint, Math.max(1, width - 2), MESSAGE_HINT_LINES).map((line, index) =>
    index === 0 ? `  ${line}` : `    ${line}`,
  );
  return { text, hint, hintLines };
}

/** Lines a message's hint may take on the message line. */
export const MESSAGE_HINT_LINES = 4;

/** Lines the message would take on the message line: up to three of text and four of hint. */
export function messageHeight(message: Message | undefined, width: number): number {
  if (message === undefined) return 0;
  const { text, hintLines } = messageLines(message, width);
  return text.length + hintLines.length;
}
