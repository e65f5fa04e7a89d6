// Pure encoder/decoder of NETLINK_SOCK_DIAG messages (linux/netlink.h, linux/inet_diag.h).
// Everything the kernel sends is length-checked before it is read: a bad length ends the
// decode with `malformed` instead of reading past the datagram or looping forever.
import type { Family } from '../../../core/ports.js';
import { describeAddress } from '../../shared/decode/address.js';
import type { SocketRecord } from './socket-record.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const SOCK_DIAG_BY_FAMILY = 20;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;

/** sizeof(struct nlmsghdr) + sizeof(struct inet_diag_req_v2). */
export const SOCK_DIAG_REQUEST_LENGTH = 72;
/** sizeof(struct inet_diag_msg): every SOCK_DIAG_BY_FAMILY payload starts with one. */
export const INET_DIAG_MSG_LENGTH = 72;
/** rtattr type carrying IPV6_V6ONLY (u8) for AF_INET6 sockets in LISTEN or CLOSE. */
export const INET_DIAG_SKV6ONLY = 11;

const RTA_HDRLEN = 4;
// Attribute type bits that flag nesting/byte order, not the type itself.
const NLA_TYPE_MASK = 0x3fff;

/** Builds the 72-byte dump request `ss` sends: one (family, protocol) with a state mask. */
export function buildSockDiagRequest(
  family: number,
  protocol: number,
  states: number,
  seq: number,
): Buffer {
  const request = Buffer.alloc(SOCK_DIAG_REQUEST_LENGTH);
  request.writeUInt32LE(SOCK_DIAG_REQUEST_LENGTH, 0);
  request.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  request.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  request.writeUInt32LE(seq >>> 0, 8);
  // nlmsg_pid 0: addressed to the kernel. inet_diag_req_v2 follows at 16.
  request[16] = family;
  request[17] = protocol;
  request.writeUInt32LE(states >>> 0, 20);
  // idiag_ext, pad and the whole inet_diag_sockid stay zero: no extensions, no filter.
  return request;
}

export interface DecodedDatagram {
  /** Sockets found in this datagram (appended to the array passed in, if any). */
  readonly records: SocketRecord[];
  /** NLMSG_DONE was seen: the dump is complete. */
  readonly done: boolean;
  /** A message carried NLM_F_DUMP_INTR: the table changed during the dump. */
  readonly interrupted: boolean;
  /** Positive errno from NLMSG_ERROR, or from a negative NLMSG_DONE status. */
  readonly error?: number;
  /** Why decoding stopped early on a malformed message. */
  readonly malformed?: string;
}

/**
 * Decodes the messages of one datagram (`buf[0, length)`). Messages whose sequence number
 * differs from `seq` (when given) are skipped: they belong to an abandoned earlier dump.
 */
export function decodeSockDiagMessages(
  buf: Buffer,
  length: number,
  seq?: number,
  into: SocketRecord[] = [],
): DecodedDatagram {
  const end = Math.min(length, buf.length);
  let done = false;
  let interrupted = false;
  let error: number | undefined;
  let malformed: string | undefined;
  let offset = 0;
  while (offset + NLMSG_HDRLEN <= end) {
    const messageLength = buf.readUInt32LE(offset);
    const type = buf.readUInt16LE(offset + 4);
    const flags = buf.readUInt16LE(offset + 6);
    if (messageLength < NLMSG_HDRLEN) {
      malformed = `netlink message at byte ${offset} claims ${messageLength} bytes`;
      break;
    }
    if (offset + messageLength > end) {
      malformed = `netlink message at byte ${offset} (${messageLength} bytes) runs past the datagram (${end} bytes)`;
      break;
    }
    const ours = seq === undefined || buf.readUInt32LE(offset + 8) === seq >>> 0;
    if (ours) {
      if ((flags & NLM_F_DUMP_INTR) !== 0) interrupted = true;
      const payload = offset + NLMSG_HDRLEN;
      const messageEnd = offset + messageLength;
      if (type === NLMSG_DONE) {
        done = true;
        // The payload, when present, is the dump's status: negative errno on failure.
        if (messageEnd - payload >= 4) {
          const status = buf.readInt32LE(payload);
          if (status < 0) error = -status;
        }
        break;
      }
      if (type === NLMSG_ERROR) {
        if (messageEnd - payload < 4) {
          malformed = `NLMSG_ERROR at byte ${offset} has no error code`;
          break;
        }
        const status = buf.readInt32LE(payload);
        // error 0 is an acknowledgement, which a dump without NLM_F_ACK never sends; skip it.
        if (status !== 0) {
          error = status < 0 ? -status : status;
          break;
        }
      } else if (type === NLMSG_OVERRUN) {
        malformed = 'the kernel reported NLMSG_OVERRUN (messages were lost)';
        break;
      } else if (type === SOCK_DIAG_BY_FAMILY) {
        if (messageEnd - payload < INET_DIAG_MSG_LENGTH) {
          malformed = `sock_diag record at byte ${offset} is ${messageEnd - payload} bytes, shorter than inet_diag_msg`;
          break;
        }
        const record = decodeInetDiagMsg(buf, payload, messageEnd);
        if (record) into.push(record);
      }
      // NLMSG_NOOP and unknown types carry nothing for us.
    }
    // NLMSG_ALIGN: messages start on 4-byte boundaries.
    offset += (messageLength + 3) & ~3;
  }
  return { records: into, done, interrupted, error, malformed };
}

/** One struct inet_diag_msg at `start` plus its attributes up to `end`. */
function decodeInetDiagMsg(buf: Buffer, start: number, end: number): SocketRecord | undefined {
  const kernelFamily = buf[start];
  let socketFamily: Family;
  if (kernelFamily === AF_INET) socketFamily = 'ipv4';
  else if (kernelFamily === AF_INET6) socketFamily = 'ipv6';
  else return undefined;
  const state = buf[start + 1] ?? 0;
  // inet_diag_sockid at +4: idiag_sport is big-endian, idiag_src starts at +8.
  const port = buf.readUInt16BE(start + 4);
  const { family, address } = describeAddress(socketFamily, buf, start + 8);
  const uid = buf.readUInt32LE(start + 64);
  const inode = buf.readUInt32LE(start + 68);
  const v6only =
    socketFamily === 'ipv6' ? readV6Only(buf, start + INET_DIAG_MSG_LENGTH, end) : undefined;
  return v6only === undefined
    ? { family, state, address, port, uid, inode }
    : { family, state, address, port, uid, inode, v6only };
}

/** INET_DIAG_SKV6ONLY among the rtattrs in [start, end), or undefined when absent or bad. */
function readV6Only(buf: Buffer, start: number, end: number): boolean | undefined {
  let offset = start;
  while (offset + RTA_HDRLEN <= end) {
    const attributeLength = buf.readUInt16LE(offset);
    const type = buf.readUInt16LE(offset + 2) & NLA_TYPE_MASK;
    // A short or overlong attribute means the rest cannot be trusted; a zero length
    // would otherwise never advance.
    if (attributeLength < RTA_HDRLEN || offset + attributeLength > end) return undefined;
    if (type === INET_DIAG_SKV6ONLY && attributeLength >= RTA_HDRLEN + 1) {
      return buf[offset + RTA_HDRLEN] !== 0;
    }
    offset += (attributeLength + 3) & ~3;
  }
  return undefined;
}

export type DumpProgress = 'more' | 'done' | 'failed';

/**
 * Collects one dump that arrives as several datagrams. Feed it each datagram as it is
 * received; it says whether to keep reading.
 */
export class SockDiagDumpAccumulator {
  readonly records: SocketRecord[] = [];
  interrupted = false;
  /** errno reported by the kernel for this dump. */
  error: number | undefined;
  malformed: string | undefined;

  constructor(private readonly seq: number) {}

  push(buf: Buffer, length: number): DumpProgress {
    const decoded = decodeSockDiagMessages(buf, length, this.seq, this.records);
    if (decoded.interrupted) this.interrupted = true;
    if (decoded.error !== undefined) {
      this.error = decoded.error;
      return 'failed';
    }
    if (decoded.malformed !== undefined) {
      this.malformed = decoded.malformed;
      return 'failed';
    }
    return decoded.done ? 'done' : 'more';
  }
}
