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
