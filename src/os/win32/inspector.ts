// Process detail on Windows (kernel32, ntdll, iphlpapi). Per field:
// - executable, name: QueryFullProcessImageNameW; else the Toolhelp snapshot's file name;
// - ppid: the Toolhelp snapshot (th32ParentProcessID), for any process;
// - startTime: GetProcessTimes (creation time);
// - command: NtQueryInformationProcess(ProcessCommandLineInformation), Windows 8.1+;
// - sockets: the owner-pid TCP (all states) and UDP tables, for any process;
// - cwd: not read. It lives only in the target's PEB (RTL_USER_PROCESS_PARAMETERS
//   .CurrentDirectory); reading it needs PROCESS_VM_READ and ReadProcessMemory on another
//   process's memory, which pm does not do;
// - uid, user: not read (Windows has SIDs, not uids; the owner would need OpenProcessToken +
//   GetTokenInformation(TokenUser) + LookupAccountSidW, not implemented).
// The first three need OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION), which fails for
// System, protected processes and, unelevated, many other users' processes.
import { win32 as win32Path } from 'node:path';
import type {
  ProcessDetail,
  ProcessDetailField,
  ProcessInspector,
  ProcessSocket,
} from '../../core/ports.js';
import { commandLine, creationTime, withProcess } from './args.js';
import { decodeSocketsOfPid, TCP4_ROW, TCP6_ROW, UDP4_ROW, UDP6_ROW } from './decode/tables.js';
import {
  loadWin32Libraries,
  readTable,
  takeProcessSnapshot,
  type Win32Binding,
} from './scanner.js';

const AF_INET = 2;
const AF_INET6 = 23;
const TCP_TABLE_OWNER_PID_ALL = 5;
const UDP_TABLE_OWNER_PID = 1;
const IMAGE_NAME_CHARS = 32_768;

const NOT_OPENABLE =
  'OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION) was refused (System, a protected process, or another user without elevation)';
const CWD_UNAVAILABLE =
  "not read on Windows: it is only in the process's own memory (PEB), and pm does not read other processes' memory";
const USER_UNAVAILABLE =
  'not read on Windows: processes are owned by SIDs, and the token lookup is not implemented';

export function createWin32Inspector(binding?: Win32Binding): ProcessInspector {
  const api = binding ?? loadWin32Libraries();
  // A snapshot per question: details are on demand, and pids come and go between them.
  const entryOf = (pid: number) => takeProcessSnapshot(api).get(pid);
  return {
    async detail(pid) {
      const entry = entryOf(pid);
      if (!entry) return undefined; // not in the snapshot: no such process
      const unavailable: Partial<Record<ProcessDetailField, string>> = {
        cwd: CWD_UNAVAILABLE,
        uid: USER_UNAVAILABLE,
        user: USER_UNAVAILABLE,
      };
      const detail: { -readonly [K in keyof ProcessDetail]: ProcessDetail[K] } = {
        pid,
        ppid: entry.ppid,
        name: entry.exeFile,
        unavailable,
      };
      const opened = withProcess(api, pid, (handle) => ({
        executable: imagePath(api, handle),
        startTime: creationTime(api, handle),
        command: commandLine(api, handle),
      }));
      if (opened?.executable) detail.executable = opened.executable;
      else unavailable.executable = opened ? 'QueryFullProcessImageNameW failed' : NOT_OPENABLE;
      if (opened?.startTime !== undefined) detail.startTime = opened.startTime;
      else unavailable.startTime = opened ? 'GetProcessTimes failed' : NOT_OPENABLE;
      if (opened?.command && opened.command.length > 0) detail.command = opened.command;
      else
        unavailable.command = opened
          ? 'NtQueryInformationProcess(ProcessCommandLineInformation) failed (needs Windows 8.1 or later)'
          : NOT_OPENABLE;
      const sockets = socketsOf(api, pid);
      if (sockets) detail.sockets = sockets;
      else unavailable.sockets = 'GetExtendedTcpTable failed';
      return detail;
    },
    async startTime(pid) {
      return withProcess(api, pid, (handle) => creationTime(api, handle));
    },
    async parentPid(pid) {
      return entryOf(pid)?.ppid;
    },
  };
}

function imagePath(api: Win32Binding, handle: number): string | undefined {
  const name = Buffer.alloc(IMAGE_NAME_CHARS * 2);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(IMAGE_NAME_CHARS, 0);
  if (api.QueryFullProcessImageNameW(handle, 0, name, size) === 0) return undefined;
  const chars = Math.min(size.readUInt32LE(0), IMAGE_NAME_CHARS);
  const path = name.toString('utf16le', 0, chars * 2);
  return win32Path.isAbsolute(path) ? path : undefined;
}

function socketsOf(api: Win32Binding, pid: number): ProcessSocket[] | undefined {
  const tcp = api.GetExtendedTcpTable.bind(api);
  const udp = api.GetExtendedUdpTable.bind(api);
  const sockets: ProcessSocket[] = [];
  for (const [read, af, tableClass, layout] of [
    [tcp, AF_INET, TCP_TABLE_OWNER_PID_ALL, TCP4_ROW],
    [tcp, AF_INET6, TCP_TABLE_OWNER_PID_ALL, TCP6_ROW],
    [udp, AF_INET, UDP_TABLE_OWNER_PID, UDP4_ROW],
    [udp, AF_INET6, UDP_TABLE_OWNER_PID, UDP6_ROW],
  ] as const) {
    const table = readTable(read, af, tableClass);
    if (!table.ok) {
      if (layout.protocol === 'tcp') return undefined;
      continue; // UDP is a bonus, as in the scan
    }
    sockets.push(...decodeSocketsOfPid(table.bytes, layout, pid));
  }
  return sockets;
}
