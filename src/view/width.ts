// Widths in terminal cells, not code points: an East-Asian wide character takes two cells, a
// combining mark none. string-width is the measure Ink itself lays out with, so the snapshot,
// the first frame and Ink's frames agree.
import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter();

/** Cells the text takes on screen (ANSI escape codes count nothing). */
export function cellWidth(text: string): number {
  return stringWidth(text);
}

/** The user-perceived characters of the text, each with the cells it takes. */
export function graphemes(text: string): { readonly text: string; readonly width: number }[] {
  return [...segmenter.segment(text)].map(({ segment }) => ({
    text: segment,
    width: stringWidth(segment),
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
