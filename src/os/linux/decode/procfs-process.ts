// Pure parsers of the per-process files under /proc that the detail view reads
// (proc(5): /proc/<pid>/stat, /proc/<pid>/status, /proc/stat) and of /etc/passwd.

export interface StatFields {
  /** Field 2, the kernel's name (comm), between the first '(' and the last ')'. */
  readonly name: string;
  /** Field 3: R, S, D, Z, ... */
  readonly state: string;
  /** Field 4. */
  readonly ppid: number;
  /** Field 22: clock ticks after boot. */
  readonly startTicks: number;
}

/**
 * Fields of /proc/<pid>/stat. The name may itself contain ')' or spaces, so fields are
 * counted from the last ')'.
 */
export function parseStatFields(text: string): StatFields | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3.
  const state = fields[0];
  const ppid = Number(fields[1]);
  const startTicks = Number(fields[19]);
  if (!state || !Number.isInteger(ppid) || !Number.isFinite(startTicks) || fields[19] === '') {
    return undefined;
  }
  return { name: text.slice(open + 1, close), state, ppid, startTicks };
}

/** The real uid from the `Uid:` line of /proc/<pid>/status (real, effective, saved, fs). */
export function parseStatusUid(text: string): number | undefined {
  const match = /^Uid:\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Boot time in seconds since the epoch: the `btime` line of /proc/stat. */
export function parseBootTime(text: string): number | undefined {
  const match = /^btime\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The name of `uid` in /etc/passwd text (name:password:uid:...). */
export function userNameFromPasswd(text: string, uid: number): string | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length >= 3 && fields[2] === String(uid) && fields[0]) return fields[0];
  }
  return undefined;
}

/** Kernel TCP states (include/net/tcp_states.h), named as `ss` names them. */
const TCP_STATE_NAMES: Readonly<Record<number, string>> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
};

/** The state of a socket row: TCP by name; UDP connected (ESTABLISHED) or not (CLOSE). */
export function socketStateName(protocol: 'tcp' | 'udp', state: number): string | undefined {
  if (protocol === 'udp') return state === 1 ? 'CONNECTED' : state === 7 ? 'UNCONN' : undefined;
  return TCP_STATE_NAMES[state];
}

/**
 * Names some runtimes give their main thread, which Linux then reports as the process's
 * name (comm): Node 24 calls it 'MainThread', so every Node 24 server would read
 * "MainThread". For these the executable's file name is shown instead.
 */
const RENAMED_MAIN_THREADS: ReadonlySet<string> = new Set(['MainThread']);

export function isRenamedMainThread(comm: string): boolean {
  return RENAMED_MAIN_THREADS.has(comm);
}

/** The name to show: comm, or the executable's file name when comm is a thread's name. */
export function processNameOf(comm: string, executable: string | undefined): string {
  if (!isRenamedMainThread(comm) || executable === undefined) return comm;
  const file = executable
    .replace(/ \(deleted\)$/, '')
    .split('/')
    .at(-1);
  return file === undefined || file === '' ? comm : file;
}
