// Process detail on Linux, from /proc alone (no FFI). Another user's process shows its
// stat, status and cmdline (unless /proc is mounted with hidepid=), but its cwd, exe and fd
// table need root or CAP_SYS_PTRACE: those fields are reported unavailable with the reason.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { userInfo } from 'node:os';
import type {
  ProcessDetail,
  ProcessDetailField,
  ProcessInspector,
  ProcessSocket,
  Protocol,
} from '../../core/ports.js';
import { decodeCmdline } from './decode/cmdline.js';
import {
  parseBootTime,
  parseStatFields,
  parseStatusUid,
  processNameOf,
  socketStateName,
  userNameFromPasswd,
} from './decode/procfs-process.js';
import { ProcNetReader, type ProcNetTable } from './procfs.js';

export interface LinuxInspectorOptions {
  /** Where procfs is mounted; tests point it at a fake tree. */
  readonly procRoot?: string;
  readonly passwdPath?: string;
  /** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every architecture Node runs on. */
  readonly clockTicks?: number;
}

const SOCKET_TABLES: readonly (ProcNetTable & { readonly protocol: Protocol })[] = [
  { file: 'tcp', protocol: 'tcp', family: 'ipv4' },
  { file: 'tcp6', protocol: 'tcp', family: 'ipv6' },
  { file: 'udp', protocol: 'udp', family: 'ipv4' },
  { file: 'udp6', protocol: 'udp', family: 'ipv6' },
];

export function createLinuxInspector(options: LinuxInspectorOptions = {}): ProcessInspector {
  const root = options.procRoot ?? '/proc';
  const ticks = options.clockTicks ?? 100;
  const procNet = new ProcNetReader();
  // Read once: /proc/stat's btime can wobble by a second between reads on some kernels,
  // and start times must compare equal for the same process within one pm run.
  let bootTime: number | undefined;
  const bootSeconds = (): number | undefined => {
    if (bootTime === undefined) {
      const text = readText(`${root}/stat`);
      bootTime = text === undefined ? undefined : parseBootTime(text);
    }
    return bootTime;
  };
  const stat = (pid: number) => {
    const text = readText(`${root}/${pid}/stat`);
    return text === undefined ? undefined : parseStatFields(text);
  };
  const startTimeOf = (startTicks: number): number | undefined => {
    const boot = bootSeconds();
    return boot === undefined ? undefined : boot * 1000 + Math.round((startTicks * 1000) / ticks);
  };

  return {
    async detail(pid) {
      const fields = stat(pid);
      if (!fields) return undefined;
      const unavailable: Partial<Record<ProcessDetailField, string>> = {};
      const detail: { -readonly [K in keyof ProcessDetail]: ProcessDetail[K] } = {
        pid,
        name: fields.name,
        ppid: fields.ppid,
        unavailable,
      };
      const startTime = startTimeOf(fields.startTicks);
      if (startTime === undefined) unavailable.startTime = `cannot read ${root}/stat (btime)`;
      else detail.startTime = startTime;

      const status = readText(`${root}/${pid}/status`);
      const uid = status === undefined ? undefined : parseStatusUid(status);
      if (uid === undefined) {
        unavailable.uid = `cannot read ${root}/${pid}/status`;
        unavailable.user = 'the uid is unknown';
      } else {
        detail.uid = uid;
        const user = userName(uid, options.passwdPath ?? '/etc/passwd');
        if (user === undefined) unavailable.user = `uid ${uid} has no name in /etc/passwd`;
        else detail.user = user;
      }

      attempt(unavailable, 'command', () => {
        const argv = decodeCmdline(readFileSync(`${root}/${pid}/cmdline`));
        if (argv.length === 0)
          throw reason('the process has no command line (kernel thread or zombie)');
        detail.command = argv;
      });
      attempt(unavailable, 'executable', () => {
        detail.executable = readlinkSync(`${root}/${pid}/exe`);
        detail.name = processNameOf(fields.name, detail.executable);
      });
      attempt(unavailable, 'cwd', () => {
        detail.cwd = readlinkSync(`${root}/${pid}/cwd`);
      });
      attempt(unavailable, 'sockets', () => {
        detail.sockets = socketsOf(root, pid, procNet);
      });
      return detail;
    },
    async startTime(pid) {
      const fields = stat(pid);
      return fields ? startTimeOf(fields.startTicks) : undefined;
    },
    async parentPid(pid) {
      return stat(pid)?.ppid;
    },
    async uid(pid) {
      const status = readText(`${root}/${pid}/status`);
      return status === undefined ? undefined : parseStatusUid(status);
    },
  };
}

/** Every TCP/UDP socket in the process's fd table, matched by inode against its netns tables. */
function socketsOf(root: string, pid: number, procNet: ProcNetReader): ProcessSocket[] {
  const inodes = new Set<number>();
  const fdDirectory = `${root}/${pid}/fd`;
  for (const fd of readdirSync(fdDirectory)) {
    let link: string;
    try {
      link = readlinkSync(`${fdDirectory}/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match) inodes.add(Number(match[1]));
  }
  const sockets: ProcessSocket[] = [];
  if (inodes.size === 0) return sockets;
  // The process's own network namespace: a container's sockets are not in ours.
  const outcome = procNet.read(SOCKET_TABLES, `${root}/${pid}/net`);
  if (!outcome.ok) throw reason(outcome.reason);
  SOCKET_TABLES.forEach((table, i) => {
    for (const record of outcome.records[i] ?? []) {
      if (!inodes.has(record.inode)) continue;
      const state = socketStateName(table.protocol, record.state);
      sockets.push({
        protocol: table.protocol,
        family: record.family,
        address: record.address,
        port: record.port,
        ...(state === undefined ? {} : { state }),
      });
    }
  });
  return sockets;
}

function userName(uid: number, passwdPath: string): string | undefined {
  // Our own name comes from the C library, which also knows users from LDAP or NSS.
  try {
    const me = userInfo();
    if (me.uid === uid) return me.username;
  } catch {
    // no passwd entry for our uid (containers): fall through
  }
  const passwd = readText(passwdPath);
  return passwd === undefined ? undefined : userNameFromPasswd(passwd, uid);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

class Unavailable extends Error {}
const reason = (text: string) => new Unavailable(text);

/** Runs `read`; a failure becomes the field's reason instead of an error. */
function attempt(
  unavailable: Partial<Record<ProcessDetailField, string>>,
  field: ProcessDetailField,
  read: () => void,
): void {
  try {
    read();
  } catch (error) {
    unavailable[field] = describeFailure(error);
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Unavailable) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `not permitted (${code}): another user's process needs root or CAP_SYS_PTRACE`;
    case 'ENOENT':
    case 'ESRCH':
      return `the process exited (${code})`;
    default:
      return code ? `cannot read (${code})` : String(error);
  }
}
