// Pure decoders of the libproc structs pm reads on macOS (XNU bsd/sys/proc_info.h); offsets
// listed in docs/platforms.md, "Byte layouts and their sources". libproc reports the number of
// bytes it wrote, and the only trustworthy answer is the full struct size: anything else
// leaves the buffer stale.
import type { Listener, ProcessSocket, Protocol } from '../../../core/ports.js';
import { describeAddress } from '../../shared/decode/address.js';

/** sizeof(struct socket_fdinfo) = proc_fileinfo (24) + socket_info (768). */
export const SOCKET_FDINFO_SIZE = 792;
/** sizeof(struct proc_bsdshortinfo). */
export const BSD_SHORT_INFO_SIZE = 64;
/** sizeof(struct proc_fdinfo): {int32 proc_fd; uint32 proc_fdtype}. */
export const PROC_FDINFO_SIZE = 8;
export const PROX_FDTYPE_SOCKET = 2;

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const AF_INET = 2;
const AF_INET6 = 30;
const SOCKINFO_IN = 1;
const SOCKINFO_TCP = 2;
const INI_IPV4 = 0x1;
const INI_IPV6 = 0x2;

// Absolute offsets inside struct socket_fdinfo.
const VST_UID = 40;
const SOI_SO = 160;
const SOI_PROTOCOL = 180;
const SOI_FAMILY = 184;
const SOI_KIND = 256;
const INSI_FPORT = 264;
const INSI_LPORT = 268;
const INSI_VFLAG = 288;
const INSI_LADDR = 312;
const INSI_LADDR_V4 = INSI_LADDR + 12;
const TCPSI_STATE = 344;

// struct proc_bsdshortinfo
const PBSI_PID = 0;
const PBSI_PPID = 4;
const PBSI_COMM = 16;
const PBSI_COMM_SIZE = 16;
const PBSI_UID = 36;

/** A listening socket found through one process's file descriptors. */
export interface FdSocket {
  readonly listener: Listener;
  /** `soi_so`: same kernel hash as pcblist_n's `xso_so` for the same socket. */
  readonly socketHandle: bigint;
}

/**
 * Decodes a PROC_PIDFDSOCKETINFO answer into a listener, or undefined when the call failed
 * (`returned` is not 792), the socket is not an internet socket, or it is not listening
 * (TCP in LISTEN, or UDP bound and unconnected).
 */
export function decodeSocketFdInfo(
  buf: Buffer,
  returned: number,
  pid: number,
): FdSocket | undefined {
  const endpoint = decodeSocketEndpoint(buf, returned);
  if (!endpoint || endpoint.port === 0) return undefined;
  const listening =
    (endpoint.protocol === 'tcp' && endpoint.state === 'LISTEN') ||
    (endpoint.protocol === 'udp' && endpoint.state === 'UNCONN');
  if (!listening) return undefined;
  return {
    listener: {
      protocol: endpoint.protocol,
      family: endpoint.family,
      address: endpoint.address,
      port: endpoint.port,
      pid,
      uid: buf.readUInt32LE(VST_UID),
    },
    socketHandle: buf.readBigUInt64LE(SOI_SO),
  };
}

/** The local address; as in pcblist_n, the vflag, not the family, says where it lives. */
function localAddress(buf: Buffer, family: number): ReturnType<typeof describeAddress> {
  const vflag = buf.readUInt8(INSI_VFLAG);
  const isIpv6 = (vflag & INI_IPV6) !== 0 || ((vflag & INI_IPV4) === 0 && family === AF_INET6);
  return isIpv6
    ? describeAddress('ipv6', buf, INSI_LADDR)
    : describeAddress('ipv4', buf, INSI_LADDR_V4);
}

/** TSI_S_* (proc_info.h), named like the Linux states so both read alike. */
const TCP_STATE_NAMES: readonly string[] = [
  'CLOSE',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'CLOSE_WAIT',
  'FIN_WAIT1',
  'CLOSING',
  'LAST_ACK',
  'FIN_WAIT2',
  'TIME_WAIT',
];

/**
 * Any internet socket of a PROC_PIDFDSOCKETINFO answer, listening or not, for the detail
 * view; undefined unless the call wrote all 792 bytes and the socket is TCP or UDP over
 * IPv4/IPv6. UDP is 'CONNECTED' when it has a foreign port, else 'UNCONN'.
 */
export function decodeSocketEndpoint(buf: Buffer, returned: number): ProcessSocket | undefined {
  if (returned !== SOCKET_FDINFO_SIZE || buf.length < SOCKET_FDINFO_SIZE) return undefined;
  const family = buf.readInt32LE(SOI_FAMILY);
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  const kind = buf.readInt32LE(SOI_KIND);
  const protocolNumber = buf.readInt32LE(SOI_PROTOCOL);
  let protocol: Protocol;
  let state: string | undefined;
  if (protocolNumber === IPPROTO_TCP && (kind === SOCKINFO_TCP || kind === SOCKINFO_IN)) {
    protocol = 'tcp';
    if (kind === SOCKINFO_TCP) state = TCP_STATE_NAMES[buf.readInt32LE(TCPSI_STATE)];
  } else if (protocolNumber === IPPROTO_UDP && kind === SOCKINFO_IN) {
    protocol = 'udp';
    state = buf.readUInt16BE(INSI_FPORT) === 0 ? 'UNCONN' : 'CONNECTED';
  } else {
    return undefined;
  }
  const local = localAddress(buf, family);
  return {
    protocol,
    family: local.family,
    address: local.address,
    port: buf.readUInt16BE(INSI_LPORT),
    ...(state === undefined ? {} : { state }),
  };
}

export interface BsdShortInfo {
  readonly pid: number;
  readonly ppid: number;
  /** `pbsi_comm`: the executable name, cut to 15 bytes by the kernel. */
  readonly command: string;
  readonly uid: number;
}

/** Decodes a PROC_PIDT_SHORTBSDINFO answer; undefined unless the call wrote all 64 bytes. */
export function decodeBsdShortInfo(buf: Buffer, returned: number): BsdShortInfo | undefined {
  if (returned !== BSD_SHORT_INFO_SIZE || buf.length < BSD_SHORT_INFO_SIZE) return undefined;
  return {
    pid: buf.readInt32LE(PBSI_PID),
    ppid: buf.readInt32LE(PBSI_PPID),
    command: readCString(buf, PBSI_COMM, PBSI_COMM_SIZE),
    uid: buf.readUInt32LE(PBSI_UID),
  };
}

/** A PROC_PIDLISTFDS answer: the descriptors of one process that are sockets. */
export function decodeSocketFds(buf: Buffer, returned: number): readonly number[] {
  const usable = Math.min(Math.max(returned, 0), buf.length);
  const fds: number[] = [];
  for (let at = 0; at + PROC_FDINFO_SIZE <= usable; at += PROC_FDINFO_SIZE) {
    if (buf.readUInt32LE(at + 4) === PROX_FDTYPE_SOCKET) fds.push(buf.readInt32LE(at));
  }
  return fds;
}

/** A proc_listpids answer: pids as int32; the kernel pads the tail with zeros. */
export function decodePidList(buf: Buffer, returned: number): readonly number[] {
  const usable = Math.min(Math.max(returned, 0), buf.length);
  const pids: number[] = [];
  for (let at = 0; at + 4 <= usable; at += 4) {
    const pid = buf.readInt32LE(at);
    if (pid > 0) pids.push(pid);
  }
  return pids;
}

/**
 * Reads a NUL-terminated UTF-8 string of at most `maxLength` bytes at `offset`; a missing
 * terminator ends the string at the limit or at the end of the buffer.
 */
export function readCString(buf: Buffer, offset = 0, maxLength = buf.length - offset): string {
  const start = Math.min(Math.max(offset, 0), buf.length);
  const limit = Math.min(start + Math.max(maxLength, 0), buf.length);
  const nul = buf.indexOf(0, start);
  const end = nul === -1 || nul > limit ? limit : nul;
  return buf.toString('utf8', start, end);
}
