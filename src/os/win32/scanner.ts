// Windows backend: GetExtendedTcpTable / GetExtendedUdpTable (iphlpapi) list every socket
// with its owning pid, without admin rights; names come from one Toolhelp snapshot per scan
// plus QueryFullProcessImageNameW where the process lets us open it. Only this module and
// its loader touch koffi; the scan logic runs against the Win32Binding interface so it can
// be exercised on any OS with a fake. Layouts and sources: docs/platforms.md.
import { win32 as win32Path } from 'node:path';
import koffi from 'koffi';
import type { Listener, Scanner, ScanOptions, ScanOutcome } from '../../core/ports.js';
import { CommandLineCache } from '../shared/command-lines.js';
import { commandLine, creationTime, withProcess } from './args.js';
import {
  decodeTcp4Table,
  decodeTcp6Table,
  decodeUdp4Table,
  decodeUdp6Table,
} from './decode/tables.js';
import { decodeProcessEntry, newProcessEntryBuffer } from './decode/toolhelp.js';

export const WIN32_BACKEND = 'win32-iphlpapi';

/**
 * The Win32 calls the scanner makes. HANDLEs travel as numbers: the prototypes declare them
 * intptr_t so that INVALID_HANDLE_VALUE arrives as -1 (a `void *` would give a BigInt).
 */
export interface Win32Binding {
  /** `size` is a 4-byte DWORD buffer, in/out. Returns a Win32 error code (0 = success). */
  GetExtendedTcpTable(
    table: Buffer | null,
    size: Buffer,
    order: number,
    af: number,
    tableClass: number,
    reserved: number,
  ): number;
  GetExtendedUdpTable(
    table: Buffer | null,
    size: Buffer,
    order: number,
    af: number,
    tableClass: number,
    reserved: number,
  ): number;
  CreateToolhelp32Snapshot(flags: number, pid: number): number;
  Process32FirstW(snapshot: number, entry: Buffer): number;
  Process32NextW(snapshot: number, entry: Buffer): number;
  /** Returns 0 (NULL) on failure. */
  OpenProcess(access: number, inherit: number, pid: number): number;
  /** `size` is a 4-byte DWORD buffer: capacity in WCHARs in, WCHARs written out. */
  QueryFullProcessImageNameW(process: number, flags: number, exeName: Buffer, size: Buffer): number;
  CloseHandle(handle: number): number;
  /** `times` is a 32-byte buffer: creation, exit, kernel and user FILETIMEs. Optional. */
  GetProcessTimes?(process: number, times: Buffer): number;
  /**
   * ntdll NtQueryInformationProcess; returns an NTSTATUS (0 = success, negative = error).
   * `returnLength` is a 4-byte ULONG buffer. Optional: without it no command lines.
   */
  NtQueryInformationProcess?(
    process: number,
    infoClass: number,
    info: Buffer,
    length: number,
    returnLength: Buffer,
  ): number;
  /** The address of a Buffer's memory (koffi.address), to follow pointers into it. */
  addressOf?(buffer: Buffer): bigint | undefined;
}

export const WIN32_PROTOTYPES = {
  GetExtendedTcpTable:
    'uint32_t __stdcall GetExtendedTcpTable(void *table, void *size, int order, uint32_t af, int tableClass, uint32_t reserved)',
  GetExtendedUdpTable:
    'uint32_t __stdcall GetExtendedUdpTable(void *table, void *size, int order, uint32_t af, int tableClass, uint32_t reserved)',
  CreateToolhelp32Snapshot:
    'intptr_t __stdcall CreateToolhelp32Snapshot(uint32_t flags, uint32_t pid)',
  Process32FirstW: 'int __stdcall Process32FirstW(intptr_t snapshot, void *entry)',
  Process32NextW: 'int __stdcall Process32NextW(intptr_t snapshot, void *entry)',
  OpenProcess: 'intptr_t __stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)',
  QueryFullProcessImageNameW:
    'int __stdcall QueryFullProcessImageNameW(intptr_t process, uint32_t flags, void *exeName, void *size)',
  CloseHandle: 'int __stdcall CloseHandle(intptr_t handle)',
  GetProcessTimes:
    'int __stdcall GetProcessTimes(intptr_t process, void *creation, void *exit, void *kernel, void *user)',
  NtQueryInformationProcess:
    'int32_t __stdcall NtQueryInformationProcess(intptr_t process, uint32_t infoClass, void *info, uint32_t length, void *returnLength)',
} as const;

/** Loads iphlpapi.dll and kernel32.dll. Throws when they are absent (any OS but Windows). */
export function loadWin32Libraries(): Win32Binding {
  const iphlpapi = koffi.load('iphlpapi.dll');
  const kernel32 = koffi.load('kernel32.dll');
  const tcp = iphlpapi.func(WIN32_PROTOTYPES.GetExtendedTcpTable);
  const udp = iphlpapi.func(WIN32_PROTOTYPES.GetExtendedUdpTable);
  const snapshot = kernel32.func(WIN32_PROTOTYPES.CreateToolhelp32Snapshot);
  const first = kernel32.func(WIN32_PROTOTYPES.Process32FirstW);
  const next = kernel32.func(WIN32_PROTOTYPES.Process32NextW);
  const open = kernel32.func(WIN32_PROTOTYPES.OpenProcess);
  const query = kernel32.func(WIN32_PROTOTYPES.QueryFullProcessImageNameW);
  const close = kernel32.func(WIN32_PROTOTYPES.CloseHandle);
  const times = kernel32.func(WIN32_PROTOTYPES.GetProcessTimes);
  const ntdll = koffi.load('ntdll.dll');
  const queryInformation = ntdll.func(WIN32_PROTOTYPES.NtQueryInformationProcess);
  return {
    GetExtendedTcpTable: (table, size, order, af, cls, reserved) =>
      tcp(table, size, order, af, cls, reserved),
    GetExtendedUdpTable: (table, size, order, af, cls, reserved) =>
      udp(table, size, order, af, cls, reserved),
    CreateToolhelp32Snapshot: (flags, pid) => asHandle(snapshot(flags, pid)),
    Process32FirstW: (handle, entry) => first(handle, entry),
    Process32NextW: (handle, entry) => next(handle, entry),
    OpenProcess: (access, inherit, pid) => asHandle(open(access, inherit, pid)),
    QueryFullProcessImageNameW: (handle, flags, exeName, size) =>
      query(handle, flags, exeName, size),
    // biome-ignore lint/correctness/noComponentHookFactories: a Win32 function, not a React component
    CloseHandle: (handle) => close(handle),
    GetProcessTimes: (handle, buffer) =>
      times(
        handle,
        buffer.subarray(0, 8),
        buffer.subarray(8, 16),
        buffer.subarray(16, 24),
        buffer.subarray(24, 32),
      ),
    NtQueryInformationProcess: (handle, infoClass, info, length, returnLength) =>
      queryInformation(handle, infoClass, info, length, returnLength),
    addressOf: (buffer) => {
      try {
        return koffi.address(buffer);
      } catch {
        return undefined; // then the decoder assumes the text follows the header
      }
    },
  };
}

/** koffi returns an intptr_t as a number (BigInt only beyond 2^53, which handles never reach). */
function asHandle(value: unknown): number {
  return Number(value);
}

// winsock2.h, iprtrmib.h, winerror.h, winnt.h, tlhelp32.h, handleapi.h
const AF_INET = 2;
const AF_INET6 = 23;
const TCP_TABLE_OWNER_PID_LISTENER = 3;
const UDP_TABLE_OWNER_PID = 1;
const NO_ERROR = 0;
const ERROR_ACCESS_DENIED = 5;
const ERROR_NOT_ENOUGH_MEMORY = 8;
const ERROR_NOT_SUPPORTED = 50;
const ERROR_INVALID_PARAMETER = 87;
const ERROR_INSUFFICIENT_BUFFER = 122;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
const TH32CS_SNAPPROCESS = 0x2;
const INVALID_HANDLE_VALUE = -1;
/** The Idle pseudo-process and the kernel's "System": never openable, named by the snapshot. */
const UNOPENABLE_PIDS: ReadonlySet<number> = new Set([0, 4]);
/** Long-path limit in WCHARs; QueryFullProcessImageNameW fails on a buffer that is too short. */
const IMAGE_NAME_CHARS = 32_768;

const MAX_SNAPSHOT_ENTRIES = 1 << 20;

/** Fetch rounds before giving up on a table that keeps outgrowing the buffer. */
export const TABLE_MAX_ATTEMPTS = 8;

type TableFunction = Win32Binding['GetExtendedTcpTable'];
type TableRead = { readonly ok: true; readonly bytes: Buffer } | TableFailure;
interface TableFailure {
  readonly ok: false;
  readonly code: number;
  readonly attempts: number;
}

/**
 * A NULL table pointer makes the call report the size it needs (ERROR_INSUFFICIENT_BUFFER);
 * the table can still grow before the real call, which then reports the new size, so retry
 * a bounded number of times with growing slack.
 */
export function readTable(read: TableFunction, af: number, tableClass: number): TableRead {
  const size = Buffer.alloc(4);
  let code = read(null, size, 0, af, tableClass, 0);
  for (let attempt = 1; attempt <= TABLE_MAX_ATTEMPTS; attempt++) {
    if (code === NO_ERROR) return { ok: true, bytes: Buffer.alloc(0) };
    if (code !== ERROR_INSUFFICIENT_BUFFER) return { ok: false, code, attempts: attempt };
    const needed = Math.max(size.readUInt32LE(0), 4);
    const capacity = needed + Math.ceil(needed / 8) * attempt;
    const table = Buffer.alloc(capacity);
    size.writeUInt32LE(capacity, 0);
    code = read(table, size, 0, af, tableClass, 0);
    if (code === NO_ERROR) return { ok: true, bytes: table };
  }
  return { ok: false, code, attempts: TABLE_MAX_ATTEMPTS };
}

function describeTableFailure(call: string, failure: TableFailure): string {
  switch (failure.code) {
    case ERROR_NOT_SUPPORTED:
      return `${call} is not supported on this system (ERROR_NOT_SUPPORTED, 50)`;
    case ERROR_INVALID_PARAMETER:
      return `${call} rejected its arguments (ERROR_INVALID_PARAMETER, 87); this Windows version may not support the owner-pid tables`;
    case ERROR_INSUFFICIENT_BUFFER:
      return `the socket table kept growing while it was read: ${call} still wanted a larger buffer (ERROR_INSUFFICIENT_BUFFER, 122) after ${failure.attempts} attempts; try again`;
    case ERROR_ACCESS_DENIED:
      return `${call} was denied (ERROR_ACCESS_DENIED, 5); a security policy is blocking pm`;
    case ERROR_NOT_ENOUGH_MEMORY:
      return `${call} ran out of memory (ERROR_NOT_ENOUGH_MEMORY, 8)`;
    default:
      return `${call} failed with Windows error ${failure.code}`;
  }
}

/** `binding` defaults to the real DLLs, loaded now; a load failure yields a scanner whose
 * scans resolve { ok: false } instead of a throw. */
export function createWin32Scanner(binding?: Win32Binding): Scanner {
  let api: Win32Binding;
  try {
    api = binding ?? loadWin32Libraries();
  } catch (error) {
    const reason = `could not load iphlpapi.dll / kernel32.dll: ${error instanceof Error ? error.message : String(error)}`;
    return {
      backend: WIN32_BACKEND,
      scan: async () => ({ ok: false, reason }),
      seesOtherUsers: () => false,
    };
  }
  const imageName = Buffer.alloc(IMAGE_NAME_CHARS * 2);
  const commands = new CommandLineCache((pid) =>
    withProcess(api, pid, (handle) => commandLine(api, handle)),
  );
  return {
    backend: WIN32_BACKEND,
    scan: async (options?: ScanOptions) => {
      try {
        return scanWin32(api, imageName, commands, options?.attribute);
      } catch (error) {
        return {
          ok: false,
          reason: `Windows scan failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },
    // The owner-pid tables carry every process's pid without elevation; names of other
    // users' processes still come from the Toolhelp snapshot.
    seesOtherUsers: () => true,
    dispose: () => commands.clear(),
  };
}

function scanWin32(
  api: Win32Binding,
  imageName: Buffer,
  commands: CommandLineCache,
  attribute: ScanOptions['attribute'],
): ScanOutcome {
  const tcp = api.GetExtendedTcpTable.bind(api);
  const udp = api.GetExtendedUdpTable.bind(api);
  const listeners: Listener[] = [];
  const tcpTables = [
    { af: AF_INET, call: 'GetExtendedTcpTable(AF_INET)', decode: decodeTcp4Table },
    { af: AF_INET6, call: 'GetExtendedTcpTable(AF_INET6)', decode: decodeTcp6Table },
  ] as const;
  for (const table of tcpTables) {
    const read = readTable(tcp, table.af, TCP_TABLE_OWNER_PID_LISTENER);
    if (!read.ok) return { ok: false, reason: describeTableFailure(table.call, read) };
    listeners.push(...table.decode(read.bytes));
  }
  // UDP is the lesser half (docs/platforms.md): its failure must not hide the TCP listeners.
  for (const table of [
    { af: AF_INET, decode: decodeUdp4Table },
    { af: AF_INET6, decode: decodeUdp6Table },
  ] as const) {
    const read = readTable(udp, table.af, UDP_TABLE_OWNER_PID);
    if (read.ok) listeners.push(...table.decode(read.bytes));
  }

  const names = new ProcessNames(api, imageName);
  commands.beginScan();
  const named = listeners.map((listener) => {
    if (listener.pid === undefined) return listener;
    const process = names.get(listener.pid);
    const command = attribute && !attribute(listener.port) ? undefined : commandOf(listener.pid);
    return {
      ...listener,
      ...(process === undefined ? {} : { process }),
      ...(command === undefined ? {} : { command }),
    };
  });
  commands.endScan();
  return { ok: true, listeners: named };

  /** argv read once per pid + creation time; a process pm may not open keeps its image name. */
  function commandOf(pid: number): readonly string[] | undefined {
    if (!api.NtQueryInformationProcess) return undefined;
    const started = withProcess(api, pid, (handle) => creationTime(api, handle));
    return started === undefined ? undefined : commands.get(pid, String(started));
  }
}

/**
 * pid -> executable file name for one scan (pids get reused, so nothing is kept across
 * scans). The full image path, where the process may be opened, is the most precise; the
 * Toolhelp snapshot names everything else (System, protected and other users' processes).
 * The snapshot is taken at most once per scan, and only when some pid needs it.
 */
class ProcessNames {
  private readonly names = new Map<number, string | undefined>();
  private snapshot: ReadonlyMap<number, SnapshotEntry> | undefined;

  constructor(
    private readonly api: Win32Binding,
    private readonly imageName: Buffer,
  ) {}

  get(pid: number): string | undefined {
    if (!this.names.has(pid)) {
      const name = UNOPENABLE_PIDS.has(pid) ? undefined : this.fromImagePath(pid);
      this.names.set(pid, name ?? this.fromSnapshot(pid));
    }
    return this.names.get(pid);
  }

  private fromImagePath(pid: number): string | undefined {
    const handle = this.api.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
    if (handle === 0 || handle === INVALID_HANDLE_VALUE) return undefined;
    try {
      const size = Buffer.alloc(4);
      size.writeUInt32LE(IMAGE_NAME_CHARS, 0);
      if (this.api.QueryFullProcessImageNameW(handle, 0, this.imageName, size) === 0) {
        return undefined;
      }
      const chars = Math.min(size.readUInt32LE(0), IMAGE_NAME_CHARS);
      const name = win32Path.basename(this.imageName.toString('utf16le', 0, chars * 2));
      return name === '' ? undefined : name;
    } finally {
      this.api.CloseHandle(handle);
    }
  }

  private fromSnapshot(pid: number): string | undefined {
    this.snapshot ??= takeProcessSnapshot(this.api);
    return this.snapshot.get(pid)?.exeFile || undefined;
  }
}

export interface SnapshotEntry {
  readonly ppid: number;
  /** szExeFile: the executable's file name, '' when Windows gives none. */
  readonly exeFile: string;
}

/** One CreateToolhelp32Snapshot walked with Process32FirstW / NextW into pid -> entry. */
export function takeProcessSnapshot(api: Win32Binding): ReadonlyMap<number, SnapshotEntry> {
  const entries = new Map<number, SnapshotEntry>();
  const handle = api.CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (handle === INVALID_HANDLE_VALUE || handle === 0) return entries;
  try {
    const entry = newProcessEntryBuffer();
    let more = api.Process32FirstW(handle, entry) !== 0;
    // The cap only guards against a misbehaving binding; real snapshots end with FALSE.
    for (let seen = 0; more && seen < MAX_SNAPSHOT_ENTRIES; seen++) {
      const decoded = decodeProcessEntry(entry);
      if (decoded) entries.set(decoded.pid, { ppid: decoded.ppid, exeFile: decoded.exeFile });
      more = api.Process32NextW(handle, entry) !== 0;
    }
  } finally {
    api.CloseHandle(handle);
  }
  return entries;
}
