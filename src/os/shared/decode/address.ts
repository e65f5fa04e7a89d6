// Socket addresses in the form people type them. Kernel tables hold raw network-order
// bytes; pm shows '127.0.0.1', '::1', '::', and treats IPv4-mapped IPv6 addresses as the
// IPv4 address they stand for, because only IPv4 clients can reach such a socket.
import type { Family } from '../../../core/ports.js';

export interface LocalAddress {
  readonly family: Family;
  readonly address: string;
}

/** Dotted quad of the 4 bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text of the 16 bytes at `offset`: lower case, longest zero run as '::'. */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) {
    groups[i] = ((bytes[offset + 2 * i] ?? 0) << 8) | (bytes[offset + 2 * i + 1] ?? 0);
  }
  // The first longest run of at least two zero groups is the one RFC 5952 compresses.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups
    .slice(bestStart + bestLength)
    .map(hex)
    .join(':');
  return `${head}::${tail}`;
}

function hex(group: number): string {
  return group.toString(16);
}

/** True for ::ffff:a.b.c.d (80 zero bits, 16 one bits, then the IPv4 address). */
export function isIPv4Mapped(bytes: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 10; i++) if (bytes[offset + i] !== 0) return false;
  return bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff;
}

/**
 * The user-facing family and text of a socket's local address. `socketFamily` is the
 * family of the socket itself; an IPv6 socket bound to a mapped address is reported as IPv4.
 */
export function describeAddress(
  socketFamily: Family,
  bytes: Uint8Array,
  offset: number,
): LocalAddress {
  if (socketFamily === 'ipv4') return { family: 'ipv4', address: formatIPv4(bytes, offset) };
  if (isIPv4Mapped(bytes, offset)) {
    return { family: 'ipv4', address: formatIPv4(bytes, offset + 12) };
  }
  return { family: 'ipv6', address: formatIPv6(bytes, offset) };
}
