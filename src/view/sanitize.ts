// Anything pm did not write itself (process names, command lines, paths, registry keys and
// values, file contents) may carry terminal control sequences: a listener named
// "\e]0;PWNED\a" would retitle the user's terminal, "\n\e[1A" would forge a table row. Every
// such string passes here before it reaches a terminal; JSON output keeps the exact string.

// Bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069) reorder what
// the terminal shows after them: a row could be made to read as another. Shown escaped too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(char: string): string {
  const code = char.charCodeAt(0);
  if (code > 0xff) return `\\u${code.toString(16)}`;
  return NAMED[char] ?? `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * The text with every C0 and C1 control, DEL, ESC and bidi control shown as an escape
 * (`\x1b`, `\n`, `\u202e`), so it is printed, never obeyed. Widths are measured on the result.
 */
export function sanitize(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** The text with every control (C0, C1, DEL, bidi) dropped: for what the user types, not shown. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}
