// Per-process reads on macOS shared by the scanner (command lines of listeners) and the
// detail view: PROC_PIDTBSDINFO and sysctl KERN_PROCARGS2. Both work for the user's own
// processes (root: all); for others they fail with EPERM / EINVAL and pm shows less.

import {
  BSD_INFO_SIZE,
  type BsdInfo,
  decodeBsdInfo,
  decodeProcArgs2,
  type ProcArgs,
  procArgs2Environment,
} from './decode/process.js';
import type { DarwinBinding } from './scanner.js';

const PROC_PIDTBSDINFO = 3;
const CTL_KERN = 1;
const KERN_PROCARGS2 = 49;

export type Read<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: number };

export function readBsdInfo(libc: DarwinBinding, pid: number): Read<BsdInfo> {
  const buf = Buffer.alloc(BSD_INFO_SIZE);
  const returned = libc.proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, buf, buf.length);
  const info = decodeBsdInfo(buf, returned);
  // libproc returns 0 on error with errno set; a short answer is a failure too.
  return info && info.pid === pid ? { ok: true, value: info } : { ok: false, errno: libc.errno() };
}

/**
 * The argv of `pid`. The kernel copies the *end* of the argument area into a short buffer,
 * so the size is asked first and the whole area fetched (argv sits at its start).
 */
export function readProcArgs(libc: DarwinBinding, pid: number): Read<ProcArgs> {
  const answer = readProcArgs2(libc, pid);
  if (!answer.ok) return answer;
  const decoded = decodeProcArgs2(answer.value);
  return decoded ? { ok: true, value: decoded } : { ok: false, errno: 0 };
}

/** The environment of `pid` (own processes only, as for argv): for pm run's markers. */
export function readProcEnvironment(libc: DarwinBinding, pid: number): Read<readonly string[]> {
  const answer = readProcArgs2(libc, pid);
  if (!answer.ok) return answer;
  const environment = procArgs2Environment(answer.value);
  return environment ? { ok: true, value: environment } : { ok: false, errno: 0 };
}

function readProcArgs2(libc: DarwinBinding, pid: number): Read<Buffer> {
  if (!libc.sysctl) return { ok: false, errno: 0 };
  const mib = Buffer.alloc(12);
  mib.writeInt32LE(CTL_KERN, 0);
  mib.writeInt32LE(KERN_PROCARGS2, 4);
  mib.writeInt32LE(pid, 8);
  const length = Buffer.alloc(8);
  if (libc.sysctl(mib, 3, null, length) !== 0) return { ok: false, errno: libc.errno() };
  const size = Number(length.readBigUInt64LE(0));
  if (size <= 0) return { ok: false, errno: 0 };
  const buf = Buffer.alloc(size);
  length.writeBigUInt64LE(BigInt(size), 0);
  if (libc.sysctl(mib, 3, buf, length) !== 0) return { ok: false, errno: libc.errno() };
  return { ok: true, value: buf.subarray(0, Math.min(Number(length.readBigUInt64LE(0)), size)) };
}
