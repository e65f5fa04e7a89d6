// Drives NETLINK_SOCK_DIAG dumps over a small libc surface. The surface is an interface so
// that linux.ts can bind it with koffi and tests can stand in a fake kernel.
import { constants } from 'node:os';
import { buildSockDiagRequest, NLMSG_HDRLEN, SockDiagDumpAccumulator } from './decode/netlink.js';
import type { SocketRecord } from './decode/socket-record.js';

/** The libc calls a dump needs; return values and errno follow the C conventions. */
export interface NetlinkLibc {
  socket(domain: number, type: number, protocol: number): number;
  sendto(
    fd: number,
    buf: Buffer,
    length: number,
    flags: number,
    address: Buffer,
    addressLength: number,
  ): number;
  recv(fd: number, buf: Buffer, length: number, flags: number): number;
  close(fd: number): number;
  /** errno of the last failed call on this thread. */
  errno(): number;
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0x80000;
const NETLINK_SOCK_DIAG = 4;
// With MSG_TRUNC recv returns a datagram's real length, so truncation cannot go unnoticed.
const MSG_TRUNC = 0x20;
const EINTR = constants.errno.EINTR;
// ss never reads less than 32 KiB; the kernel sizes dump datagrams to at most 32 KiB.
const RECEIVE_BUFFER_BYTES = 64 * 1024;
// A dump the kernel flags as interrupted (the table changed under it) is retried this often
// before its possibly inconsistent result is accepted, as `ss` would show it.
const DUMP_ATTEMPTS = 3;

export interface DumpQuery {
  readonly family: number;
  readonly protocol: number;
  /** Bit mask of TCP states (1 << state). */
  readonly states: number;
}

export type NetlinkOutcome =
  | { readonly ok: true; readonly records: readonly (readonly SocketRecord[])[] }
  | {
      readonly ok: false;
      readonly reason: string;
      /** The kernel or sandbox refuses sock_diag: asking again next second will not help. */
      readonly permanent: boolean;
    };

/** Runs dumps over one netlink socket per call; keeps only its receive buffer between calls. */
export class SockDiagClient {
  private readonly receiveBuffer = Buffer.allocUnsafe(RECEIVE_BUFFER_BYTES);
  private readonly kernelAddress = Buffer.alloc(12);
  private seq = Math.floor(Math.random() * 0x7fffffff);

  constructor(private readonly libc: NetlinkLibc) {
    this.kernelAddress.writeUInt16LE(AF_NETLINK, 0); // nl_pid 0 = the kernel
  }

  /** One dump per query, in order; the records of query i are at index i. */
  dump(queries: readonly DumpQuery[]): NetlinkOutcome {
    const fd = this.libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
      const errno = this.libc.errno();
      return {
        ok: false,
        permanent: true,
        reason: `netlink sock_diag socket refused (${errnoName(errno)})`,
      };
    }
    try {
      const results: SocketRecord[][] = [];
      for (const query of queries) {
        const outcome = this.dumpOne(fd, query);
        if (!Array.isArray(outcome)) return outcome;
        results.push(outcome);
      }
      return { ok: true, records: results };
    } finally {
      this.libc.close(fd);
    }
  }

  private dumpOne(
    fd: number,
    query: DumpQuery,
  ): SocketRecord[] | Exclude<NetlinkOutcome, { ok: true }> {
    for (let attempt = 1; ; attempt++) {
      this.seq = (this.seq + 1) >>> 0;
      const request = buildSockDiagRequest(query.family, query.protocol, query.states, this.seq);
      const sent = this.retryingEintr(() =>
        this.libc.sendto(
          fd,
          request,
          request.length,
          0,
          this.kernelAddress,
          this.kernelAddress.length,
        ),
      );
      if (sent < 0) return this.failure('sending the sock_diag request', false);

      const dump = new SockDiagDumpAccumulator(this.seq);
      for (;;) {
        const received = this.retryingEintr(() =>
          this.libc.recv(fd, this.receiveBuffer, this.receiveBuffer.length, MSG_TRUNC),
        );
        if (received < 0) return this.failure('reading the sock_diag dump', false);
        if (received < NLMSG_HDRLEN) {
          return {
            ok: false,
            permanent: false,
            reason: `sock_diag dump ended early (${received} bytes read)`,
          };
        }
        if (received > this.receiveBuffer.length) {
          return {
            ok: false,
            permanent: false,
            reason: `sock_diag datagram of ${received} bytes did not fit the buffer`,
          };
        }
        const progress = dump.push(this.receiveBuffer, received);
        if (progress === 'done') break;
        if (progress === 'failed') {
          if (dump.error !== undefined) {
            // e.g. ENOENT when udp_diag is missing: this kernel will not answer next time either.
            return {
              ok: false,
              permanent: true,
              reason: `the kernel refused the sock_diag dump (${errnoName(dump.error)})`,
            };
          }
          return {
            ok: false,
            permanent: false,
            reason: `malformed sock_diag reply: ${dump.malformed}`,
          };
        }
      }
      if (!dump.interrupted || attempt >= DUMP_ATTEMPTS) return dump.records;
    }
  }

  private retryingEintr(call: () => number): number {
    for (;;) {
      const result = call();
      if (result >= 0 || this.libc.errno() !== EINTR) return result;
    }
  }

  private failure(what: string, permanent: boolean): Exclude<NetlinkOutcome, { ok: true }> {
    return { ok: false, permanent, reason: `${what} failed (${errnoName(this.libc.errno())})` };
  }
}

const errnoNames = new Map<number, string>(
  Object.entries(constants.errno).map(([name, value]) => [value, name]),
);

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}
