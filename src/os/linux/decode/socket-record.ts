// The one shape both kernel sources (netlink sock_diag and /proc/net text) are decoded into,
// so the scanner can switch sources without touching anything downstream.
import type { Family } from '../../../core/ports.js';

/** TCP states as numbered by the kernel (include/net/tcp_states.h). */
export const TCP_STATE_CLOSE = 7;
export const TCP_STATE_LISTEN = 10;

/** One socket of the kernel's table, before it is attributed to a process. */
export interface SocketRecord {
  /**
   * The family a client must use to reach the socket: an AF_INET6 socket bound to an
   * IPv4-mapped address ('::ffff:a.b.c.d') only ever talks IPv4, so it counts as 'ipv4'.
   */
  readonly family: Family;
  /** Kernel TCP state; unconnected UDP sockets sit in CLOSE. */
  readonly state: number;
  /** As a user would type it: '127.0.0.1', '::1', '::'. */
  readonly address: string;
  readonly port: number;
  /** Owner of the socket (the creator's effective uid). */
  readonly uid: number;
  /** 0 for sockets without a file (TIME_WAIT, request sockets): nothing can own those. */
  readonly inode: number;
  /**
   * IPV6_V6ONLY of an AF_INET6 socket: false means a '::' listener also accepts IPv4.
   * Undefined when the source does not say (AF_INET sockets, /proc/net text).
   */
  readonly v6only?: boolean;
}
