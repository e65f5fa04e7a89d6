// How a PmError reaches a person or a script. Messages quote things pm did not write (process
// names, paths, registry keys), so what reaches a terminal is sanitized here, in the one place
// both front ends print errors from; JSON keeps the exact strings.
import type { ErrorCode, PmError } from '../core/errors.js';
import { type FrontEnd, wordRemedies } from './remedies.js';
import { sanitize } from './sanitize.js';

export interface ShownError {
  readonly message: string;
  readonly hint?: string;
}

/** The message and what to do next, in the front end's words, safe for a terminal. */
export function formatError(error: PmError, frontEnd: FrontEnd): ShownError {
  const hint = wordRemedies(error.remedies, frontEnd);
  const message = sanitize(error.message);
  return hint === undefined ? { message } : { message, hint: sanitize(hint) };
}

/** `{"error": …}` for --json: exact strings, the hint in the CLI's words. */
export function errorJson(error: PmError): { code: ErrorCode; message: string; hint?: string } {
  const hint = wordRemedies(error.remedies, 'cli');
  return hint === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, hint };
}

/** The CLI's stderr lines for an error: `pm: message` and, when there is one, `hint: …`. */
export function errorLines(error: PmError): string[] {
  const { message, hint } = formatError(error, 'cli');
  return hint === undefined ? [`pm: ${message}`] : [`pm: ${message}`, `hint: ${hint}`];
}
