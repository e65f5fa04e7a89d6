// Anything pm did not write itself (process names, command lines, paths, registry keys and
// values, file contents) may carry terminal control sequences: a listener named
// "\e]0;PWNED\a" would retitle the user's terminal, "\n\e[1A" would forge a table row. Every
// such string passes here before it reaches a terminal; JSON output keeps the exact string.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControl(char: string): string {
  return NAMED[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * The text with every C0 and C1 control, DEL and ESC shown as an escape (`\x1b`, `\n`), so it
 * is printed, never obeyed. Widths are measured on the result.
 */
export function sanitize(text: string): string {
  return text.replace(CONTROL, escapeControl);
}

/** The text with every C0 and C1 control and DEL dropped: for what the user types, not shown. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}
