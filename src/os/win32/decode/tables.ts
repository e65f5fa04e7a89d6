// Pure decoders of the iphlpapi owner-pid tables (MINGW iprtrmib.h; x64, every field 4 bytes,
// align 4); offsets listed in docs/platforms.md ("Byte layouts and their sources"). Each
// table is `DWORD dwNumEntries` followed by fixed-size rows. Ports are the low 16 bits of a
// DWORD in network order: the upper 16 bits may be uninitialised, so only the first two bytes
// are read.
import type { Listener, ProcessSocket, Protocol } from '../../../core/ports.js';
import { describeAddress } from '../../shared/decode/address.js';

/** MIB_TCP_STATE_LISTEN (iprtrmib.h; MIB_TCP_STATE_CLOSED is 1). */
export const MIB_TCP_STATE_LISTEN = 2;

const ROWS_OFFSET = 4;

interface RowLayout {
  readonly protocol: Protocol;
  readonly stride: number;
  readonly addressOffset: number;
  readonly addressLength: 4 | 16;
  readonly portOffset: number;
  readonly pidOffset: number;
  /** Only TCP rows carry a state. */
  readonly stateOffset?: number;
}

/** MIB_TCPROW_OWNER_PID: dwState@0 dwLocalAddr@4 dwLocalPort@8 … dwOwningPid@20. */
export const TCP4_ROW: RowLayout = {
  protocol: 'tcp',
  stride: 24,
  stateOffset: 0,
  addressOffset: 4,
  addressLength: 4,
  portOffset: 8,
  pidOffset: 20,
};

/** MIB_TCP6ROW_OWNER_PID: ucLocalAddr@0 … dwLocalPort@20 … dwState@48 dwOwningPid@52. */
export const TCP6_ROW: RowLayout = {
  protocol: 'tcp',
  stride: 56,
  addressOffset: 0,
  addressLength: 16,
  portOffset: 20,
  stateOffset: 48,
  pidOffset: 52,
};

/** MIB_UDPROW_OWNER_PID: dwLocalAddr@0 dwLocalPort@4 dwOwningPid@8. */
export const UDP4_ROW: RowLayout = {
  protocol: 'udp',
  stride: 12,
  addressOffset: 0,
  addressLength: 4,
  portOffset: 4,
  pidOffset: 8,
};

/** MIB_UDP6ROW_OWNER_PID: ucLocalAddr@0 dwLocalScopeId@16 dwLocalPort@20 dwOwningPid@24. */
export const UDP6_ROW: RowLayout = {
  protocol: 'udp',
  stride: 28,
  addressOffset: 0,
  addressLength: 16,
  portOffset: 20,
  pidOffset: 24,
};

export const decodeTcp4Table = (buf: Buffer): readonly Listener[] => decodeTable(buf, TCP4_ROW);
export const decodeTcp6Table = (buf: Buffer): readonly Listener[] => decodeTable(buf, TCP6_ROW);
export const decodeUdp4Table = (buf: Buffer): readonly Listener[] => decodeTable(buf, UDP4_ROW);
export const decodeUdp6Table = (buf: Buffer): readonly Listener[] => decodeTable(buf, UDP6_ROW);

/**
 * Decodes the listening rows of one table. A `dwNumEntries` larger than the buffer can hold
 * (a stale size, a wrong table class) is cut to the rows that fit: never read past the end.
 * PID 0 is the Idle pseudo-process, never a real owner, so such rows carry no pid.
 */
export function decodeTable(buf: Buffer, layout: RowLayout): readonly Listener[] {
  if (buf.length < ROWS_OFFSET) return [];
  const declared = buf.readUInt32LE(0);
  const fitting = Math.floor((buf.length - ROWS_OFFSET) / layout.stride);
  const count = Math.min(declared, fitting);
  const listeners: Listener[] = [];
  for (let i = 0; i < count; i++) {
    const row = ROWS_OFFSET + i * layout.stride;
    if (
      layout.stateOffset !== undefined &&
      buf.readUInt32LE(row + layout.stateOffset) !== MIB_TCP_STATE_LISTEN
    ) {
      continue;
    }
    const port = buf.readUInt16BE(row + layout.portOffset);
    if (port === 0) continue;
    const local = describeAddress(
      layout.addressLength === 16 ? 'ipv6' : 'ipv4',
      buf,
      row + layout.addressOffset,
    );
    const pid = buf.readUInt32LE(row + layout.pidOffset);
    listeners.push({
      protocol: layout.protocol,
      family: local.family,
      address: local.address,
      port,
      ...(pid === 0 ? {} : { pid }),
    });
  }
  return listeners;
}

/** MIB_TCP_STATE (tcpmib.h) 1..12, named like the Linux states so both read alike. */
const TCP_STATE_NAMES: readonly (string | undefined)[] = [
  undefined,
  'CLOSE',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
  'DELETE_TCB',
];

/**
 * Every row of an owner-pid table (TCP_TABLE_OWNER_PID_ALL or UDP_TABLE_OWNER_PID) that
 * belongs to `pid`, in any state, for the detail view. UDP rows are bound endpoints; the
 * table does not say whether they are connected, so they carry no state.
 */
export function decodeSocketsOfPid(
  buf: Buffer,
  layout: RowLayout,
  pid: number,
): readonly ProcessSocket[] {
  if (buf.length < ROWS_OFFSET) return [];
  const count = Math.min(
    buf.readUInt32LE(0),
    Math.floor((buf.length - ROWS_OFFSET) / layout.stride),
  );
  const sockets: ProcessSocket[] = [];
  for (let i = 0; i < count; i++) {
    const row = ROWS_OFFSET + i * layout.stride;
    if (buf.readUInt32LE(row + layout.pidOffset) !== pid) continue;
    const local = describeAddress(
      layout.addressLength === 16 ? 'ipv6' : 'ipv4',
      buf,
      row + layout.addressOffset,
    );
    const state =
      layout.stateOffset === undefined
        ? undefined
        : TCP_STATE_NAMES[buf.readUInt32LE(row + layout.stateOffset)];
    sockets.push({
      protocol: layout.protocol,
      family: local.family,
      address: local.address,
      port: buf.readUInt16BE(row + layout.portOffset),
      ...(state === undefined ? {} : { state }),
    });
  }
  return sockets;
}
