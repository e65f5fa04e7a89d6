// Widths in terminal cells, not code points: an East-Asian wide character takes two cells, a
// combining mark none. string-width is the measure Ink itself lays out with, so the snapshot,
// the first frame and Ink's frames agree.
//
// string-width builds an Intl.Segmenter and a \p{RGI_Emoji} expression as it loads: 30 ms of
// every command's start-up on Node 24 (15 ms each), for text that is almost always printable
// ASCII plus the few marks pm draws, one cell each. So that text is measured here, and
// string-width is loaded (a require, which the bundle turns into a lazy init) on the first
// text that is anything else. A property test holds the two answers equal.

/** One cell each, in string-width's measure too: printable ASCII and pm's own marks. */
const NARROW = /^[\x20-\x7e\u00b7\u2014\u2026\u203a\u2192\u2713\u2717]*$/;

let stringWidth: ((text: string) => number) | undefined;
let segmenter: Intl.Segmenter | undefined;

function measured(text: string): number {
  stringWidth ??= (require('string-width') as typeof import('string-width')).default;
  return stringWidth(text);
}

/** Cells the text takes on screen (ANSI escape codes count nothing). */
export function cellWidth(text: string): number {
  return NARROW.test(text) ? text.length : measured(text);
}

/** The user-perceived characters of the text, each with the cells it takes. */
export function graphemes(text: string): { readonly text: string; readonly width: number }[] {
  if (NARROW.test(text)) return Array.from(text, (char) => ({ text: char, width: 1 }));
  segmenter ??= new Intl.Segmenter();
  return [...segmenter.segment(text)].map(({ segment }) => ({
    text: segment,
    width: measured(segment),
  }));
}

/** The longest start of the text that fits in `width` cells. */
export function takeCells(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const piece of graphemes(text)) {
    if (used + piece.width > width) break;
    out += piece.text;
    used += piece.width;
  }
  return out;
}

/** The text in at most `width` cells: cut with an ellipsis when it is longer. */
export function cutToCells(text: string, width: number, ellipsis = '…'): string {
  if (cellWidth(text) <= width) return text;
  return `${takeCells(text, Math.max(0, width - cellWidth(ellipsis)))}${ellipsis}`;
}

/**
 * The text in at most `width` cells, keeping its end: for text being typed, where the end is
 * what the user is looking at (and the cursor follows it).
 */
export function tailToCells(text: string, width: number, ellipsis = '…'): string {
  if (cellWidth(text) <= width) return text;
  const room = Math.max(0, width - cellWidth(ellipsis));
  let out = '';
  let used = 0;
  for (const piece of graphemes(text).reverse()) {
    if (used + piece.width > room) break;
    out = piece.text + out;
    used += piece.width;
  }
  return `${ellipsis}${out}`;
}

/** Padded with spaces to exactly `width` cells (a text already wider is left as it is). */
export function padCells(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const room = ' '.repeat(Math.max(0, width - cellWidth(text)));
  return align === 'right' ? `${room}${text}` : `${text}${room}`;
}
