// An address and port as ss and browsers write them: an IPv6 address in brackets
// ("[::]:7200", "[::1]:3000"), so the port cannot be read as part of the address.
import { sanitize } from './sanitize.js';

/** "127.0.0.1:3000", "[::]:7200"; the address is foreign text, sanitized. */
export function endpoint(address: string, port: number): string {
  const shown = sanitize(address);
  return `${address.includes(':') ? `[${shown}]` : shown}:${port}`;
}
