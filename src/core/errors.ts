// Every failure a user can cause is a PmError: a stable code for scripts (--json), a message
// that says what happened, and a hint that says what to do next. Anything else that escapes
// is a bug and is reported as one.

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_PORT'
  | 'INVALID_RANGE'
  | 'INVALID_NAME'
  | 'PORT_TAKEN'
  | 'PORT_IN_USE'
  | 'RANGE_EXHAUSTED'
  | 'NOT_FOUND'
  | 'REGISTRY_CORRUPT'
  | 'REGISTRY_LOCKED'
  | 'LOCK_COMPROMISED'
  | 'IO'
  | 'NO_BACKUP'
  | 'ENV_FILE_DAMAGED';

/** Exit code 2 is for input the user can fix by retyping the command; 1 for everything else. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'USAGE',
  'INVALID_PORT',
  'INVALID_RANGE',
  'INVALID_NAME',
]);

export class PmError extends Error {
  override readonly name = 'PmError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.hint = hint;
  }

  get exitCode(): 1 | 2 {
    return USAGE_CODES.has(this.code) ? 2 : 1;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isPmError(value: unknown): value is PmError {
  return value instanceof PmError;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
