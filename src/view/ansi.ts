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
