// The one contract between pm and the operating system's socket tables. Everything outside
// src/native sees only these types; which OS call produced them is the backend's business.

export type Protocol = 'tcp' | 'udp';
export type Family = 'ipv4' | 'ipv6';

/** A socket that accepts traffic: a TCP socket in LISTEN, or a bound UDP socket. */
export interface Listener {
  readonly protocol: Protocol;
  readonly family: Family;
  /**
   * The local address as a user would type it: '127.0.0.1', '0.0.0.0', '::1', '::'.
   * IPv4-mapped IPv6 addresses are shown as their IPv4 form ('::ffff:127.0.0.1' -> '127.0.0.1').
   */
  readonly address: string;
  readonly port: number;
  /** Unknown when the OS hides it (another user's process without privileges). */
  readonly pid?: number;
  /** The kernel's name for the executable ('node', 'python3'): see `command` for the program. */
  readonly process?: string;
  readonly uid?: number;
  /**
   * The owner's argv, where the OS lets pm read it (Linux /proc, macOS KERN_PROCARGS2 for
   * the user's own processes, Windows where the process can be queried). Foreign text: the
   * process chose it, so sanitize before it reaches a terminal.
   */
  readonly command?: readonly string[];
}

export type ScanOutcome =
  | { readonly ok: true; readonly listeners: readonly Listener[] }
  | { readonly ok: false; readonly reason: string };

export interface ScanOptions {
  /**
   * Which listening ports need their owning process. Finding owners is the costly part of a
   * cold scan on Linux (a readlink per open file of every process), so a caller that shows
   * only its allocations asks only for those. Default: every port. Backends where the owner
   * comes for free may ignore it.
   */
  readonly attribute?: (port: number) => boolean;
}

export interface Scanner {
  /** Short stable name shown in the dashboard header and `pm doctor`, e.g. 'linux-netlink'. */
  readonly backend: string;
  /**
   * Reads the socket tables now. Never rejects for an OS-level failure: a backend that
   * cannot run resolves { ok: false, reason } and pm shows state "unknown".
   */
  scan(options?: ScanOptions): Promise<ScanOutcome>;
  /** Whether this backend can attribute sockets of other users' processes (for `pm doctor`). */
  seesOtherUsers?(): boolean;
  /** Releases cached resources (open handles, caches). Safe to call more than once. */
  dispose?(): void;
}
