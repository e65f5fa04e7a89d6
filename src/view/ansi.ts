// The one way pm measures text that may carry its own colour codes.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape codes is the point
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** The text without CSI (colour, cursor) and OSC (title) sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '');
}

/** Columns the text takes on screen, colour codes not counted. */
export function visibleLength(text: string): number {
  return [...stripAnsi(text)].length;
}

/**
 * The text cut to `columns` visible characters, its colour codes kept; a cut line ends with a
 * style reset so a colour cut in half does not run on.
 */
export function clipToWidth(text: string, columns: number): string {
  if (visibleLength(text) <= columns) return text;
  let out = '';
  let shown = 0;
  let last = 0;
  for (const match of text.matchAll(ESCAPE_SEQUENCE)) {
    const plain = [...text.slice(last, match.index)];
    const room = Math.max(0, columns - shown);
    out += plain.slice(0, room).join('');
    shown += Math.min(room, plain.length);
    out += match[0];
    last = match.index + match[0].length;
  }
  const rest = [...text.slice(last)];
  out += rest.slice(0, Math.max(0, columns - shown)).join('');
  return `${out}\u001b[0m`;
}
