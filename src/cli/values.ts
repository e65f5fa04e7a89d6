// Flag values the command line parses that no other layer owns (ports, names, signals and
// env formats parse in core): each refusal names the flag and its range.
import { PmError } from '../core/errors.js';

export const DEFAULT_INTERVAL_MS = 1000;
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 3_600_000;

export function parseInterval(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < MIN_INTERVAL_MS || value > MAX_INTERVAL_MS) {
    throw new PmError(
      'USAGE',
      `invalid --interval '${raw}': milliseconds from ${MIN_INTERVAL_MS} to ${MAX_INTERVAL_MS}`,
    );
  }
  return value;
}

export const MAX_SUGGESTIONS = 100;

export function parseCount(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_SUGGESTIONS) {
    throw new PmError(
      'USAGE',
      `invalid --count '${raw}': a whole number from 1 to ${MAX_SUGGESTIONS}`,
    );
  }
  return Number(raw);
}
