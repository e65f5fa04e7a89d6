// Pure decoders of the per-process answers the macOS detail view reads. Layouts from XNU
// bsd/sys/proc_info.h (struct proc_bsdinfo, struct proc_vnodepathinfo) and
// bsd/kern/kern_sysctl.c sysctl_procargsx + bsd/kern/kern_exec.c exec_extract_strings
// (the KERN_PROCARGS2 buffer); offsets are listed in docs/platforms.md. libproc reports the
// bytes it wrote, and only the full struct size is a trustworthy answer.
import { readCString } from './proc.js';

/** sizeof(struct proc_bsdinfo). */
export const BSD_INFO_SIZE = 136;
const PBI_PID = 12;
const PBI_PPID = 16;
const PBI_UID = 20;
const PBI_COMM = 48;
const PBI_NAME = 64;
const MAXCOMLEN = 16;
const PBI_START_TVSEC = 120;
const PBI_START_TVUSEC = 128;

export interface BsdInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  /** pbi_name when the process registered one, else pbi_comm (what proc_name() returns). */
  readonly name: string;
  /** Start time in ms since the epoch (pbi_start_tvsec, pbi_start_tvusec). */
  readonly startTime: number;
}

/** A PROC_PIDTBSDINFO answer; undefined unless the call wrote all 136 bytes. */
export function decodeBsdInfo(buf: Buffer, returned: number): BsdInfo | undefined {
  if (returned !== BSD_INFO_SIZE || buf.length < BSD_INFO_SIZE) return undefined;
  const name = readCString(buf, PBI_NAME, 2 * MAXCOMLEN) || readCString(buf, PBI_COMM, MAXCOMLEN);
  const seconds = buf.readBigUInt64LE(PBI_START_TVSEC);
  const micros = buf.readBigUInt64LE(PBI_START_TVUSEC);
  return {
    pid: buf.readUInt32LE(PBI_PID),
    ppid: buf.readUInt32LE(PBI_PPID),
    uid: buf.readUInt32LE(PBI_UID),
    name,
    startTime: Number(seconds * 1000n + micros / 1000n),
  };
}

/**
 * sizeof(struct proc_vnodepathinfo): two vnode_info_path (vnode_info 152 B = vinfo_stat 136
 * + vi_type + vi_pad + fsid_t, then vip_path[MAXPATHLEN 1024]) = 2 x 1176.
 */
export const VNODE_PATH_INFO_SIZE = 2352;
/** pvi_cdir.vip_path: the current directory. */
const PVI_CDIR_PATH = 152;
const MAXPATHLEN = 1024;

/** The cwd from a PROC_PIDVNODEPATHINFO answer; undefined unless all 2352 bytes came back. */
export function decodeVnodePathInfo(buf: Buffer, returned: number): string | undefined {
  if (returned !== VNODE_PATH_INFO_SIZE || buf.length < VNODE_PATH_INFO_SIZE) return undefined;
  const path = readCString(buf, PVI_CDIR_PATH, MAXPATHLEN);
  return path === '' ? undefined : path;
}

/** exec aligns argv[0] to a pointer after the executable path (exec_extract_strings). */
const PROCARGS_ALIGN = 8;

export interface ProcArgs {
  /** The path exec was given for the executable. */
  readonly executable: string;
  readonly argv: readonly string[];
}

/**
 * A KERN_PROCARGS2 answer: `int argc`, the executable path and its NUL, NULs up to the next
 * multiple of 8 bytes from the path's start, then argc NUL-ended arguments (any may be
 * empty), then the environment. Undefined when the buffer is too short for argc or the
 * path; arguments cut off by the end of the buffer are dropped. The environment is not part
 * of the answer: only `procArgs2Environment` reads it, for pm's own markers.
 */
export function decodeProcArgs2(buf: Buffer, length = buf.length): ProcArgs | undefined {
  const parsed = parseProcArgs2(buf, length);
  return parsed && { executable: parsed.executable, argv: parsed.argv };
}

/** The environment strings after argv in a KERN_PROCARGS2 answer (NUL-ended, up to the
 *  first empty one or the end); undefined when the answer is not one. */
export function procArgs2Environment(
  buf: Buffer,
  length = buf.length,
): readonly string[] | undefined {
  const parsed = parseProcArgs2(buf, length);
  if (!parsed || parsed.argv.length < parsed.argc) return parsed ? [] : undefined;
  const end = Math.min(length, buf.length);
  const environment: string[] = [];
  let at = parsed.next;
  while (at < end) {
    const nul = buf.indexOf(0, at);
    if (nul < 0 || nul >= end || nul === at) break;
    environment.push(buf.toString('utf8', at, nul));
    at = nul + 1;
  }
  return environment;
}

function parseProcArgs2(
  buf: Buffer,
  length: number,
): (ProcArgs & { readonly argc: number; readonly next: number }) | undefined {
  const end = Math.min(length, buf.length);
  if (end < 4) return undefined;
  const argc = buf.readInt32LE(0);
  const pathStart = 4;
  const pathEnd = buf.indexOf(0, pathStart);
  if (argc < 0 || pathEnd < 0 || pathEnd >= end) return undefined;
  const executable = buf.toString('utf8', pathStart, pathEnd);
  let at = pathStart + Math.ceil((pathEnd - pathStart + 1) / PROCARGS_ALIGN) * PROCARGS_ALIGN;
  // Only NULs may lie between the path and argv[0]; if not, the layout is not the expected
  // one, and skipping every NUL (what ps does) is the best remaining guess.
  if (at > end || buf.subarray(pathEnd, at).some((byte) => byte !== 0)) {
    at = pathEnd;
    while (at < end && buf[at] === 0) at++;
  }
  const argv: string[] = [];
  while (argv.length < argc && at < end) {
    const nul = buf.indexOf(0, at);
    if (nul < 0 || nul >= end) break;
    argv.push(buf.toString('utf8', at, nul));
    at = nul + 1;
  }
  return { executable, argv, argc, next: at };
}
