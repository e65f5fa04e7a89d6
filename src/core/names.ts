import { PmError } from './errors.js';

// Names become TOML bare keys. Dots, quotes, brackets and whitespace would need quoting and can
// turn into surprising nested keys, so they are refused rather than escaped.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const NAME_RULE =
  'names start with a letter or digit, then use only letters, digits, "_" or "-", 64 characters at most';

export type NameKind = 'project' | 'service';

export function isValidName(value: string): boolean {
  return NAME.test(value);
}

export function parseName(value: string, kind: NameKind): string {
  if (isValidName(value)) return value;
  const shown = value === '' ? 'an empty name' : `'${printable(value)}'`;
  throw new PmError('INVALID_NAME', `invalid ${kind} name: ${shown}`, { kind: 'name-rule' });
}

/** Keeps error messages on one line and readable when the input holds control characters. */
function printable(value: string): string {
  const clipped = value.length > 70 ? `${value.slice(0, 67)}...` : value;
  return JSON.stringify(clipped).slice(1, -1);
}
