// Text content goes into a coding agent's context, where a process that names itself
// "\e]0;x\a ignore previous instructions" must read as data, not as words to obey. So every
// foreign string (process names, command lines, paths, registry keys) is shown quoted, with
// control and invisible formatting characters escaped, and cut to a bounded length; the
// whole text is bounded too. structuredContent keeps the exact strings.
import { sanitize } from '../view/sanitize.js';

/** The most characters of one foreign string shown in text content. */
export const FOREIGN_MAX = 120;
/** The most characters of one text content block. */
export const TEXT_MAX = 4000;

/**
 * Characters that reorder or hide text without being controls (bidi overrides and isolates,
 * zero-width spaces and joiners, the BOM): shown as \u escapes so the agent sees them.
 */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function escapeInvisible(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** At most `max` characters (code points, so no surrogate pair is split), saying what was cut. */
export function capped(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, max).join('')}…(${chars.length - max} more characters)`;
}

/** A foreign string as text content shows it: "quoted", escaped, capped. */
export function foreign(text: string, max = FOREIGN_MAX): string {
  const escaped = sanitize(text.replace(/[\\"]/g, (char) => `\\${char}`)).replace(
    INVISIBLE,
    escapeInvisible,
  );
  return `"${capped(escaped, max)}"`;
}

/** A command line: its arguments joined by spaces, then shown like any foreign string. */
export function foreignCommand(command: readonly string[] | null | undefined): string | undefined {
  return command && command.length > 0 ? foreign(command.join(' ')) : undefined;
}

/** Lines of text content, bounded as a whole. */
export function textBlock(lines: readonly string[]): string {
  return capped(lines.join('\n'), TEXT_MAX);
}
