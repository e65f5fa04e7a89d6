// How a PmError reaches a person or a script. Messages quote things pm did not write (process
// names, paths, registry keys), so what reaches a terminal is sanitized here, in the one place
// both front ends print errors from; JSON keeps the exact strings.
import type { ErrorCode, PmError } from '../core/errors.js';
import { type FrontEnd, wordRemedies } from './remedies.js';
import { sanitize } from './sanitize.js';

export interface ShownError {
  readonly message: string;
  /** Lines quoted from a file (a TOML code frame), each sanitized: shown one per line. */
  readonly excerpt?: readonly string[];
  readonly hint?: string;
}

/** The message and what to do next, in the front end's words, safe for a terminal. */
export function formatError(error: PmError, frontEnd: FrontEnd): ShownError {
  const hint = wordRemedies(error.remedies, frontEnd);
  const message = sanitize(error.headline ?? error.message);
  const excerpt = (error.excerpt ?? []).map(sanitize);
  return {
    message,
    ...(excerpt.length > 0 ? { excerpt } : {}),
    ...(hint === undefined ? {} : { hint: sanitize(hint) }),
  };
}

/** `{"error": …}` for --json: exact strings, the hint in the CLI's words. */
export function errorJson(error: PmError): { code: ErrorCode; message: string; hint?: string } {
  const hint = wordRemedies(error.remedies, 'cli');
  return hint === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, hint };
}

/**
 * The CLI's stderr lines for an error: `pm: message`, the quoted lines indented, and, when
 * there is one, `hint: …`.
 */
export function errorLines(error: PmError): string[] {
  const { message, excerpt = [], hint } = formatError(error, 'cli');
  return [
    `pm: ${message}`,
    ...excerpt.map((line) => `  ${line}`),
    ...(hint === undefined ? [] : [`hint: ${hint}`]),
  ];
}
