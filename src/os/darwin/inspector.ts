// Process detail on macOS through libproc and sysctl (XNU bsd/sys/proc_info.h,
// bsd/kern/kern_sysctl.c). proc_pidpath and PROC_PIDT_SHORTBSDINFO answer for any user's
// process; PROC_PIDTBSDINFO (start time), PROC_PIDVNODEPATHINFO (cwd), KERN_PROCARGS2
// (argv) and the descriptor list only for the user's own processes unless pm runs as root.

import type {
  ProcessDetail,
  ProcessDetailField,
  ProcessInspector,
  ProcessSocket,
} from '../../core/ports.js';
import { readBsdInfo, readProcArgs } from './args.js';
import {
  BSD_SHORT_INFO_SIZE,
  decodeBsdShortInfo,
  decodeSocketEndpoint,
  readCString,
  SOCKET_FDINFO_SIZE,
} from './decode/proc.js';
import { decodeVnodePathInfo, VNODE_PATH_INFO_SIZE } from './decode/process.js';
import { type DarwinBinding, LIBSYSTEM_PATH, listSocketFds, loadDarwinLibc } from './scanner.js';

const PROC_PIDVNODEPATHINFO = 9;
const PROC_PIDT_SHORTBSDINFO = 13;
const PROC_PIDFDSOCKETINFO = 3;
const PATH_BUFFER_SIZE = 4096;
const ESRCH = 3;

/** errno -> why a field is missing. */
function because(errno: number, what: string): string {
  switch (errno) {
    case 1:
    case 13:
      return `${what}: not permitted (EPERM) for another user's process unless pm runs as root`;
    case 22:
      return `${what}: refused (EINVAL): another user's process, or it exited`;
    case ESRCH:
      return `${what}: the process exited (ESRCH)`;
    case 0:
      return `${what}: no answer`;
    default:
      return `${what}: failed (errno ${errno})`;
  }
}

/** The process's working directory, or undefined (errno says why). */
export function workingDirectory(libc: DarwinBinding, pid: number): string | undefined {
  const vnode = Buffer.alloc(VNODE_PATH_INFO_SIZE);
  return decodeVnodePathInfo(
    vnode,
    libc.proc_pidinfo(pid, PROC_PIDVNODEPATHINFO, 0, vnode, vnode.length),
  );
}

export function createDarwinInspector(
  binding?: DarwinBinding | (() => DarwinBinding),
): ProcessInspector {
  let libc: DarwinBinding;
  try {
    libc = typeof binding === 'function' ? binding() : (binding ?? loadDarwinLibc());
  } catch (error) {
    throw new Error(
      `could not load ${LIBSYSTEM_PATH}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const shortInfo = (pid: number) => {
    const buf = Buffer.alloc(BSD_SHORT_INFO_SIZE);
    const info = decodeBsdShortInfo(
      buf,
      libc.proc_pidinfo(pid, PROC_PIDT_SHORTBSDINFO, 0, buf, buf.length),
    );
    return info && info.pid === pid ? info : undefined;
  };

  return {
    async detail(pid) {
      const bsd = readBsdInfo(libc, pid);
      const short = shortInfo(pid);
      const path = Buffer.alloc(PATH_BUFFER_SIZE);
      const pathLength = libc.proc_pidpath(pid, path, path.length);
      if (!bsd.ok && !short && pathLength <= 0) return undefined; // no such process
      const unavailable: Partial<Record<ProcessDetailField, string>> = {};
      const detail: { -readonly [K in keyof ProcessDetail]: ProcessDetail[K] } = {
        pid,
        unavailable,
      };

      const name = bsd.ok ? bsd.value.name : short?.command;
      if (name) detail.name = name;
      else unavailable.name = 'neither PROC_PIDTBSDINFO nor PROC_PIDT_SHORTBSDINFO answered';
      const ppid = bsd.ok ? bsd.value.ppid : short?.ppid;
      if (ppid !== undefined) detail.ppid = ppid;
      else unavailable.ppid = 'PROC_PIDT_SHORTBSDINFO did not answer';
      const uid = bsd.ok ? bsd.value.uid : short?.uid;
      if (uid !== undefined) {
        detail.uid = uid;
        const user = libc.userName?.(uid);
        if (user) detail.user = user;
        else unavailable.user = `getpwuid(${uid}) found no name`;
      } else {
        unavailable.uid = 'PROC_PIDT_SHORTBSDINFO did not answer';
        unavailable.user = 'the uid is unknown';
      }
      if (bsd.ok) detail.startTime = bsd.value.startTime;
      else unavailable.startTime = because(bsd.errno, 'PROC_PIDTBSDINFO');

      if (pathLength > 0) detail.executable = readCString(path, 0, pathLength);
      else unavailable.executable = because(libc.errno(), 'proc_pidpath');

      const args = readProcArgs(libc, pid);
      if (args.ok && args.value.argv.length > 0) detail.command = args.value.argv;
      else unavailable.command = because(args.ok ? 0 : args.errno, 'sysctl KERN_PROCARGS2');

      const cwd = workingDirectory(libc, pid);
      if (cwd !== undefined) detail.cwd = cwd;
      else unavailable.cwd = because(libc.errno(), 'PROC_PIDVNODEPATHINFO');

      const fds = listSocketFds(libc, pid);
      if (fds.length === 0 && !bsd.ok) {
        unavailable.sockets = because(bsd.errno, 'PROC_PIDLISTFDS');
      } else {
        detail.sockets = socketsOf(libc, pid, fds);
      }
      return detail;
    },
    async startTime(pid) {
      const bsd = readBsdInfo(libc, pid);
      return bsd.ok ? bsd.value.startTime : undefined;
    },
    async parentPid(pid) {
      return shortInfo(pid)?.ppid;
    },
  };
}

function socketsOf(libc: DarwinBinding, pid: number, fds: readonly number[]): ProcessSocket[] {
  const buf = Buffer.alloc(SOCKET_FDINFO_SIZE);
  const sockets: ProcessSocket[] = [];
  for (const fd of fds) {
    const socket = decodeSocketEndpoint(
      buf,
      libc.proc_pidfdinfo(pid, fd, PROC_PIDFDSOCKETINFO, buf, buf.length),
    );
    if (socket) sockets.push(socket);
  }
  return sockets;
}
