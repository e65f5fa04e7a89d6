// Linux backend: the socket table from NETLINK_SOCK_DIAG (what `ss` uses), falling back to
// the /proc/net text tables where netlink is refused, and owners from /proc/<pid>/fd.
// This is the only module that loads koffi, and only once netlink is wanted: the /proc/net
// path needs no FFI, so a machine where koffi cannot load still gets a full scan.
//
// Addresses: a dual-stack listener (AF_INET6 on '::' without IPV6_V6ONLY, Node's default for
// server.listen(port)) is one socket that also accepts IPv4; it is reported once, as '::'
// with family 'ipv6', never as a second '0.0.0.0' row. IPv4-mapped binds
// ('::ffff:127.0.0.1') are reported as the IPv4 address, family 'ipv4'.
import { readFileSync } from 'node:fs';
import type {
  Family,
  Listener,
  Protocol,
  Scanner,
  ScanOptions,
  ScanOutcome,
} from '../../core/ports.js';
import { CommandLineCache, type CommandReader } from '../shared/command-lines.js';
import { decodeCmdline } from './decode/cmdline.js';
import { AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP } from './decode/netlink.js';
import { type SocketRecord, TCP_STATE_CLOSE, TCP_STATE_LISTEN } from './decode/socket-record.js';
import { type NetlinkLibc, SockDiagClient } from './netlink.js';
import { OwnerCacheFile, type OwnerMemory } from './owner-cache-file.js';
import { ProcNetReader } from './procfs.js';
import { commOf, socketHolders } from './socket-holders.js';
import { SocketOwnerResolver } from './socket-owner-resolver.js';

export interface LinuxScannerOptions {
  /** 'procfs' skips netlink; 'netlink' never falls back (PM_SCANNER). */
  readonly force?: 'procfs' | 'netlink';
  /** Stands in for libc so tests can play a kernel that misbehaves. */
  readonly libc?: NetlinkLibc;
  /** Reads a process's argv; tests count the calls. Defaults to /proc/<pid>/cmdline. */
  readonly readCommand?: CommandReader;
  /** Owners remembered between processes; default the per-user cache file, false for none. */
  readonly ownerMemory?: OwnerMemory | false;
  /** pm's private cache directory, for the owner cache file; without it owners stay in memory. */
  readonly cacheDirectory?: () => string;
}

/** argv from /proc/<pid>/cmdline; undefined when unreadable (hidepid, the process exited). */
export function readProcCommand(pid: number, procRoot = '/proc'): string[] | undefined {
  try {
    return decodeCmdline(readFileSync(`${procRoot}/${pid}/cmdline`));
  } catch {
    return undefined;
  }
}

interface SocketTable {
  readonly protocol: Protocol;
  readonly kernelFamily: number;
  readonly kernelProtocol: number;
  readonly family: Family;
  /** The /proc/net file with the same rows. */
  readonly file: string;
  readonly states: number;
}

// TCP sockets in LISTEN; UDP has no listen state, a bound unconnected socket sits in CLOSE.
const TCP_LISTENING = 1 << TCP_STATE_LISTEN;
const UDP_UNCONNECTED = 1 << TCP_STATE_CLOSE;

// One dump per (family, protocol). A dual-stack '::' socket appears only in the IPv6 table.
const TABLES: readonly SocketTable[] = [
  {
    protocol: 'tcp',
    kernelFamily: AF_INET,
    kernelProtocol: IPPROTO_TCP,
    family: 'ipv4',
    file: 'tcp',
    states: TCP_LISTENING,
  },
  {
    protocol: 'tcp',
    kernelFamily: AF_INET6,
    kernelProtocol: IPPROTO_TCP,
    family: 'ipv6',
    file: 'tcp6',
    states: TCP_LISTENING,
  },
  {
    protocol: 'udp',
    kernelFamily: AF_INET,
    kernelProtocol: IPPROTO_UDP,
    family: 'ipv4',
    file: 'udp',
    states: UDP_UNCONNECTED,
  },
  {
    protocol: 'udp',
    kernelFamily: AF_INET6,
    kernelProtocol: IPPROTO_UDP,
    family: 'ipv6',
    file: 'udp6',
    states: UDP_UNCONNECTED,
  },
];

const DUMP_QUERIES = TABLES.map((table) => ({
  family: table.kernelFamily,
  protocol: table.kernelProtocol,
  states: table.states,
}));

export function createLinuxScanner(options: LinuxScannerOptions = {}): Scanner {
  const force = options.force;
  const memory =
    options.ownerMemory ??
    (options.cacheDirectory ? new OwnerCacheFile({ directory: options.cacheDirectory() }) : false);
  const owners = new SocketOwnerResolver(memory ? { memory } : {});
  const procNet = new ProcNetReader();
  const commands = new CommandLineCache(options.readCommand ?? ((pid) => readProcCommand(pid)));
  let client: SockDiagClient | undefined;
  // Set once the kernel or sandbox has refused sock_diag for good; later scans go straight
  // to /proc/net instead of asking again every second.
  let netlinkRefused: string | undefined;
  let backend = force === 'procfs' ? 'linux-procfs' : 'linux-netlink';

  async function scanNetlink(attribute: Attribute, all = false): Promise<ScanOutcome | string> {
    try {
      client ??= new SockDiagClient(options.libc ?? (await bindLibc()));
    } catch (error) {
      netlinkRefused = `cannot call libc through koffi: ${describe(error)}`;
      return netlinkRefused;
    }
    const outcome = client.dump(DUMP_QUERIES);
    if (!outcome.ok) {
      if (outcome.permanent) netlinkRefused = outcome.reason;
      return outcome.reason;
    }
    backend = 'linux-netlink';
    return { ok: true, listeners: toListeners(outcome.records, owners, commands, attribute, all) };
  }

  function scanProcNet(
    netlinkProblem: string | undefined,
    attribute: Attribute,
    all = false,
  ): ScanOutcome {
    const outcome = procNet.read(TABLES);
    if (!outcome.ok) {
      const reason = netlinkProblem ? `${netlinkProblem}; ${outcome.reason}` : outcome.reason;
      return { ok: false, reason };
    }
    backend = 'linux-procfs';
    return { ok: true, listeners: toListeners(outcome.records, owners, commands, attribute, all) };
  }

  async function scanNow(attribute: Attribute, all = false): Promise<ScanOutcome> {
    if (force === 'procfs') return scanProcNet(undefined, attribute, all);
    const netlink = netlinkRefused ?? (await scanNetlink(attribute, all));
    if (typeof netlink !== 'string') return netlink;
    if (force === 'netlink') return { ok: false, reason: netlink };
    return scanProcNet(netlink, attribute, all);
  }

  return {
    get backend() {
      return backend;
    },
    async scan(options?: ScanOptions) {
      try {
        return await scanNow(options?.attribute, options?.allHolders === true);
      } catch (error) {
        return { ok: false, reason: `socket scan failed: ${describe(error)}` };
      }
    },
    seesOtherUsers: () => owners.seesOtherUsers,
    dispose() {
      owners.clear();
      commands.clear();
    },
  };
}

/** Joins each table's records with their owners; `groups[i]` holds the rows of TABLES[i]. */
type Attribute = ScanOptions['attribute'];

function toListeners(
  groups: readonly (readonly SocketRecord[])[],
  owners: SocketOwnerResolver,
  commands: CommandLineCache,
  attribute: Attribute,
  allHolders = false,
): Listener[] {
  const kept: SocketRecord[] = [];
  const protocols: Protocol[] = [];
  // /proc/net read in several pieces can repeat a row at the seam.
  const seenInodes = new Set<number>();
  for (let i = 0; i < groups.length; i++) {
    const protocol = TABLES[i]?.protocol;
    const group = groups[i];
    if (!protocol || !group) continue;
    for (const record of group) {
      // A UDP socket in CLOSE with port 0 was never bound: nothing can reach it.
      if (record.port === 0) continue;
      if (record.inode !== 0) {
        if (seenInodes.has(record.inode)) continue;
        seenInodes.add(record.inode);
      }
      kept.push(record);
      protocols.push(protocol);
    }
  }
  const ownerByInode = owners.resolve(
    attribute ? kept.filter((record) => attribute(record.port)) : kept,
    kept,
  );
  const listeners: Listener[] = new Array(kept.length);
  commands.beginScan();
  for (let i = 0; i < kept.length; i++) {
    const record = kept[i]!;
    const protocol = protocols[i]!;
    const owner = ownerByInode.get(record.inode);
    const { family, address, port, uid } = record;
    if (!owner) {
      listeners[i] = { protocol, family, address, port, uid };
      continue;
    }
    const { pid, process } = owner;
    const command = commands.get(pid, owner.startTime);
    listeners[i] = command
      ? { protocol, family, address, port, pid, process, uid, command }
      : { protocol, family, address, port, pid, process, uid };
  }
  commands.endScan();
  return allHolders ? withEveryHolder(listeners, kept, ownerByInode) : listeners;
}

/** Adds a Listener for each further process holding an attributed socket (socket-holders.ts). */
function withEveryHolder(
  listeners: Listener[],
  records: readonly SocketRecord[],
  ownerByInode: ReadonlyMap<number, { readonly pid: number }>,
): Listener[] {
  const inodes = new Set<number>();
  for (const record of records) if (ownerByInode.has(record.inode)) inodes.add(record.inode);
  const holders = socketHolders(inodes);
  const all: Listener[] = [];
  for (let i = 0; i < records.length; i++) {
    const listener = listeners[i]!;
    all.push(listener);
    const inode = records[i]!.inode;
    for (const pid of holders.get(inode) ?? []) {
      if (pid === ownerByInode.get(inode)?.pid) continue;
      const process = commOf(pid);
      const command = readProcCommand(pid);
      const { command: _first, process: _name, ...socket } = listener;
      all.push({
        ...socket,
        pid,
        ...(process !== undefined ? { process } : {}),
        ...(command !== undefined ? { command } : {}),
      });
    }
  }
  return all;
}

/** libc through koffi: RTLD_DEFAULT finds glibc and musl alike. */
async function bindLibc(): Promise<NetlinkLibc> {
  const koffi = (await import('koffi')).default;
  const libc = koffi.load(null);
  const socket = libc.func('int socket(int domain, int type, int protocol)');
  const sendto = libc.func(
    'intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)',
  );
  const recv = libc.func('intptr_t recv(int fd, void *buf, size_t len, int flags)');
  const close = libc.func('int close(int fd)');
  return {
    socket: (domain, type, protocol) => Number(socket(domain, type, protocol)),
    sendto: (fd, buf, length, flags, address, addressLength) =>
      Number(sendto(fd, buf, length, flags, address, addressLength)),
    recv: (fd, buf, length, flags) => Number(recv(fd, buf, length, flags)),
    close: (fd) => Number(close(fd)),
    errno: () => koffi.errno(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
