// Pure decoder of the macOS `net.inet.{tcp,udp}.pcblist_n` sysctl byte stream.
// Layouts and the walk mirror Apple's own netstat (network_cmds netstat.tproj/inet.c) and
// XNU bsd/netinet/in_pcblist.c; every offset below is listed with its
// header in docs/platforms.md, "Byte layouts and their sources".
// The stream is walked by each record's own length, so kernels whose structs grew (or were
// shorter, before macOS 13) decode the same way; a field is read only when its record covers it.
import type { Listener, Protocol } from '../../../core/ports.js';
import { describeAddress, type LocalAddress } from '../../shared/decode/address.js';

/** Record kinds (`xgn_kind`) of the sub-records that make up one PCB item. */
const XSO_SOCKET = 0x001;
const XSO_RCVBUF = 0x002;
const XSO_SNDBUF = 0x004;
const XSO_STATS = 0x008;
const XSO_INPCB = 0x010;
const XSO_TCPCB = 0x020;
const ALL_KINDS_UDP = XSO_INPCB | XSO_SOCKET | XSO_RCVBUF | XSO_SNDBUF | XSO_STATS;
const ALL_KINDS_TCP = ALL_KINDS_UDP | XSO_TCPCB;

/** sizeof(struct xinpgen): the header and the trailer; any record this short ends the walk. */
const XINPGEN_SIZE = 24;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const AF_INET = 2;
const AF_INET6 = 30;
const INP_IPV4 = 0x1;
const INP_IPV6 = 0x2;
const TCPS_LISTEN = 1;

// struct xinpcb_n (pack 4)
const INP_FPORT = 16;
const INP_LPORT = 18;
const INP_GENCNT = 28;
const INP_VFLAG = 44;
const INP_LADDR = 64;
const INP_LADDR_V4 = INP_LADDR + 12;
// struct xsocket_n (pack 4); everything used here exists since OS X 10.10 (76-byte record)
const XSO_SO = 8;
const XSO_PROTOCOL = 36;
const XSO_FAMILY = 40;
const SO_UID = 64;
const SO_LAST_PID = 68;
const SO_E_PID = 72;
// struct xtcpcb_n
const T_STATE = 36;

/** One decoded PCB: the listener plus the kernel's socket handle, to join with libproc. */
export interface PcbSocket {
  readonly listener: Listener;
  /**
   * `xso_so` (VM_KERNEL_ADDRHASH of the socket); libproc's `soi_so` is made by the same macro,
   * so equal handles should mean the same socket. 0n when the record does not carry it.
   */
  readonly socketHandle: bigint;
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Decodes one pcblist_n stream. `protocol` selects which sockets count as listeners: TCP
 * sockets in LISTEN, or UDP sockets bound to a local port and not connected. Never throws and
 * never reads outside `buf`: a truncated or malformed stream yields the PCBs decoded so far.
 */
export function decodePcbList(buf: Uint8Array, protocol: Protocol): readonly PcbSocket[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.byteLength < XINPGEN_SIZE) return [];
  const headerLength = view.getUint32(0, true);
  if (headerLength < XINPGEN_SIZE) return [];
  // PCBs created after the copy-out started carry a newer generation and may be half-built.
  const generation = view.getBigUint64(8, true);
  const wanted = protocol === 'tcp' ? ALL_KINDS_TCP : ALL_KINDS_UDP;

  const sockets: PcbSocket[] = [];
  let seen = 0;
  const records = new Map<number, SubRecord>();
  let offset = roundUp8(headerLength);
  while (offset + 8 <= view.byteLength) {
    const length = view.getUint32(offset, true);
    const kind = view.getUint32(offset + 4, true);
    if (length <= XINPGEN_SIZE) break; // the trailer, or a zero length that would loop forever
    if (offset + length > view.byteLength) break; // truncated copy-out
    // An inpcb record always opens a new PCB item: restarting here means an item that lost a
    // sub-record cannot swallow the records of the next one.
    if (kind === XSO_INPCB) {
      seen = 0;
      records.clear();
    }
    if ((wanted & kind) !== 0 && (seen & kind) === 0) {
      seen |= kind;
      records.set(kind, { offset, length });
    }
    offset += roundUp8(length);
    if (seen !== wanted) continue;
    seen = 0;
    const decoded = decodeItem(view, records, protocol, generation);
    records.clear();
    if (decoded) sockets.push(decoded);
  }
  return sockets;
}

interface SubRecord {
  readonly offset: number;
  readonly length: number;
}

function decodeItem(
  view: DataView,
  records: ReadonlyMap<number, SubRecord>,
  protocol: Protocol,
  generation: bigint,
): PcbSocket | undefined {
  const inp = records.get(XSO_INPCB);
  const so = records.get(XSO_SOCKET);
  if (!inp || !so) return undefined;
  const field = (record: SubRecord, at: number, size: number): number | undefined =>
    at + size <= record.length ? record.offset + at : undefined;

  const protocolAt = field(so, XSO_PROTOCOL, 4);
  if (protocolAt === undefined) return undefined;
  const expected = protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  if (view.getInt32(protocolAt, true) !== expected) return undefined;

  // The address is the last inpcb field needed; a record too short for it cannot be trusted.
  if (field(inp, INP_LADDR, 16) === undefined) return undefined;
  if (view.getBigUint64(inp.offset + INP_GENCNT, true) > generation) return undefined;

  const port = view.getUint16(inp.offset + INP_LPORT, false);
  if (port === 0) return undefined;
  if (protocol === 'tcp') {
    const tcp = records.get(XSO_TCPCB);
    const stateAt = tcp && field(tcp, T_STATE, 4);
    if (stateAt === undefined || view.getInt32(stateAt, true) !== TCPS_LISTEN) return undefined;
  } else if (view.getUint16(inp.offset + INP_FPORT, false) !== 0) {
    return undefined; // a connected UDP socket is not something a peer can reach
  }

  const familyAt = field(so, XSO_FAMILY, 4);
  const local = decodeLocalAddress(
    view,
    inp.offset,
    view.getUint8(inp.offset + INP_VFLAG),
    familyAt === undefined ? undefined : view.getInt32(familyAt, true),
  );
  if (!local) return undefined;

  const uidAt = field(so, SO_UID, 4);
  const pid = ownerPid(view, so, field);
  const handleAt = field(so, XSO_SO, 8);
  const listener: Listener = {
    protocol,
    family: local.family,
    address: local.address,
    port,
    ...(pid === undefined ? {} : { pid }),
    ...(uidAt === undefined ? {} : { uid: view.getUint32(uidAt, true) }),
  };
  return {
    listener,
    socketHandle: handleAt === undefined ? 0n : view.getBigUint64(handleAt, true),
  };
}

/**
 * `so_last_pid` is the process that last made a socket call on it; Apple's `netstat -anv`
 * shows exactly this. It is 0 for sockets the kernel created itself; then `so_e_pid` (the
 * effective owner, differs only for delegated sockets) is the next best answer. 0 = unknown.
 */
function ownerPid(
  view: DataView,
  so: SubRecord,
  field: (record: SubRecord, at: number, size: number) => number | undefined,
): number | undefined {
  for (const at of [SO_LAST_PID, SO_E_PID]) {
    const pidAt = field(so, at, 4);
    if (pidAt === undefined) continue;
    const pid = view.getInt32(pidAt, true);
    if (pid > 0) return pid;
  }
  return undefined;
}

/**
 * Chooses the address by `inp_vflag`, not by the socket family: an AF_INET6 socket bound to
 * a v4-mapped address is flagged IPv4 and stores the IPv4 form. IPv6 is tested first so a
 * dual-stack wildcard (vflag IPV4|IPV6, netstat's "tcp46") reads as '::', which is what the
 * program asked for and what users see in their own code.
 */
function decodeLocalAddress(
  view: DataView,
  inpOffset: number,
  vflag: number,
  socketFamily: number | undefined,
): LocalAddress | undefined {
  const isIpv6 =
    (vflag & INP_IPV6) !== 0 || ((vflag & INP_IPV4) === 0 && socketFamily === AF_INET6);
  const isIpv4 = !isIpv6 && ((vflag & INP_IPV4) !== 0 || socketFamily === AF_INET);
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (isIpv6) return describeAddress('ipv6', bytes, inpOffset + INP_LADDR);
  if (isIpv4) return describeAddress('ipv4', bytes, inpOffset + INP_LADDR_V4);
  return undefined;
}
