import { PmError } from '../errors.js';

// Names become TOML bare keys. Dots, quotes, brackets and whitespace would need quoting and can
// turn into surprising nested keys, so they are refused rather than escaped.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const NAME_RULE =
  'names start with a letter or digit, then use only letters, digits, "_" or "-", 64 characters at most';

export type NameKind = 'project' | 'service';

/**
 * Order of project and service names: by code point, as the registry file lists them. Not
 * localeCompare: names are ASCII, and its first call loads ICU's collator, a large part
 * of what a `pm env` or `pm query <project>` may add to `node -e 0` (docs/benchmarks.md).
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isValidName(value: string): boolean {
  return NAME.test(value);
}

export function parseName(value: string, kind: NameKind): string {
  if (isValidName(value)) return value;
  const shown = value === '' ? 'an empty name' : `'${printable(value)}'`;
  throw new PmError('INVALID_NAME', `invalid ${kind} name: ${shown}`, { kind: 'name-rule' });
}

/**
 * A directory name made into a valid name: runs of other characters become "-", a leading
 * "-"/"_" goes, the length is clipped. `fallback` when nothing usable is left.
 */
export function toValidName(text: string, fallback: string): string {
  const name = text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 64)
    .replace(/[-_]+$/, '');
  return isValidName(name) ? name : fallback;
}

/** Keeps error messages on one line and readable when the input holds control characters. */
function printable(value: string): string {
  const clipped = value.length > 70 ? `${value.slice(0, 67)}...` : value;
  return JSON.stringify(clipped).slice(1, -1);
}
