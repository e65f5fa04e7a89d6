// Per-process reads on Windows shared by the scanner (command lines of listeners) and the
// detail view. Everything goes through one OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION)
// handle, the least access there is: it opens the user's own processes and many others,
// never System (4) or protected processes.
import {
  decodeCommandLineInformation,
  decodeFiletime,
  splitCommandLine,
} from './decode/process.js';
import type { Win32Binding } from './scanner.js';

const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
const INVALID_HANDLE_VALUE = -1;
/** PROCESSINFOCLASS ProcessCommandLineInformation (winternl.h), Windows 8.1 and later. */
const PROCESS_COMMAND_LINE_INFORMATION = 60;
/** NTSTATUS STATUS_INFO_LENGTH_MISMATCH, as the int32 koffi returns. */
const STATUS_INFO_LENGTH_MISMATCH = 0xc0000004 | 0;
const STATUS_BUFFER_TOO_SMALL = 0xc0000023 | 0;
const STATUS_BUFFER_OVERFLOW = 0x80000005 | 0;
/** The first try; a command line is at most 32767 WCHARs, so two tries are always enough. */
const FIRST_COMMAND_BUFFER = 4096;

/** Runs `use` with a limited-information handle to `pid`; undefined when it cannot be opened. */
export function withProcess<T>(
  api: Win32Binding,
  pid: number,
  use: (handle: number) => T,
): T | undefined {
  if (pid === 0 || pid === 4) return undefined; // Idle and System are never openable
  const handle = api.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
  if (handle === 0 || handle === INVALID_HANDLE_VALUE) return undefined;
  try {
    return use(handle);
  } finally {
    api.CloseHandle(handle);
  }
}

/** Creation time in ms since the epoch (GetProcessTimes). */
export function creationTime(api: Win32Binding, handle: number): number | undefined {
  if (!api.GetProcessTimes) return undefined;
  const times = Buffer.alloc(32);
  if (api.GetProcessTimes(handle, times) === 0) return undefined;
  return decodeFiletime(times, 0);
}

/**
 * argv via NtQueryInformationProcess(ProcessCommandLineInformation): the kernel copies the
 * command line out for any process the handle may query, so pm never reads another
 * process's memory (the PEB) for it.
 */
export function commandLine(api: Win32Binding, handle: number): string[] | undefined {
  if (!api.NtQueryInformationProcess) return undefined;
  let size = FIRST_COMMAND_BUFFER;
  for (let attempt = 0; attempt < 2; attempt++) {
    const info = Buffer.alloc(size);
    const returned = Buffer.alloc(4);
    const status = api.NtQueryInformationProcess(
      handle,
      PROCESS_COMMAND_LINE_INFORMATION,
      info,
      size,
      returned,
    );
    if (status === 0) {
      const text = decodeCommandLineInformation(
        info,
        Math.min(returned.readUInt32LE(0) || size, size),
        api.addressOf?.(info),
      );
      return text === undefined ? undefined : splitCommandLine(text);
    }
    const tooSmall =
      status === STATUS_INFO_LENGTH_MISMATCH ||
      status === STATUS_BUFFER_TOO_SMALL ||
      status === STATUS_BUFFER_OVERFLOW;
    const needed = returned.readUInt32LE(0);
    if (!tooSmall || needed <= size) return undefined;
    size = needed;
  }
  return undefined;
}
