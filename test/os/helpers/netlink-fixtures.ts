// Builds netlink sock_diag datagrams byte by byte from the documented layouts
// (linux/netlink.h nlmsghdr, linux/inet_diag.h inet_diag_msg, rtattr), so decoder tests
// do not depend on the decoder's own constants being right.
import { isIPv6 } from 'node:net';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const SOCK_DIAG_BY_FAMILY = 20;
export const NLM_F_MULTI = 0x2;
export const NLM_F_DUMP_INTR = 0x10;
export const INET_DIAG_SKV6ONLY = 11;

/** One nlmsghdr + payload, padded to the 4-byte NLMSG_ALIGN boundary. */
export function nlmsg(options: {
  readonly type: number;
  readonly payload?: Buffer;
  readonly flags?: number;
  readonly seq?: number;
  /** Overrides nlmsg_len to fake a corrupt header. */
  readonly length?: number;
}): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const length = 16 + payload.length;
  const padded = Buffer.alloc((length + 3) & ~3);
  padded.writeUInt32LE(options.length ?? length, 0);
  padded.writeUInt16LE(options.type, 4);
  padded.writeUInt16LE(options.flags ?? NLM_F_MULTI, 6);
  padded.writeUInt32LE(options.seq ?? 1, 8);
  padded.writeUInt32LE(0, 12);
  payload.copy(padded, 16);
  return padded;
}

export function rtattr(type: number, data: Buffer): Buffer {
  const length = 4 + data.length;
  const padded = Buffer.alloc((length + 3) & ~3);
  padded.writeUInt16LE(length, 0);
  padded.writeUInt16LE(type, 2);
  data.copy(padded, 4);
  return padded;
}

export interface DiagSocket {
  readonly family?: number;
  readonly state?: number;
  readonly address: string;
  readonly port: number;
  readonly uid?: number;
  readonly inode?: number;
  readonly attributes?: readonly Buffer[];
}

/** struct inet_diag_msg (72 bytes) followed by its attributes. */
export function inetDiagMsg(socket: DiagSocket): Buffer {
  const family = socket.family ?? (isIPv6(socket.address) ? AF_INET6 : AF_INET);
  const message = Buffer.alloc(72);
  message[0] = family;
  message[1] = socket.state ?? 10;
  message.writeUInt16BE(socket.port, 4); // idiag_sport, network order
  message.writeUInt16BE(0, 6); // idiag_dport
  addressBytes(socket.address).copy(message, 8); // idiag_src
  message.writeUInt32LE(socket.uid ?? 1000, 64);
  message.writeUInt32LE(socket.inode ?? 4242, 68);
  return Buffer.concat([message, ...(socket.attributes ?? [])]);
}

export function diagMessage(socket: DiagSocket, seq = 1, flags = NLM_F_MULTI): Buffer {
  return nlmsg({ type: SOCK_DIAG_BY_FAMILY, payload: inetDiagMsg(socket), seq, flags });
}

export function doneMessage(seq = 1, status = 0): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeInt32LE(status, 0);
  return nlmsg({ type: NLMSG_DONE, payload, seq });
}

/** struct nlmsgerr: negative errno, then the request's header. */
export function errorMessage(seq: number, negativeErrno: number): Buffer {
  const payload = Buffer.alloc(4 + 16);
  payload.writeInt32LE(negativeErrno, 0);
  return nlmsg({ type: NLMSG_ERROR, payload, seq, flags: 0 });
}

/** Network-order bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal. */
export function addressBytes(address: string): Buffer {
  if (!isIPv6(address)) return Buffer.from(address.split('.').map(Number));
  let text = address;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    text = `${dotted[1]}0:0`;
    tail.push(...dotted[2]!.split('.').map(Number));
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...restGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  });
  if (tail.length === 4) Buffer.from(tail).copy(bytes, 12);
  return bytes;
}
