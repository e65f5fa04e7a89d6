// The value of `pm wait --http`: checked when the command line is parsed.
import { PmError } from '../core/errors.js';

/** `/health`, `/api/ready?deep=1`: a path and query, as sent on the request line. */
export function parseHttpPath(raw: string): string {
  if (/^\/[\x21-\x7e]*$/.test(raw)) return raw;
  throw new PmError(
    'USAGE',
    `invalid --http '${JSON.stringify(raw).slice(1, -1)}': expected a path starting with "/", without spaces`,
    'e.g. --http / or --http /health',
  );
}
