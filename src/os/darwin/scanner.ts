// macOS backend: the socket list comes from the `net.inet.{tcp,udp}.pcblist_n` sysctls, which
// any user may read and which cover every user's sockets; names come from libproc calls that
// work across users (proc_pidpath, PROC_PIDT_SHORTBSDINFO). Only this module and its loader
// touch koffi; the scan logic runs against the DarwinBinding interface so it can be exercised
// on any OS with a fake. Layouts and sources: docs/platforms.md.
import { posix } from 'node:path';
import koffi from 'koffi';
import type { Listener, Protocol, Scanner, ScanOptions, ScanOutcome } from '../../core/ports.js';
import { CommandLineCache } from '../shared/command-lines.js';
import { readBsdInfo, readProcArgs } from './args.js';
import { decodePcbList, type PcbSocket } from './decode/pcblist.js';
import {
  BSD_SHORT_INFO_SIZE,
  decodeBsdShortInfo,
  decodePidList,
  decodeSocketFdInfo,
  decodeSocketFds,
  readCString,
  SOCKET_FDINFO_SIZE,
} from './decode/proc.js';

export const DARWIN_BACKEND = 'darwin-sysctl';
export const LIBSYSTEM_PATH = '/usr/lib/libSystem.B.dylib';

/** The libSystem calls the scanner makes, as thin as the C functions themselves. */
export interface DarwinBinding {
  /** sysctlbyname(name, oldp, oldlenp, NULL, 0); `oldlenp` is an 8-byte size_t buffer. */
  sysctlbyname(name: string, oldp: Buffer | null, oldlenp: Buffer): number;
  /** errno of the calling thread; valid only right after the failing call. */
  errno(): number;
  proc_listpids(type: number, typeinfo: number, buffer: Buffer | null, size: number): number;
  proc_pidinfo(
    pid: number,
    flavor: number,
    arg: number,
    buffer: Buffer | null,
    size: number,
  ): number;
  proc_pidfdinfo(pid: number, fd: number, flavor: number, buffer: Buffer, size: number): number;
  proc_pidpath(pid: number, buffer: Buffer, size: number): number;
  proc_name(pid: number, buffer: Buffer, size: number): number;
  /** proc_listchildpids(ppid, buffer, size): a pid COUNT (not bytes); for the process tree. */
  proc_listchildpids?(ppid: number, buffer: Buffer | null, size: number): number;
  /**
   * sysctl(mib, count, oldp, oldlenp, NULL, 0) with `mib` a Buffer of int32s; for
   * KERN_PROCARGS2. Optional: without it command lines are not read.
   */
  sysctl?(mib: Buffer, count: number, oldp: Buffer | null, oldlenp: Buffer): number;
  /** getpwuid(uid)->pw_name; for the detail view. */
  userName?(uid: number): string | undefined;
}

/** C prototypes as koffi parses them (XNU bsd/sys/sysctl.h, libsyscall/.../libproc.h). */
export const DARWIN_PROTOTYPES = {
  sysctlbyname:
    'int sysctlbyname(const char *name, void *oldp, void *oldlenp, void *newp, size_t newlen)',
  proc_listpids:
    'int proc_listpids(uint32_t type, uint32_t typeinfo, void *buffer, int buffersize)',
  proc_pidinfo: 'int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int buffersize)',
  proc_pidfdinfo: 'int proc_pidfdinfo(int pid, int fd, int flavor, void *buffer, int buffersize)',
  proc_pidpath: 'int proc_pidpath(int pid, void *buffer, uint32_t buffersize)',
  proc_name: 'int proc_name(int pid, void *buffer, uint32_t buffersize)',
  proc_listchildpids: 'int proc_listchildpids(int ppid, void *buffer, int buffersize)',
  sysctl:
    'int sysctl(void *name, uint32_t namelen, void *oldp, void *oldlenp, void *newp, size_t newlen)',
  getpwuid: 'void *getpwuid(uint32_t uid)',
} as const;

/**
 * Loads libSystem (or, in the contract tests, a library exporting the same symbols). Throws
 * when it is absent (any OS but macOS). `prototypes` is replaceable only so that the contract
 * tests can prove a wrong declaration fails them.
 */
export function loadDarwinLibc(
  path: string = LIBSYSTEM_PATH,
  prototypes: Readonly<Record<keyof typeof DARWIN_PROTOTYPES, string>> = DARWIN_PROTOTYPES,
): DarwinBinding {
  const lib = koffi.load(path);
  const sysctlbyname = lib.func(prototypes.sysctlbyname);
  const proc_listpids = lib.func(prototypes.proc_listpids);
  const proc_pidinfo = lib.func(prototypes.proc_pidinfo);
  const proc_pidfdinfo = lib.func(prototypes.proc_pidfdinfo);
  const proc_pidpath = lib.func(prototypes.proc_pidpath);
  const proc_name = lib.func(prototypes.proc_name);
  const proc_listchildpids = lib.func(prototypes.proc_listchildpids);
  const sysctl = lib.func(prototypes.sysctl);
  // struct passwd starts with `char *pw_name` (<pwd.h>); nothing after it is read.
  const passwdHead = koffi.struct({ pw_name: 'const char *' });
  const getpwuid = lib.func(prototypes.getpwuid);
  return {
    sysctlbyname: (name, oldp, oldlenp) => sysctlbyname(name, oldp, oldlenp, null, 0),
    errno: () => koffi.errno(),
    proc_listpids: (type, typeinfo, buffer, size) => proc_listpids(type, typeinfo, buffer, size),
    proc_pidinfo: (pid, flavor, arg, buffer, size) => proc_pidinfo(pid, flavor, arg, buffer, size),
    proc_pidfdinfo: (pid, fd, flavor, buffer, size) =>
      proc_pidfdinfo(pid, fd, flavor, buffer, size),
    proc_pidpath: (pid, buffer, size) => proc_pidpath(pid, buffer, size),
    proc_name: (pid, buffer, size) => proc_name(pid, buffer, size),
    proc_listchildpids: (ppid, buffer, size) => proc_listchildpids(ppid, buffer, size),
    sysctl: (mib, count, oldp, oldlenp) => sysctl(mib, count, oldp, oldlenp, null, 0),
    userName: (uid) => {
      const entry = getpwuid(uid);
      if (entry === null) return undefined;
      const name = koffi.decode(entry, passwdHead) as { pw_name: string | null };
      return name.pw_name ?? undefined;
    },
  };
}

// errno values (XNU bsd/sys/errno.h)
const EPERM = 1;
const ENOENT = 2;
const ENOMEM = 12;
const EACCES = 13;
const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  9: 'EBADF',
  12: 'ENOMEM',
  13: 'EACCES',
  22: 'EINVAL',
};

// libproc constants (XNU bsd/sys/proc_info.h)
const PROC_ALL_PIDS = 1;
const PROC_PIDLISTFDS = 1;
const PROC_PIDT_SHORTBSDINFO = 13;
const PROC_PIDFDSOCKETINFO = 3;
/** PROC_PIDPATHINFO_MAXSIZE; proc_pidpath refuses buffers under 1024 or over 4096. */
const PATH_BUFFER_SIZE = 4096;
/** proc_name needs at least 32 bytes (pbi_name) or fails with ENOMEM. */
const NAME_BUFFER_SIZE = 64;

export const PCBLIST_SYSCTL: Readonly<Record<Protocol, string>> = {
  tcp: 'net.inet.tcp.pcblist_n',
  udp: 'net.inet.udp.pcblist_n',
};
/** Size query + fetch rounds before giving up on a table that keeps outgrowing its buffer. */
export const SYSCTL_MAX_ATTEMPTS = 5;

type SysctlRead = { readonly ok: true; readonly bytes: Buffer } | SysctlFailure;
interface SysctlFailure {
  readonly ok: false;
  readonly errno: number;
  readonly attempts: number;
}

/**
 * Two-phase read, as netstat does: ask for the size (the kernel's estimate already includes
 * n/8 slack), then fetch. ENOMEM on the fetch means the table outgrew the buffer in between,
 * so ask again with more slack each round.
 */
export function readSysctl(binding: DarwinBinding, name: string): SysctlRead {
  const length = Buffer.alloc(8);
  for (let attempt = 1; attempt <= SYSCTL_MAX_ATTEMPTS; attempt++) {
    length.writeBigUInt64LE(0n, 0);
    if (binding.sysctlbyname(name, null, length) !== 0) {
      return { ok: false, errno: binding.errno(), attempts: attempt };
    }
    const estimate = Number(length.readBigUInt64LE(0));
    if (estimate === 0) return { ok: true, bytes: Buffer.alloc(0) };
    const capacity = estimate + Math.ceil(estimate / 8) * (attempt - 1);
    // Only the bytes the kernel reports as written are ever read, so no need to zero-fill.
    const buf = Buffer.allocUnsafe(capacity);
    length.writeBigUInt64LE(BigInt(capacity), 0);
    if (binding.sysctlbyname(name, buf, length) === 0) {
      const written = Math.min(Number(length.readBigUInt64LE(0)), capacity);
      return { ok: true, bytes: buf.subarray(0, written) };
    }
    const errno = binding.errno();
    if (errno !== ENOMEM) return { ok: false, errno, attempts: attempt };
  }
  return { ok: false, errno: ENOMEM, attempts: SYSCTL_MAX_ATTEMPTS };
}

function describeSysctlFailure(name: string, failure: SysctlFailure): string {
  const code = `${ERRNO_NAMES[failure.errno] ?? 'errno'} ${failure.errno}`;
  switch (failure.errno) {
    case EPERM:
    case EACCES:
      return `macOS refused to list sockets: sysctl ${name} failed (${code}); a sandbox or security policy is blocking pm`;
    case ENOENT:
      return `this macOS kernel has no sysctl ${name} (${code}); socket listing is not available`;
    case ENOMEM:
      return `the socket table kept growing while it was read: sysctl ${name} still failed (${code}) after ${failure.attempts} attempts; try again`;
    default:
      return `sysctl ${name} failed (${code})`;
  }
}

/** `binding` defaults to the real libSystem, loaded now; a load failure yields a scanner
 * whose scans resolve { ok: false } instead of a throw. */
/** `binding`: a loaded binding, or a loader that throws when the library is absent. */
export function createDarwinScanner(binding?: DarwinBinding | (() => DarwinBinding)): Scanner {
  let libc: DarwinBinding;
  try {
    libc = typeof binding === 'function' ? binding() : (binding ?? loadDarwinLibc());
  } catch (error) {
    const reason = `could not load ${LIBSYSTEM_PATH}: ${error instanceof Error ? error.message : String(error)}`;
    return {
      backend: DARWIN_BACKEND,
      scan: async () => ({ ok: false, reason }),
      seesOtherUsers: () => false,
    };
  }
  // Sockets the libproc pass could not attribute last time: its cost (a call per process) is
  // paid once per such socket, not on every dashboard refresh.
  const unattributable = new Set<string>();
  const commands = new CommandLineCache((pid) => {
    const args = readProcArgs(libc, pid);
    return args.ok ? args.value.argv : undefined;
  });
  return {
    backend: DARWIN_BACKEND,
    scan: async (options?: ScanOptions) => {
      try {
        return scanDarwin(libc, unattributable, commands, options?.attribute);
      } catch (error) {
        return {
          ok: false,
          reason: `macOS scan failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },
    // pcblist_n lists every user's sockets, and proc_pidpath / SHORTBSDINFO name any pid.
    // The pid is the socket's last accessor, which after fork or launchd hand-off may be the
    // parent or launchd rather than the process serving the port.
    seesOtherUsers: () => true,
    dispose: () => {
      unattributable.clear();
      commands.clear();
    },
  };
}

function scanDarwin(
  libc: DarwinBinding,
  unattributable: Set<string>,
  commands: CommandLineCache,
  attribute: ScanOptions['attribute'],
): ScanOutcome {
  const tcp = readSysctl(libc, PCBLIST_SYSCTL.tcp);
  if (!tcp.ok) return { ok: false, reason: describeSysctlFailure(PCBLIST_SYSCTL.tcp, tcp) };
  // UDP is the lesser half (docs/platforms.md): its failure must not hide the TCP listeners.
  const udp = readSysctl(libc, PCBLIST_SYSCTL.udp);
  const sockets = [
    ...decodePcbList(tcp.bytes, 'tcp'),
    ...(udp.ok ? decodePcbList(udp.bytes, 'udp') : []),
  ];
  const pids = attributeUnownedSockets(libc, sockets, unattributable);
  const names = new ProcessNames(libc);
  commands.beginScan();
  const listeners = sockets.map((socket, index): Listener => {
    const pid = socket.listener.pid ?? pids.get(index);
    if (pid === undefined) return socket.listener;
    const process = names.get(pid);
    const command = attribute && !attribute(socket.listener.port) ? undefined : commandOf(pid);
    return {
      ...socket.listener,
      pid,
      ...(process === undefined ? {} : { process }),
      ...(command === undefined ? {} : { command }),
    };
  });
  commands.endScan();
  return { ok: true, listeners };

  /**
   * argv of a listener's process, read once per pid + start time. The start time needs
   * PROC_PIDTBSDINFO, which like KERN_PROCARGS2 answers only for the user's own processes:
   * for others that one call fails (KERN_PROCARGS2 is never tried) and the kernel name shows.
   */
  function commandOf(pid: number): readonly string[] | undefined {
    if (!libc.sysctl) return undefined;
    const bsd = readBsdInfo(libc, pid);
    return bsd.ok ? commands.get(pid, String(bsd.value.startTime)) : undefined;
  }
}

const endpointKey = (l: Listener): string => `${l.protocol} ${l.family} [${l.address}]:${l.port}`;
const socketKey = (s: PcbSocket): string =>
  s.socketHandle === 0n ? endpointKey(s.listener) : `so ${s.socketHandle}`;

/**
 * For sockets whose pcblist record names no pid (created in the kernel, or the record is
 * from a kernel that lacks the field), walks the file descriptors of every process libproc
 * lets us inspect (our own uid, or all when root) and finds the one holding the socket.
 * Matches on the kernel socket handle, or on the endpoint when only one socket has it.
 * Returns socket index -> pid.
 */
function attributeUnownedSockets(
  libc: DarwinBinding,
  sockets: readonly PcbSocket[],
  unattributable: Set<string>,
): Map<number, number> {
  const found = new Map<number, number>();
  const currentKeys = new Set(sockets.map(socketKey));
  for (const key of unattributable) if (!currentKeys.has(key)) unattributable.delete(key);

  const byHandle = new Map<bigint, number>();
  const byEndpoint = new Map<string, number>();
  const endpointCounts = new Map<string, number>();
  for (const socket of sockets) {
    const key = endpointKey(socket.listener);
    endpointCounts.set(key, (endpointCounts.get(key) ?? 0) + 1);
  }
  sockets.forEach((socket, index) => {
    if (socket.listener.pid !== undefined || unattributable.has(socketKey(socket))) return;
    if (socket.socketHandle !== 0n) byHandle.set(socket.socketHandle, index);
    const key = endpointKey(socket.listener);
    if (endpointCounts.get(key) === 1) byEndpoint.set(key, index);
  });
  const wanted = new Set([...byHandle.values(), ...byEndpoint.values()]);
  if (wanted.size === 0) return found;

  const fdInfo = Buffer.alloc(SOCKET_FDINFO_SIZE);
  search: for (const pid of listPids(libc)) {
    for (const fd of listSocketFds(libc, pid)) {
      const returned = libc.proc_pidfdinfo(pid, fd, PROC_PIDFDSOCKETINFO, fdInfo, fdInfo.length);
      const socket = decodeSocketFdInfo(fdInfo, returned, pid);
      if (!socket) continue;
      const index =
        byHandle.get(socket.socketHandle) ?? byEndpoint.get(endpointKey(socket.listener));
      if (index === undefined || !wanted.has(index)) continue;
      found.set(index, pid);
      wanted.delete(index);
      if (wanted.size === 0) break search;
    }
  }
  for (const index of wanted) {
    const socket = sockets[index];
    if (socket) unattributable.add(socketKey(socket));
  }
  return found;
}

/** All pids; libproc returns bytes (0 on error) and zero-pads the tail. */
function listPids(libc: DarwinBinding): readonly number[] {
  const size = libc.proc_listpids(PROC_ALL_PIDS, 0, null, 0);
  if (size <= 0) return [];
  const buf = Buffer.alloc(size);
  return decodePidList(buf, libc.proc_listpids(PROC_ALL_PIDS, 0, buf, buf.length));
}

/** Socket descriptors of one pid; empty when libproc refuses (EPERM: other user, ESRCH). */
export function listSocketFds(libc: DarwinBinding, pid: number): readonly number[] {
  const size = libc.proc_pidinfo(pid, PROC_PIDLISTFDS, 0, null, 0);
  if (size <= 0) return [];
  const buf = Buffer.alloc(size);
  return decodeSocketFds(buf, libc.proc_pidinfo(pid, PROC_PIDLISTFDS, 0, buf, buf.length));
}

/**
 * pid -> process name for one scan (pids get reused, so nothing is kept across scans).
 * Order: the executable's file name from proc_pidpath (works for any user, not truncated),
 * then pbsi_comm (any user, 15 bytes), then proc_name (own processes only).
 */
class ProcessNames {
  private readonly names = new Map<number, string | undefined>();
  private readonly path = Buffer.alloc(PATH_BUFFER_SIZE);
  private readonly shortInfo = Buffer.alloc(BSD_SHORT_INFO_SIZE);
  private readonly name = Buffer.alloc(NAME_BUFFER_SIZE);

  constructor(private readonly libc: DarwinBinding) {}

  get(pid: number): string | undefined {
    if (!this.names.has(pid)) this.names.set(pid, this.lookUp(pid));
    return this.names.get(pid);
  }

  private lookUp(pid: number): string | undefined {
    const pathLength = this.libc.proc_pidpath(pid, this.path, this.path.length);
    if (pathLength > 0) {
      const name = posix.basename(readCString(this.path, 0, pathLength));
      if (name !== '') return name;
    }
    const returned = this.libc.proc_pidinfo(
      pid,
      PROC_PIDT_SHORTBSDINFO,
      0,
      this.shortInfo,
      this.shortInfo.length,
    );
    const info = decodeBsdShortInfo(this.shortInfo, returned);
    if (info && info.pid === pid && info.command !== '') return info.command;
    const nameLength = this.libc.proc_name(pid, this.name, this.name.length);
    if (nameLength > 0) {
      const name = readCString(this.name, 0, nameLength);
      if (name !== '') return name;
    }
    return undefined;
  }
}
