import { PmError } from '../errors.js';

/** A TCP/UDP port a service can listen on: an integer in 1..65535. */
export type Port = number & { readonly __brand?: 'Port' };

export interface PortRange {
  readonly start: Port;
  readonly end: Port;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const PORT_RULE = `a port is a whole number from ${MIN_PORT} to ${MAX_PORT}`;

export function isPort(value: unknown): value is Port {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT
  );
}

/** Parses user input such as "3000" or ":3000". Rejects signs, decimals, hex and blanks. */
export function parsePort(input: string, what = 'port'): Port {
  const text = input.trim().replace(/^:/, '');
  if (!/^\d{1,5}$/.test(text)) {
    throw new PmError('INVALID_PORT', `invalid ${what} '${input}': ${PORT_RULE}`);
  }
  const port = Number(text);
  if (!isPort(port)) {
    throw new PmError('INVALID_PORT', `invalid ${what} '${input}': ${PORT_RULE}`);
  }
  return port;
}

/** Parses "3000-3999". Both ends are inclusive and required; start must not exceed end. */
export function parseRange(input: string): PortRange {
  const match = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(input);
  const rule = `a range is START-END with ${MIN_PORT} <= START <= END <= ${MAX_PORT}, e.g. 3000-9999`;
  if (!match) {
    throw new PmError('INVALID_RANGE', `invalid range '${input}': ${rule}`);
  }
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (!isPort(start) || !isPort(end) || start > end) {
    throw new PmError('INVALID_RANGE', `invalid range '${input}': ${rule}`);
  }
  return { start, end };
}

/** Parses "5432,6379" (spaces allowed); an empty string means an empty list. */
export function parsePortList(input: string): Port[] {
  const parts = input
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const ports = parts.map((part) => parsePort(part, 'port in list'));
  return [...new Set(ports)].sort((a, b) => a - b);
}

export function formatRange(range: PortRange): string {
  return `${range.start}-${range.end}`;
}
