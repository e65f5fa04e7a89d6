// The one way pm measures text that may carry its own colour codes: in terminal cells.
import { cellWidth, takeCells } from './width.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape codes is the point
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The text without CSI (colour, cursor) and OSC (title) sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '');
}

/** Columns the text takes on screen, colour codes not counted. */
export function visibleLength(text: string): number {
  return cellWidth(stripAnsi(text));
}

/**
 * The text cut to `columns` terminal cells, its colour codes kept; a cut line ends with a
 * style reset so a colour cut in half does not run on.
 */
export function clipToWidth(text: string, columns: number): string {
  if (visibleLength(text) <= columns) return text;
  let out = '';
  let shown = 0;
  let last = 0;
  for (const match of text.matchAll(ESCAPE_SEQUENCE)) {
    const kept = takeCells(text.slice(last, match.index), Math.max(0, columns - shown));
    out += kept;
    shown += cellWidth(kept);
    out += match[0];
    last = match.index + match[0].length;
  }
  out += takeCells(text.slice(last), Math.max(0, columns - shown));
  return `${out}\u001b[0m`;
}
