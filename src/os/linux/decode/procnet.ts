// Pure parser of /proc/net/{tcp,tcp6,udp,udp6} (net/ipv4/tcp_ipv4.c get_tcp4_sock and
// friends). The fallback when netlink sock_diag is unavailable (WSL1, minimal kernels,
// sandboxes), so it yields the same records the netlink decoder does.
import type { Family } from '../../../core/ports.js';
import { describeAddress } from '../../shared/decode/address.js';
import type { SocketRecord } from './socket-record.js';

export interface ProcNetOptions {
  /** 'ipv4' for tcp/udp, 'ipv6' for tcp6/udp6. */
  readonly family: Family;
  /**
   * Byte order of the machine that wrote the text: addresses are printed as host-order
   * 32-bit words, so on little-endian hosts each word's bytes appear reversed.
   */
  readonly littleEndian: boolean;
  /** Keep only rows whose state bit (1 << state) is set; every row when omitted. */
  readonly states?: number;
}

// Columns after splitting on blanks: sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid,
// timeout, inode.
const LOCAL = 1;
const STATE = 3;
const UID = 7;
const INODE = 9;

/**
 * Parses the whole text of one file. Lines that do not have the kernel's shape (the
 * header, a torn last line) are skipped rather than guessed at.
 */
export function parseProcNet(text: string, options: ProcNetOptions): SocketRecord[] {
  const records: SocketRecord[] = [];
  const addressWords = options.family === 'ipv4' ? 1 : 4;
  const localLength = addressWords * 8 + 5; // hex words, ':', 4 hex digits of port
  const addressBytes = new Uint8Array(16);
  const starts = new Int32Array(INODE + 1);
  const ends = new Int32Array(INODE + 1);
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const record = parseLine(text, lineStart, lineEnd);
    if (record) records.push(record);
    lineStart = lineEnd + 1;
  }
  return records;

  function parseLine(line: string, from: number, to: number): SocketRecord | undefined {
    // Find the fields we need, stopping early when the state rules the row out: most rows
    // of a busy machine are established connections nobody asked for.
    let field = 0;
    let i = from;
    while (field <= INODE) {
      while (i < to && isBlank(line.charCodeAt(i))) i++;
      if (i >= to) return undefined;
      starts[field] = i;
      while (i < to && !isBlank(line.charCodeAt(i))) i++;
      ends[field] = i;
      if (field === STATE) {
        const state = hexValue(line, starts[STATE]!, ends[STATE]!);
        if (state < 0) return undefined;
        if (options.states !== undefined && ((options.states >>> state) & 1) === 0) {
          return undefined;
        }
      }
      field++;
    }
    const localStart = starts[LOCAL]!;
    if (ends[LOCAL]! - localStart !== localLength) return undefined;
    if (line.charCodeAt(localStart + addressWords * 8) !== COLON) return undefined;
    for (let word = 0; word < addressWords; word++) {
      const value = hexValue(line, localStart + word * 8, localStart + word * 8 + 8);
      if (value < 0) return undefined;
      writeWord(addressBytes, word * 4, value, options.littleEndian);
    }
    const port = hexValue(line, localStart + addressWords * 8 + 1, localStart + localLength);
    const state = hexValue(line, starts[STATE]!, ends[STATE]!);
    const uid = decimalValue(line, starts[UID]!, ends[UID]!);
    const inode = decimalValue(line, starts[INODE]!, ends[INODE]!);
    if (port < 0 || uid < 0 || inode < 0) return undefined;
    const { family, address } = describeAddress(options.family, addressBytes, 0);
    return { family, state, address, port, uid, inode };
  }
}

const COLON = 0x3a;

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/** The 32-bit word as it lay in memory, i.e. in network byte order for addresses. */
function writeWord(into: Uint8Array, at: number, value: number, littleEndian: boolean): void {
  if (littleEndian) {
    into[at] = value & 0xff;
    into[at + 1] = (value >>> 8) & 0xff;
    into[at + 2] = (value >>> 16) & 0xff;
    into[at + 3] = value >>> 24;
  } else {
    into[at] = value >>> 24;
    into[at + 1] = (value >>> 16) & 0xff;
    into[at + 2] = (value >>> 8) & 0xff;
    into[at + 3] = value & 0xff;
  }
}

/** Unsigned hex of text[from, to) (at most 8 digits), or -1 when it is not one. */
function hexValue(text: string, from: number, to: number): number {
  if (to <= from || to - from > 8) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    let digit: number;
    if (code >= 0x30 && code <= 0x39) digit = code - 0x30;
    else if (code >= 0x41 && code <= 0x46) digit = code - 0x37;
    else if (code >= 0x61 && code <= 0x66) digit = code - 0x57;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Unsigned decimal of text[from, to), or -1 when it is not one. */
function decimalValue(text: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}
